// A linear layer (nn.Linear: out = in W^T + bias) for a few input rows. sgemm packs the whole weight matrix into its
// own layout on every call, which costs about as much as the product itself when only a handful of rows go through
// (a single short sentence: 8 tokens against a 1536 x 384 weight). This kernel reads each weight row once, straight
// from nn.Linear's layout, and multiplies it with every input row while it is in L1. Dispatched at run time like
// distance.hpp; ref:: holds the double-precision test oracle.
#pragma once

#include <cstddef>

namespace semspace::kernels {

/// out[r, j] = bias[j] + sum_k in[r, k] * weight[j, k] for r < rows, j < cols. Row-major: in is rows x depth (leading
/// dimension ld_in), weight cols x depth (ld_weight; nn.Linear's out_features x in_features), out rows x cols
/// (ld_out). bias may be null (zero). Meant for rows up to about 16; any count is correct.
void linear_few_rows_f32(std::size_t rows, std::size_t cols, std::size_t depth, const float* in, std::size_t ld_in,
                         const float* weight, std::size_t ld_weight, const float* bias, float* out,
                         std::size_t ld_out) noexcept;

namespace ref {
void linear_few_rows_f32(std::size_t rows, std::size_t cols, std::size_t depth, const float* in, std::size_t ld_in,
                         const float* weight, std::size_t ld_weight, const float* bias, float* out,
                         std::size_t ld_out) noexcept;
}  // namespace ref

}  // namespace semspace::kernels
