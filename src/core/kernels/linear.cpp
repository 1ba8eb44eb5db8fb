// The few-rows linear kernel, compiled once per SIMD target by Highway (as distance.cpp). Blocks of 4 output
// columns x up to 4 input rows keep 16 independent accumulators (enough fused multiply-adds in flight to hide their
// latency) and need 8 loads per 16 FMAs; the 4 weight rows of a block stay in L1 while every group of input rows
// passes over them, so each weight is read from memory once per call.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "core/kernels/linear.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h
#include <hwy/highway.h>

#include <algorithm>

#include "core/kernels/linear.hpp"

HWY_BEFORE_NAMESPACE();
namespace semspace::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using DF = hn::ScalableTag<float>;

// out[r, j0 + c] for R rows and C columns (R, C <= 4): dot products of input rows with weight rows.
template <std::size_t R, std::size_t C>
HWY_INLINE void block(std::size_t depth, const float* in, std::size_t ld_in, const float* weight, std::size_t ld_weight,
                      const float* bias, float* out, std::size_t ld_out) {
  const DF d;
  const std::size_t lanes = hn::Lanes(d);
  hn::Vec<DF> acc[R][C];
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t c = 0; c < C; ++c) acc[r][c] = hn::Zero(d);
  }
  std::size_t k = 0;
  for (; k + lanes <= depth; k += lanes) {
    hn::Vec<DF> w[C];
    for (std::size_t c = 0; c < C; ++c) w[c] = hn::LoadU(d, weight + c * ld_weight + k);
    for (std::size_t r = 0; r < R; ++r) {
      const auto x = hn::LoadU(d, in + r * ld_in + k);
      for (std::size_t c = 0; c < C; ++c) acc[r][c] = hn::MulAdd(x, w[c], acc[r][c]);
    }
  }
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t c = 0; c < C; ++c) {
      float sum = hn::GetLane(hn::SumOfLanes(d, acc[r][c]));
      for (std::size_t t = k; t < depth; ++t) sum += in[r * ld_in + t] * weight[c * ld_weight + t];
      out[r * ld_out + c] = sum + (bias != nullptr ? bias[c] : 0.0f);
    }
  }
}

template <std::size_t C>
HWY_INLINE void column_block(std::size_t rows, std::size_t depth, const float* in, std::size_t ld_in,
                             const float* weight, std::size_t ld_weight, const float* bias, float* out,
                             std::size_t ld_out) {
  std::size_t r = 0;
  for (; r + 4 <= rows; r += 4) block<4, C>(depth, in + r * ld_in, ld_in, weight, ld_weight, bias, out + r * ld_out, ld_out);
  const float* in_r = in + r * ld_in;
  float* out_r = out + r * ld_out;
  switch (rows - r) {
    case 3: block<3, C>(depth, in_r, ld_in, weight, ld_weight, bias, out_r, ld_out); break;
    case 2: block<2, C>(depth, in_r, ld_in, weight, ld_weight, bias, out_r, ld_out); break;
    case 1: block<1, C>(depth, in_r, ld_in, weight, ld_weight, bias, out_r, ld_out); break;
    default: break;
  }
}

void LinearFewRows(std::size_t rows, std::size_t cols, std::size_t depth, const float* in, std::size_t ld_in,
                   const float* weight, std::size_t ld_weight, const float* bias, float* out, std::size_t ld_out) {
  std::size_t j = 0;
  for (; j + 4 <= cols; j += 4) {
    column_block<4>(rows, depth, in, ld_in, weight + j * ld_weight, ld_weight, bias != nullptr ? bias + j : nullptr,
                    out + j, ld_out);
  }
  for (; j < cols; ++j) {
    column_block<1>(rows, depth, in, ld_in, weight + j * ld_weight, ld_weight, bias != nullptr ? bias + j : nullptr,
                    out + j, ld_out);
  }
}

}  // namespace semspace::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace semspace::kernels {

HWY_EXPORT(LinearFewRows);

void linear_few_rows_f32(std::size_t rows, std::size_t cols, std::size_t depth, const float* in, std::size_t ld_in,
                         const float* weight, std::size_t ld_weight, const float* bias, float* out,
                         std::size_t ld_out) noexcept {
  HWY_DYNAMIC_DISPATCH(LinearFewRows)(rows, cols, depth, in, ld_in, weight, ld_weight, bias, out, ld_out);
}

namespace ref {
void linear_few_rows_f32(std::size_t rows, std::size_t cols, std::size_t depth, const float* in, std::size_t ld_in,
                         const float* weight, std::size_t ld_weight, const float* bias, float* out,
                         std::size_t ld_out) noexcept {
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < cols; ++j) {
      double sum = bias != nullptr ? bias[j] : 0.0;
      for (std::size_t k = 0; k < depth; ++k) sum += static_cast<double>(in[r * ld_in + k]) * weight[j * ld_weight + k];
      out[r * ld_out + j] = static_cast<float>(sum);
    }
  }
}
}  // namespace ref

}  // namespace semspace::kernels
#endif  // HWY_ONCE
