// Element-wise and row-wise kernels of a transformer encoder's forward pass, in place over contiguous floats: the two
// GELU forms BERT-family configs name, a numerically safe softmax, and the residual add fused with LayerNorm. Dispatched at run time like distance.hpp; a
// scalar reference (std::erf, std::tanh, std::exp in double) sits in ref:: as the test oracle.
#pragma once

#include <cstddef>

namespace semspace::kernels {

/// x <- x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)) ("gelu" in HF configs), through an erfc fit with a relative
/// error below 1.2e-7; with f32 rounding of exp's argument -z^2 the result is within 1e-5 of the exact value relative
/// to it (or 1e-30 absolute), for either sign of x.
void gelu_erf_f32(float* x, std::size_t n) noexcept;
/// x <- 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) ("gelu_new", "gelu_pytorch_tanh").
void gelu_tanh_f32(float* x, std::size_t n) noexcept;
/// x <- exp(x - max x) / sum exp(x - max x). Subtracting the maximum keeps exp from overflowing; n >= 1.
void softmax_f32(float* x, std::size_t n) noexcept;
/// x <- LayerNorm(x + residual) = (y - mean y) / sqrt(var y + eps) * gamma + beta with y = x + residual, over one
/// row of n >= 1 floats; residual may be null (y = x). Two passes for the variance (no cancellation); sums in f32
/// vector lanes, within about 1e-6 relative of the double-precision reference for rows of a few hundred values.
void add_layer_norm_f32(float* x, const float* residual, const float* gamma, const float* beta, std::size_t n,
                        float eps) noexcept;

namespace ref {
void gelu_erf_f32(float* x, std::size_t n) noexcept;
void gelu_tanh_f32(float* x, std::size_t n) noexcept;
void softmax_f32(float* x, std::size_t n) noexcept;
void add_layer_norm_f32(float* x, const float* residual, const float* gamma, const float* beta, std::size_t n,
                        float eps) noexcept;
}  // namespace ref

}  // namespace semspace::kernels
