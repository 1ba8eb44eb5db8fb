// What PCA, k-means and the cluster scores share: splitting rows into blocks over the caller's threads, a
// finite-values check on input matrices, and a centred copy of a block of rows.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

#include <fmt/format.h>

#include "core/threads.hpp"
#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace::analysis_detail {

/// Runs fn(thread_id, begin, end) over [0, rows) in blocks of `block` rows, block b on thread b % threads, so
/// each thread sees the same blocks whatever the timing (results combine in a fixed order). Never starts
/// more threads than there are blocks.
template <class Fn>
void for_row_blocks(std::size_t rows, std::size_t block, int threads, Fn&& fn) {
  const std::size_t blocks = (rows + block - 1) / block;
  const int used = static_cast<int>(std::max<std::size_t>(1, std::min<std::size_t>(blocks, std::max(threads, 1))));
  core::run_threads(used, [&](int thread_id) {
    for (std::size_t b = static_cast<std::size_t>(thread_id); b < blocks; b += static_cast<std::size_t>(used)) {
      fn(thread_id, b * block, std::min(rows, (b + 1) * block));
    }
  });
}

/// The number of threads the work splits over: what for_row_blocks will start.
inline int threads_for(std::size_t rows, std::size_t block, int threads) {
  const std::size_t blocks = (rows + block - 1) / block;
  return static_cast<int>(std::max<std::size_t>(1, std::min<std::size_t>(blocks, std::max(threads, 1))));
}

/// kInvalidArgument "<what>: row R, column C is NaN|infinite" for the first non-finite value.
inline Status check_finite(MatrixView x, std::string_view what) {
  for (std::size_t r = 0; r < x.rows; ++r) {
    auto row = x.row(r);
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (!std::isfinite(row[c])) {
        return make_error(ErrorCode::kInvalidArgument, fmt::format("{}: row {}, column {} is {}", what, r, c,
                                                                   std::isnan(row[c]) ? "NaN" : "infinite"));
      }
    }
  }
  return {};
}

/// out (end - begin rows, x.cols columns, contiguous) = x rows [begin, end) minus mean.
inline void centred_block(MatrixView x, std::size_t begin, std::size_t end, std::span<const float> mean, float* out) {
  for (std::size_t r = begin; r < end; ++r) {
    auto row = x.row(r);
    float* dst = out + (r - begin) * x.cols;
    for (std::size_t c = 0; c < x.cols; ++c) dst[c] = row[c] - mean[c];
  }
}

/// Column means, accumulated in double (per-thread partial sums, combined in thread order).
inline std::vector<double> column_means(MatrixView x, int threads) {
  constexpr std::size_t kBlock = 1024;
  const int used = threads_for(x.rows, kBlock, threads);
  std::vector<std::vector<double>> partial(used, std::vector<double>(x.cols, 0.0));
  for_row_blocks(x.rows, kBlock, used, [&](int t, std::size_t begin, std::size_t end) {
    auto& sum = partial[t];
    for (std::size_t r = begin; r < end; ++r) {
      auto row = x.row(r);
      for (std::size_t c = 0; c < x.cols; ++c) sum[c] += row[c];
    }
  });
  std::vector<double> mean(x.cols, 0.0);
  for (const auto& p : partial) {
    for (std::size_t c = 0; c < x.cols; ++c) mean[c] += p[c];
  }
  for (auto& m : mean) m /= static_cast<double>(std::max<std::size_t>(x.rows, 1));
  return mean;
}

}  // namespace semspace::analysis_detail
