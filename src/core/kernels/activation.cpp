// GELU and softmax, compiled once per SIMD target by Highway (as distance.cpp). They run over every element of
// the feed-forward activations and of every attention score matrix, as many elements as the matrix products
// touch, so a scalar std::erf / std::exp per element would cost a visible share of the forward pass.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "core/kernels/activation.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h
#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/kernels/activation.hpp"

HWY_BEFORE_NAMESPACE();
namespace semspace::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using DF = hn::ScalableTag<float>;

// Applies the vector function f to x in place; the tail goes through a zero-padded buffer so that f sees whole
// vectors only (the padding lanes' results are discarded).
template <class F>
HWY_INLINE void map_in_place(float* x, std::size_t n, F f) {
  const DF d;
  const std::size_t lanes = hn::Lanes(d);
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) hn::StoreU(f(d, hn::LoadU(d, x + i)), d, x + i);
  if (i < n) {
    HWY_ALIGN float buffer[HWY_MAX_BYTES / sizeof(float)] = {};
    for (std::size_t j = 0; j < n - i; ++j) buffer[j] = x[i + j];
    hn::Store(f(d, hn::Load(d, buffer)), d, buffer);
    for (std::size_t j = 0; j < n - i; ++j) x[i + j] = buffer[j];
  }
}

// erfc(z) for z >= 0 as t exp(-z^2 + P(t)), t = 1 / (1 + z/2): the Chebyshev fit of Numerical Recipes' erfcc,
// whose relative error is below 1.2e-7 for every z >= 0. Working with erfc avoids the cancellation 1 + erf(x)
// suffers for negative x, and the relative bound keeps GELU's small negative outputs accurate too.
template <class V>
HWY_INLINE V erfc_nonnegative(DF d, V z) {
  const auto t = hn::Div(hn::Set(d, 1.0f), hn::MulAdd(hn::Set(d, 0.5f), z, hn::Set(d, 1.0f)));
  auto p = hn::Set(d, 0.17087277f);
  p = hn::MulAdd(p, t, hn::Set(d, -0.82215223f));
  p = hn::MulAdd(p, t, hn::Set(d, 1.48851587f));
  p = hn::MulAdd(p, t, hn::Set(d, -1.13520398f));
  p = hn::MulAdd(p, t, hn::Set(d, 0.27886807f));
  p = hn::MulAdd(p, t, hn::Set(d, -0.18628806f));
  p = hn::MulAdd(p, t, hn::Set(d, 0.09678418f));
  p = hn::MulAdd(p, t, hn::Set(d, 0.37409196f));
  p = hn::MulAdd(p, t, hn::Set(d, 1.00002368f));
  p = hn::MulAdd(p, t, hn::Set(d, -1.26551223f));
  return hn::Mul(t, hn::Exp(d, hn::NegMulAdd(z, z, p)));
}

void GeluErf(float* x, std::size_t n) {
  map_in_place(x, n, [](DF d, auto v) {
    const auto z = hn::Mul(hn::Abs(v), hn::Set(d, 0.70710678118654752f));
    // Beyond z = 9, erfc(z) < 4e-37 is zero for GELU's purposes (x Phi(x) underflows f32 for x < -13.5), and
    // Exp's argument would approach the range where it loses accuracy: such lanes get erfc = 0.
    const auto large = hn::Gt(z, hn::Set(d, 9.0f));
    const auto erfc = hn::IfThenZeroElse(large, erfc_nonnegative(d, hn::Min(z, hn::Set(d, 9.0f))));
    const auto half_erfc_x = hn::Mul(hn::Mul(hn::Set(d, 0.5f), erfc), v);
    // x >= 0: x (1 - erfc/2); x < 0: x erfc(|z|) / 2.
    return hn::IfThenElse(hn::Lt(v, hn::Zero(d)), half_erfc_x, hn::Sub(v, half_erfc_x));
  });
}

void GeluTanh(float* x, std::size_t n) {
  map_in_place(x, n, [](DF d, auto v) {
    const auto cube = hn::Mul(hn::Mul(v, v), v);
    const auto inner = hn::Mul(hn::Set(d, 0.7978845608028654f), hn::MulAdd(hn::Set(d, 0.044715f), cube, v));
    const auto half_v = hn::Mul(hn::Set(d, 0.5f), v);
    return hn::MulAdd(half_v, hn::Tanh(d, inner), half_v);
  });
}

void Softmax(float* x, std::size_t n) {
  const DF d;
  const std::size_t lanes = hn::Lanes(d);
  float max_value = -std::numeric_limits<float>::infinity();
  std::size_t i = 0;
  if (n >= lanes) {
    auto m = hn::LoadU(d, x);
    for (i = lanes; i + lanes <= n; i += lanes) m = hn::Max(m, hn::LoadU(d, x + i));
    max_value = hn::GetLane(hn::MaxOfLanes(d, m));
  }
  for (; i < n; ++i) max_value = std::max(max_value, x[i]);
  const auto shift = hn::Set(d, max_value);
  // The shifted arguments are <= 0, so Exp stays in range; its padding lanes (0 - max) are discarded.
  map_in_place(x, n, [&](DF dd, auto v) { return hn::Exp(dd, hn::Sub(v, shift)); });
  auto s = hn::Zero(d);
  for (i = 0; i + lanes <= n; i += lanes) s = hn::Add(s, hn::LoadU(d, x + i));
  float sum = hn::GetLane(hn::SumOfLanes(d, s));
  for (; i < n; ++i) sum += x[i];
  const auto inverse = hn::Set(d, 1.0f / sum);
  map_in_place(x, n, [&](DF, auto v) { return hn::Mul(v, inverse); });
}

// Once per LayerNorm row, 2 x layers + 1 times per token: three vector passes over the row, which is in L1.
void AddLayerNorm(float* x, const float* residual, const float* gamma, const float* beta, std::size_t n, float eps) {
  const DF d;
  const std::size_t lanes = hn::Lanes(d);
  auto sum = hn::Zero(d);
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    auto v = hn::LoadU(d, x + i);
    if (residual != nullptr) v = hn::Add(v, hn::LoadU(d, residual + i));
    hn::StoreU(v, d, x + i);
    sum = hn::Add(sum, v);
  }
  float total = hn::GetLane(hn::SumOfLanes(d, sum));
  for (; i < n; ++i) {
    if (residual != nullptr) x[i] += residual[i];
    total += x[i];
  }
  const float mean = total / static_cast<float>(n);
  const auto mean_v = hn::Set(d, mean);
  auto squares = hn::Zero(d);
  for (i = 0; i + lanes <= n; i += lanes) {
    const auto centred = hn::Sub(hn::LoadU(d, x + i), mean_v);
    squares = hn::MulAdd(centred, centred, squares);
  }
  float total_squares = hn::GetLane(hn::SumOfLanes(d, squares));
  for (; i < n; ++i) total_squares += (x[i] - mean) * (x[i] - mean);
  const float inverse = 1.0f / std::sqrt(total_squares / static_cast<float>(n) + eps);
  const auto inverse_v = hn::Set(d, inverse);
  for (i = 0; i + lanes <= n; i += lanes) {
    const auto scaled = hn::Mul(hn::Sub(hn::LoadU(d, x + i), mean_v), inverse_v);
    hn::StoreU(hn::MulAdd(scaled, hn::LoadU(d, gamma + i), hn::LoadU(d, beta + i)), d, x + i);
  }
  for (; i < n; ++i) x[i] = (x[i] - mean) * inverse * gamma[i] + beta[i];
}

}  // namespace semspace::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace semspace::kernels {

HWY_EXPORT(GeluErf);
HWY_EXPORT(GeluTanh);
HWY_EXPORT(Softmax);
HWY_EXPORT(AddLayerNorm);

void gelu_erf_f32(float* x, std::size_t n) noexcept { HWY_DYNAMIC_DISPATCH(GeluErf)(x, n); }
void gelu_tanh_f32(float* x, std::size_t n) noexcept { HWY_DYNAMIC_DISPATCH(GeluTanh)(x, n); }
void softmax_f32(float* x, std::size_t n) noexcept {
  if (n > 0) HWY_DYNAMIC_DISPATCH(Softmax)(x, n);
}

void add_layer_norm_f32(float* x, const float* residual, const float* gamma, const float* beta, std::size_t n,
                        float eps) noexcept {
  if (n > 0) HWY_DYNAMIC_DISPATCH(AddLayerNorm)(x, residual, gamma, beta, n, eps);
}

namespace ref {
void gelu_erf_f32(float* x, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x[i];
    x[i] = static_cast<float>(0.5 * v * std::erfc(-v / std::sqrt(2.0)));  // 1 + erf(x) would cancel for x << 0
  }
}
void gelu_tanh_f32(float* x, std::size_t n) noexcept {
  const double c = std::sqrt(2.0 / 3.14159265358979323846);
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x[i];
    x[i] = static_cast<float>(0.5 * v * (1.0 + std::tanh(c * (v + 0.044715 * v * v * v))));
  }
}
void softmax_f32(float* x, std::size_t n) noexcept {
  if (n == 0) return;
  double max_value = x[0];
  for (std::size_t i = 1; i < n; ++i) max_value = std::max<double>(max_value, x[i]);
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += std::exp(x[i] - max_value);
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(std::exp(x[i] - max_value) / sum);
}
// Mean and variance in double, so the result does not depend on summation order to well below f32 precision.
void add_layer_norm_f32(float* x, const float* residual, const float* gamma, const float* beta, std::size_t n,
                        float eps) noexcept {
  if (n == 0) return;
  if (residual != nullptr) {
    for (std::size_t i = 0; i < n; ++i) x[i] += residual[i];
  }
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += x[i];
  const double mean = sum / static_cast<double>(n);
  double squares = 0;
  for (std::size_t i = 0; i < n; ++i) squares += (x[i] - mean) * (x[i] - mean);
  const double inverse = 1.0 / std::sqrt(squares / static_cast<double>(n) + eps);
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>((x[i] - mean) * inverse * gamma[i] + beta[i]);
}
}  // namespace ref

}  // namespace semspace::kernels
#endif  // HWY_ONCE
