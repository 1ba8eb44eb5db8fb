// Exact k nearest neighbours of query rows among reference rows (Euclidean or cosine), by brute force: the
// cache-blocked inner products of score_blocks over the caller's threads, streamed into TopK per query. The
// k-NN classifier, k-NN anomaly scores and LOF all stand on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace {

enum class KnnMetric : std::uint32_t { kL2 = 0, kCosine = 1 };
std::string_view knn_metric_name(KnnMetric metric) noexcept;  // "l2" | "cosine"

struct KnnSearchOptions {
  int k = 10;
  KnnMetric metric = KnnMetric::kL2;
  int threads = 1;
  /// Called with the number of query rows finished so far, from the worker threads (must be thread-safe, as
  /// core::Progress::update is); empty = no reports.
  std::function<void(std::size_t rows_done)> on_progress{};
};

/// rows x k neighbours, nearest first; ties go to the smaller reference row. distances are Euclidean for kL2
/// (as sklearn's kneighbors) and 1 - cosine similarity for kCosine (a zero vector has cosine 0, distance 1, to every row).
struct Neighbours {
  std::size_t rows = 0, k = 0;
  std::vector<std::uint32_t> ids;
  std::vector<float> distances;
  std::span<const std::uint32_t> ids_of(std::size_t row) const { return {ids.data() + row * k, k}; }
  std::span<const float> distances_of(std::size_t row) const { return {distances.data() + row * k, k}; }
};

/// The k nearest reference rows of each query row. kInvalidArgument when k < 1, k > reference rows, or the
/// column counts differ. Inputs must be finite (callers check; a NaN row's neighbours are unspecified).
Expected<Neighbours> knn_search(MatrixView queries, MatrixView reference, const KnnSearchOptions& options);

/// The k nearest other rows of each row of `rows` (a row is never its own neighbour, though an identical row
/// may be), as sklearn's kneighbors() without X. kInvalidArgument when k < 1 or k >= rows.
Expected<Neighbours> knn_search_self(MatrixView rows, const KnnSearchOptions& options);

}  // namespace semspace
