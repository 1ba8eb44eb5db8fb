// Test data shared by the HNSW tests: clustered vectors, labels, and exact answers computed in double precision.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numeric>
#include <random>
#include <span>
#include <utility>
#include <vector>

#include "index/vector_index.hpp"
#include "semspace/matrix.hpp"

namespace semspace::index {

// Gaussian clusters: the neighbourhood structure of real embeddings, unlike uniform noise.
inline Matrix clustered(std::size_t rows, std::size_t dim, std::uint64_t seed, std::size_t clusters = 50) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::mt19937_64 centre_rng(7);  // the same centres for base and queries
  Matrix centres(clusters, dim);
  for (std::size_t i = 0; i < centres.size(); ++i) centres.data()[i] = normal(centre_rng);
  Matrix out(rows, dim);
  std::uniform_int_distribution<std::size_t> pick(0, clusters - 1);
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t c = pick(rng);
    for (std::size_t d = 0; d < dim; ++d) out.row(r)[d] = centres.row(c)[d] + 0.4f * normal(rng);
  }
  return out;
}

inline std::vector<std::uint64_t> iota_labels(std::size_t n, std::uint64_t from = 0) {
  std::vector<std::uint64_t> labels(n);
  std::iota(labels.begin(), labels.end(), from);
  return labels;
}

// Exact top-k in double precision over the rows whose label passes `keep`.
inline std::vector<std::vector<std::uint64_t>> brute_force(const Matrix& base, std::span<const std::uint64_t> labels,
                                                    const Matrix& queries, Metric metric, std::size_t k,
                                                    const std::function<bool(std::uint64_t)>& keep = {}) {
  std::vector<std::vector<std::uint64_t>> out(queries.rows());
  for (std::size_t q = 0; q < queries.rows(); ++q) {
    std::vector<std::pair<double, std::uint64_t>> scored;
    for (std::size_t r = 0; r < base.rows(); ++r) {
      if (keep && !keep(labels[r])) continue;
      double dot = 0, l2 = 0, nb = 0, nq = 0;
      for (std::size_t d = 0; d < base.cols(); ++d) {
        const double a = base.row(r)[d], b = queries.row(q)[d];
        dot += a * b;
        l2 += (a - b) * (a - b);
        nb += a * a;
        nq += b * b;
      }
      const double score = metric == Metric::kL2 ? -l2 : metric == Metric::kDot ? dot : dot / std::sqrt(nb * nq);
      scored.emplace_back(-score, labels[r]);
    }
    const std::size_t n = std::min(k, scored.size());
    std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(n), scored.end());
    for (std::size_t i = 0; i < n; ++i) out[q].push_back(scored[i].second);
  }
  return out;
}

inline double recall(const SearchResults& results, const std::vector<std::vector<std::uint64_t>>& truth) {
  std::size_t hit = 0, total = 0;
  for (std::size_t q = 0; q < truth.size(); ++q) {
    auto got = results.labels_of(q);
    for (std::uint64_t label : truth[q]) hit += std::find(got.begin(), got.end(), label) != got.end();
    total += truth[q].size();
  }
  return static_cast<double>(hit) / static_cast<double>(total);
}

// The score an index should report for (base row, query) under `metric`, in double precision.
inline double exact_score(std::span<const float> row, std::span<const float> query, Metric metric) {
  double dot = 0, l2 = 0, nb = 0, nq = 0;
  for (std::size_t d = 0; d < row.size(); ++d) {
    const double a = row[d], b = query[d];
    dot += a * b;
    l2 += (a - b) * (a - b);
    nb += a * a;
    nq += b * b;
  }
  return metric == Metric::kL2 ? -l2 : metric == Metric::kDot ? dot : dot / std::sqrt(nb * nq);
}

}  // namespace semspace::index
