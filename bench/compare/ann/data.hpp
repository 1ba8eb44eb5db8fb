// Data sets for the ANN comparison: generation, splitting into base and held-out queries, and the cached exact
// ground truth. Every file is a .npy written crash-safely, so an interrupted run leaves no half file behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "contender.hpp"
#include "semspace/matrix.hpp"

namespace ann {

struct ClusteredSpec {
  std::size_t n = 1000000, queries = 1000;
  int dim = 128, clusters = 1000;
  float sigma_min = 0.2f, sigma_max = 0.6f;
  std::uint64_t seed = 42;
};

/// Writes dir/base.npy and dir/queries.npy: `clusters` centres ~ N(0, 1)^dim, each with sigma ~ U[min, max];
/// every point (base and query alike) picks a centre uniformly and adds N(0, sigma^2) noise per coordinate.
void write_clustered(const ClusteredSpec& spec, const std::filesystem::path& dir);

/// Writes dir/base.npy and dir/queries.npy from the rows of `all`: `queries` rows drawn at random (seed) are the
/// queries, the rest the base, both in their original order. Rows that are all zero are dropped first (a text
/// without known words has no direction); returns how many were dropped.
std::size_t write_split(semspace::MatrixView all, std::size_t queries, std::uint64_t seed,
                        const std::filesystem::path& dir);

/// Reads a float32 .npy matrix; throws std::runtime_error naming the file.
semspace::Matrix read_matrix(const std::filesystem::path& path);

/// Scales every row to unit length (zero rows stay zero).
void normalize_rows(semspace::Matrix& m);

/// dir/gt-<k>.npy: the exact top-k row numbers of every query (FAISS IndexFlat), computed once and reused.
/// Returns nq x k labels, row-major.
std::vector<std::int64_t> ground_truth(const std::filesystem::path& dir, const semspace::Matrix& base,
                                       const semspace::Matrix& queries, DataMetric metric, int k, int threads,
                                       bool* computed);

}  // namespace ann
