#include "analysis/score_blocks.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#include "semspace/status.hpp"

namespace semspace {
namespace {

constexpr std::size_t kLanes = 16;  // independent partial sums: enough to hide add latency, vectorizable as SLP
constexpr std::size_t kPanel = PackedRows::kPanelWidth;
// GCC/Clang vector extension: 8 floats, one AVX register or two SSE registers. Plain arithmetic on it keeps the
// accumulators in registers, which loops over float arrays did not (GCC kept them on the stack).
using Float8 = float __attribute__((vector_size(32)));

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

// The micro-kernel: kRows queries (fewer are valid: `rows`) against one 16-candidate panel, over all dims.
// kRows x 2 accumulators: 12 of the 16 AVX registers for kRows = 6 (12 FMAs per 8 loads); 2 x 2 x 2 = 8 SSE
// registers for kRows = 2.
// This file is compiled with -ffp-contract=fast, so in the AVX2+FMA instantiation acc += q * w becomes an FMA.
template <std::size_t kRows>
[[gnu::always_inline]] inline void panel_kernel(const float* const* query_rows, std::size_t rows, const float* panel,
                                                std::size_t dims, float* out, std::size_t out_stride) {
  static_assert(kPanel == 16);
  Float8 acc[kRows][2] = {};
  for (std::size_t dim = 0; dim < dims; ++dim) {
    Float8 w0, w1;  // memcpy: unaligned loads
    std::memcpy(&w0, panel + dim * kPanel, sizeof(Float8));
    std::memcpy(&w1, panel + dim * kPanel + 8, sizeof(Float8));
#pragma GCC unroll 8
    for (std::size_t r = 0; r < kRows; ++r) {
      const float q = query_rows[r][dim];
      acc[r][0] += q * w0;
      acc[r][1] += q * w1;
    }
  }
  for (std::size_t r = 0; r < rows; ++r) {
    std::memcpy(out + r * out_stride, &acc[r][0], sizeof(Float8));
    std::memcpy(out + r * out_stride + 8, &acc[r][1], sizeof(Float8));
  }
}

// One query block x panels [panel0, panel1) into `scores` (row stride `stride`).
template <std::size_t kRows>
[[gnu::always_inline]] inline void block_product(MatrixView queries, std::size_t q0, std::size_t q1,
                                                 const PackedRows& candidates, std::size_t panel0,
                                                 std::size_t panel1, float* scores, std::size_t stride) {
  const std::size_t dims = queries.cols;
  for (std::size_t p = panel0; p < panel1; ++p) {
    const float* panel = candidates.panel(p);
    float* out_col = scores + (p - panel0) * kPanel;
    for (std::size_t q = q0; q < q1; q += kRows) {
      const std::size_t rows = std::min(kRows, q1 - q);
      // Missing rows of a short last group repeat the first one; their results are not copied out.
      const float* query_rows[kRows];
      for (std::size_t r = 0; r < kRows; ++r) query_rows[r] = queries.data + (q + (r < rows ? r : 0)) * queries.stride;
      panel_kernel<kRows>(query_rows, rows, panel, dims, out_col + (q - q0) * stride, stride);
    }
  }
}

void block_product_portable(MatrixView queries, std::size_t q0, std::size_t q1, const PackedRows& candidates,
                            std::size_t panel0, std::size_t panel1, float* scores, std::size_t stride) {
  block_product<2>(queries, q0, q1, candidates, panel0, panel1, scores, stride);
}

[[gnu::target("avx2,fma")]] void block_product_avx2(MatrixView queries, std::size_t q0, std::size_t q1,
                                                     const PackedRows& candidates, std::size_t panel0,
                                                     std::size_t panel1, float* scores, std::size_t stride) {
  block_product<6>(queries, q0, q1, candidates, panel0, panel1, scores, stride);
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
