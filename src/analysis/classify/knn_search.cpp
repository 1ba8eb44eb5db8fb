#include "analysis/classify/knn_search.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "analysis/row_blocks.hpp"
#include "analysis/score_blocks.hpp"
#include "analysis/top_k.hpp"
#include "core/kernels/distance.hpp"

namespace semspace {

std::string_view knn_metric_name(KnnMetric metric) noexcept { return metric == KnnMetric::kCosine ? "cosine" : "l2"; }

namespace {

constexpr std::size_t kNoSelf = std::numeric_limits<std::size_t>::max();

Matrix unit_rows(MatrixView x) {
  Matrix out(x.rows, x.cols);
  for (std::size_t r = 0; r < x.rows; ++r) {
    auto src = x.row(r);
    auto dst = out.row(r);
    const float norm = std::sqrt(kernels::dot_f32(src.data(), src.data(), src.size()));
    const float inv = norm > 0 ? 1.0f / norm : 0.0f;
    for (std::size_t c = 0; c < src.size(); ++c) dst[c] = src[c] * inv;
  }
  return out;
}

// self: queries are the reference rows, and query row q skips candidate q.
Neighbours search(MatrixView queries, MatrixView reference, const KnnSearchOptions& options, bool self) {
  const bool cosine = options.metric == KnnMetric::kCosine;
  Matrix query_units, reference_units;
  if (cosine) {
    reference_units = unit_rows(reference);
    reference = reference_units.view();
    if (self) {
      queries = reference;
    } else {
      query_units = unit_rows(queries);
      queries = query_units.view();
    }
  }
  // Squared norms make the L2 ranking a product: |q - x|^2 = |q|^2 - (2 q.x - |x|^2), |q|^2 fixed per query.
  std::vector<float> half_norms(reference.rows, 0.0f);
  if (!cosine) {
    for (std::size_t r = 0; r < reference.rows; ++r) {
      auto row = reference.row(r);
      half_norms[r] = 0.5f * kernels::dot_f32(row.data(), row.data(), row.size());
    }
  }
  const PackedRows packed(reference);
  const std::size_t k = static_cast<std::size_t>(options.k);
  Neighbours out{.rows = queries.rows, .k = k, .ids = std::vector<std::uint32_t>(queries.rows * k),
                 .distances = std::vector<float>(queries.rows * k)};
  constexpr std::size_t kRowsPerTask = 4 * kQueryBlock;
  std::atomic<std::size_t> rows_done{0};
  analysis_detail::for_row_blocks(queries.rows, kRowsPerTask, options.threads, [&](int, std::size_t begin, std::size_t end) {
    std::vector<TopK> tops(end - begin, TopK(k));
    for_each_score_block(queries, begin, end, packed,
                         [&](std::size_t qb, std::size_t qe, std::size_t cb, std::size_t ce, const float* scores) {
                           const std::size_t width = ce - cb;
                           for (std::size_t q = qb; q < qe; ++q) {
                             TopK& top = tops[q - begin];
                             const float* s = scores + (q - qb) * width;
                             const std::size_t skip = self ? q : kNoSelf;
                             for (std::size_t j = 0; j < width; ++j) {
                               const std::size_t id = cb + j;
                               if (id == skip) continue;
                               top.push(cosine ? s[j] : s[j] - half_norms[id], static_cast<std::uint32_t>(id));
                             }
                           }
                         });
    // The product found the neighbours; their distances are recomputed directly, without the cancellation
    // of the expanded form, so near neighbours get full float precision.
    for (std::size_t q = begin; q < end; ++q) {
      auto best = tops[q - begin].take_sorted();
      auto query = queries.row(q);
      for (std::size_t i = 0; i < k; ++i) {
        const std::uint32_t id = best[i].id;
        auto candidate = reference.row(id);
        const float d = cosine ? 1.0f - kernels::dot_f32(query.data(), candidate.data(), query.size())
                               : std::sqrt(kernels::l2sq_f32(query.data(), candidate.data(), query.size()));
        out.ids[q * k + i] = id;
        out.distances[q * k + i] = cosine ? std::max(d, 0.0f) : d;
      }
    }
    const std::size_t done = rows_done.fetch_add(end - begin) + (end - begin);
    if (options.on_progress) options.on_progress(done);
  });
  return out;
}

}  // namespace

Expected<Neighbours> knn_search(MatrixView queries, MatrixView reference, const KnnSearchOptions& options) {
  if (options.k < 1 || static_cast<std::size_t>(options.k) > reference.rows) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("k = {} must be between 1 and the number of reference rows ({})", options.k,
                                  reference.rows));
  }
  if (queries.cols != reference.cols) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("queries have dimension {} but the reference rows {}",
                                                               queries.cols, reference.cols));
  }
  return search(queries, reference, options, false);
}

Expected<Neighbours> knn_search_self(MatrixView rows, const KnnSearchOptions& options) {
  if (options.k < 1 || static_cast<std::size_t>(options.k) >= rows.rows) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("k = {} must be at least 1 and below the number of rows ({})", options.k, rows.rows));
  }
  return search(rows, rows, options, true);
}

}  // namespace semspace
