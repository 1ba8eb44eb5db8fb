#include "analysis/score_blocks.hpp"

#include <algorithm>
#include <array>

#include "semspace/status.hpp"

namespace semspace {
namespace {

constexpr std::size_t kLanes = 16;  // independent partial sums: enough to hide add latency, vectorizable as SLP
constexpr std::size_t kPanel = PackedRows::kPanelWidth;
constexpr std::size_t kRowsPerKernel = 4;  // 4 queries x 16 candidates = 64 accumulators (8 AVX registers)

float dot(const float* a, const float* b, std::size_t n) {
  std::array<float, kLanes> acc{};
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (std::size_t lane = 0; lane < kLanes; ++lane) acc[lane] += a[i + lane] * b[i + lane];
  }
  float sum = 0;
  for (float x : acc) sum += x;
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

// The micro-kernel: `rows` (<= kRowsPerKernel) queries against one panel, over all dims. Written as plain loops
// so the compiler vectorizes across the panel's 16 candidates; kFma selects fused multiply-add, which is only
// fast (and only used) in the AVX2+FMA instantiation.
template <bool kFma>
[[gnu::always_inline]] inline void panel_kernel(const float* const* query_rows, std::size_t rows, const float* panel,
                                                std::size_t dims, float* out, std::size_t out_stride) {
  float acc[kRowsPerKernel][kPanel] = {};
  for (std::size_t dim = 0; dim < dims; ++dim) {
    const float* w = panel + dim * kPanel;
    for (std::size_t r = 0; r < kRowsPerKernel; ++r) {
      const float q = query_rows[r][dim];
      for (std::size_t j = 0; j < kPanel; ++j) {
        if constexpr (kFma) {
          acc[r][j] = __builtin_fmaf(q, w[j], acc[r][j]);
        } else {
          acc[r][j] += q * w[j];
        }
      }
    }
  }
  for (std::size_t r = 0; r < rows; ++r) std::copy_n(acc[r], kPanel, out + r * out_stride);
}

// One query block x one candidate block into `scores` (row stride kCandidateBlock rounded to panels).
template <bool kFma>
[[gnu::always_inline]] inline void block_product(MatrixView queries, std::size_t q0, std::size_t q1,
                                                 const PackedRows& candidates, std::size_t panel0,
                                                 std::size_t panel1, float* scores, std::size_t stride) {
  const std::size_t dims = queries.cols;
  for (std::size_t p = panel0; p < panel1; ++p) {
    const float* panel = candidates.panel(p);
    float* out_col = scores + (p - panel0) * kPanel;
    for (std::size_t q = q0; q < q1; q += kRowsPerKernel) {
      std::size_t rows = std::min(kRowsPerKernel, q1 - q);
      // Missing rows of a short last group repeat the first one; their results are not copied out.
      const float* query_rows[kRowsPerKernel];
      for (std::size_t r = 0; r < kRowsPerKernel; ++r) query_rows[r] = queries.data + (q + (r < rows ? r : 0)) * queries.stride;
      panel_kernel<kFma>(query_rows, rows, panel, dims, out_col + (q - q0) * stride, stride);
    }
  }
}

void block_product_portable(MatrixView queries, std::size_t q0, std::size_t q1, const PackedRows& candidates,
                            std::size_t panel0, std::size_t panel1, float* scores, std::size_t stride) {
  block_product<false>(queries, q0, q1, candidates, panel0, panel1, scores, stride);
}

[[gnu::target("avx2,fma")]] void block_product_avx2(MatrixView queries, std::size_t q0, std::size_t q1,
                                                     const PackedRows& candidates, std::size_t panel0,
                                                     std::size_t panel1, float* scores, std::size_t stride) {
  block_product<true>(queries, q0, q1, candidates, panel0, panel1, scores, stride);
}

using BlockProductFn = void (*)(MatrixView, std::size_t, std::size_t, const PackedRows&, std::size_t, std::size_t,
                                float*, std::size_t);

// Chosen once per process (a function-local static), never reassigned.
BlockProductFn select_block_product() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return block_product_avx2;
  return block_product_portable;
}

}  // namespace

void dot_rows(std::span<const float> query, MatrixView rows, std::span<float> scores) {
  SEMSPACE_CHECK(query.size() == rows.cols, "query dim {} != rows dim {}", query.size(), rows.cols);
  SEMSPACE_CHECK(scores.size() == rows.rows, "scores {} != rows {}", scores.size(), rows.rows);
  for (std::size_t r = 0; r < rows.rows; ++r) scores[r] = dot(query.data(), rows.data + r * rows.stride, rows.cols);
}

PackedRows::PackedRows(MatrixView rows) : rows_(rows.rows), cols_(rows.cols) {
  data_.assign(panels() * cols_ * kPanel, 0.0f);
  for (std::size_t r = 0; r < rows_; ++r) {
    float* panel = data_.data() + (r / kPanel) * cols_ * kPanel;
    const std::size_t j = r % kPanel;
    const float* src = rows.data + r * rows.stride;
    for (std::size_t dim = 0; dim < cols_; ++dim) panel[dim * kPanel + j] = src[dim];
  }
}

void for_each_score_block(MatrixView queries, std::size_t query_begin, std::size_t query_end,
                          const PackedRows& candidates, const ScoreBlockFn& consume) {
  SEMSPACE_CHECK(queries.cols == candidates.cols(), "query dim {} != candidate dim {}", queries.cols,
                 candidates.cols());
  SEMSPACE_CHECK(query_begin <= query_end && query_end <= queries.rows, "query range [{}, {}) outside {} rows",
                 query_begin, query_end, queries.rows);
  static const BlockProductFn block_product_fn = select_block_product();
  static_assert(kCandidateBlock % kPanel == 0);
  const std::size_t stride = kCandidateBlock;
  std::vector<float> scores(kQueryBlock * stride);
  const std::size_t panels = candidates.panels();
  const std::size_t panels_per_block = kCandidateBlock / kPanel;
  for (std::size_t q0 = query_begin; q0 < query_end; q0 += kQueryBlock) {
    const std::size_t q1 = std::min(query_end, q0 + kQueryBlock);
    for (std::size_t panel0 = 0; panel0 < panels; panel0 += panels_per_block) {
      const std::size_t panel1 = std::min(panels, panel0 + panels_per_block);
      block_product_fn(queries, q0, q1, candidates, panel0, panel1, scores.data(), stride);
      const std::size_t c0 = panel0 * kPanel;
      const std::size_t c1 = std::min(candidates.rows(), panel1 * kPanel);
      // Compact to the documented row stride (c1 - c0) only when the block is narrower than the buffer.
      if (c1 - c0 != stride) {
        for (std::size_t i = 0; i < q1 - q0; ++i) {
          std::copy_n(scores.data() + i * stride, c1 - c0, scores.data() + i * (c1 - c0));
        }
      }
      consume(q0, q1, c0, c1, scores.data());
    }
  }
}

}  // namespace semspace
