// The distance kernels, compiled once per SIMD target by Highway (foreach_target.h re-includes this file) and
// dispatched at run time (HWY_DYNAMIC_DISPATCH picks the best target the CPU supports on first call).
// Sums keep four independent accumulators so consecutive fused multiply-adds do not wait on each other;
// tails shorter than a vector are finished in scalar code.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "core/kernels/distance.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h
#include <hwy/highway.h>

#include <cmath>
#include <cstdint>

#include "core/kernels/distance.hpp"
#include "core/kernels/half.hpp"

HWY_BEFORE_NAMESPACE();
namespace semspace::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Only these targets convert binary16 in hardware (F16C / AVX-512); the others use the scalar conversion.
#if HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
#define SEMSPACE_HW_F16 1
#else
#define SEMSPACE_HW_F16 0
#endif

using DF = hn::ScalableTag<float>;

template <class V>
HWY_INLINE float sum_lanes(DF d, V v) {
  return hn::GetLane(hn::SumOfLanes(d, v));
}

HWY_INLINE hn::Vec<DF> load_half(DF d, const std::uint16_t* p) {
#if SEMSPACE_HW_F16
  const hn::Rebind<hwy::float16_t, DF> dh;
  return hn::PromoteTo(d, hn::LoadU(dh, reinterpret_cast<const hwy::float16_t*>(p)));
#else
  HWY_ALIGN float lanes[HWY_MAX_BYTES / sizeof(float)];
  for (std::size_t i = 0; i < hn::Lanes(d); ++i) lanes[i] = half_to_float(p[i]);
  return hn::Load(d, lanes);
#endif
}

HWY_INLINE hn::Vec<DF> load_f32(DF d, const float* p) { return hn::LoadU(d, p); }

// One pass of a binary float kernel: Step(acc, va, vb) over the vector body, Tail(i) for the scalar rest.
// Load turns element pointers into float vectors (f32 loads, f16 conversions).
template <class T, class LoadFn, class StepFn>
HWY_INLINE hn::Vec<DF> body(const T* a, const T* b, std::size_t n, std::size_t& i, LoadFn load, StepFn step) {
  const DF d;
  const std::size_t N = hn::Lanes(d);
  auto s0 = hn::Zero(d), s1 = hn::Zero(d), s2 = hn::Zero(d), s3 = hn::Zero(d);
  i = 0;
  for (; i + 4 * N <= n; i += 4 * N) {
    s0 = step(s0, load(d, a + i), load(d, b + i));
    s1 = step(s1, load(d, a + i + N), load(d, b + i + N));
    s2 = step(s2, load(d, a + i + 2 * N), load(d, b + i + 2 * N));
    s3 = step(s3, load(d, a + i + 3 * N), load(d, b + i + 3 * N));
  }
  for (; i + N <= n; i += N) s0 = step(s0, load(d, a + i), load(d, b + i));
  return hn::Add(hn::Add(s0, s1), hn::Add(s2, s3));
}

const auto kDotStep = [](auto acc, auto va, auto vb) { return hn::MulAdd(va, vb, acc); };
const auto kL2Step = [](auto acc, auto va, auto vb) {
  const auto diff = hn::Sub(va, vb);
  return hn::MulAdd(diff, diff, acc);
};

float DotF32(const float* a, const float* b, std::size_t n) {
  std::size_t i;
  float s = sum_lanes(DF(), body(a, b, n, i, load_f32, kDotStep));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

float L2sqF32(const float* a, const float* b, std::size_t n) {
  std::size_t i;
  float s = sum_lanes(DF(), body(a, b, n, i, load_f32, kL2Step));
  for (; i < n; ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return s;
}

float DotF16(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) {
  std::size_t i;
  float s = sum_lanes(DF(), body(a, b, n, i, load_half, kDotStep));
  for (; i < n; ++i) s += half_to_float(a[i]) * half_to_float(b[i]);
  return s;
}

float L2sqF16(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) {
  std::size_t i;
  float s = sum_lanes(DF(), body(a, b, n, i, load_half, kL2Step));
  for (; i < n; ++i) {
    const float diff = half_to_float(a[i]) - half_to_float(b[i]);
    s += diff * diff;
  }
  return s;
}

// Cosine in one pass: a.b, a.a and b.b share each load (three separate dot products would read a and b twice
// more). Two accumulators per sum.
template <class T, class LoadFn, class ToFloat>
HWY_INLINE float cosine(const T* a, const T* b, std::size_t n, LoadFn load, ToFloat to_float) {
  const DF d;
  const std::size_t N = hn::Lanes(d);
  auto ab0 = hn::Zero(d), aa0 = hn::Zero(d), bb0 = hn::Zero(d);
  auto ab1 = hn::Zero(d), aa1 = hn::Zero(d), bb1 = hn::Zero(d);
  std::size_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    const auto a0 = load(d, a + i), b0 = load(d, b + i), a1 = load(d, a + i + N), b1 = load(d, b + i + N);
    ab0 = hn::MulAdd(a0, b0, ab0), aa0 = hn::MulAdd(a0, a0, aa0), bb0 = hn::MulAdd(b0, b0, bb0);
    ab1 = hn::MulAdd(a1, b1, ab1), aa1 = hn::MulAdd(a1, a1, aa1), bb1 = hn::MulAdd(b1, b1, bb1);
  }
  for (; i + N <= n; i += N) {
    const auto a0 = load(d, a + i), b0 = load(d, b + i);
    ab0 = hn::MulAdd(a0, b0, ab0), aa0 = hn::MulAdd(a0, a0, aa0), bb0 = hn::MulAdd(b0, b0, bb0);
  }
  float ab = sum_lanes(d, hn::Add(ab0, ab1)), aa = sum_lanes(d, hn::Add(aa0, aa1)), bb = sum_lanes(d, hn::Add(bb0, bb1));
  for (; i < n; ++i) {
    const float x = to_float(a[i]), y = to_float(b[i]);
    ab += x * y, aa += x * x, bb += y * y;
  }
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0f;
}

float CosineF32(const float* a, const float* b, std::size_t n) {
  return cosine(a, b, n, load_f32, [](float x) { return x; });
}
float CosineF16(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) {
  return cosine(a, b, n, load_half, half_to_float);
}

// int8: widen to int16, then multiply pairs into int32 lanes (pmaddwd on x86); the lane order of the two
// accumulators does not matter because only their total is used.
using DI16 = hn::ScalableTag<std::int16_t>;
using DI32 = hn::Repartition<std::int32_t, DI16>;

template <bool kDiff>
HWY_INLINE std::int32_t int8_sum(const std::int8_t* a, const std::int8_t* b, std::size_t n, std::size_t& i) {
  const DI16 d16;
  const DI32 d32;
  const hn::Rebind<std::int8_t, DI16> d8;
  const std::size_t N = hn::Lanes(d16);
  auto s0 = hn::Zero(d32), s1 = hn::Zero(d32), s2 = hn::Zero(d32), s3 = hn::Zero(d32);
  i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    auto a0 = hn::PromoteTo(d16, hn::LoadU(d8, a + i)), b0 = hn::PromoteTo(d16, hn::LoadU(d8, b + i));
    auto a1 = hn::PromoteTo(d16, hn::LoadU(d8, a + i + N)), b1 = hn::PromoteTo(d16, hn::LoadU(d8, b + i + N));
    if constexpr (kDiff) {  // |a - b| <= 255 fits int16; pairs of squares fit int32
      a0 = hn::Sub(a0, b0), b0 = a0;
      a1 = hn::Sub(a1, b1), b1 = a1;
    }
    s0 = hn::ReorderWidenMulAccumulate(d32, a0, b0, s0, s1);
    s2 = hn::ReorderWidenMulAccumulate(d32, a1, b1, s2, s3);
  }
  return hn::GetLane(hn::SumOfLanes(d32, hn::Add(hn::Add(s0, s1), hn::Add(s2, s3))));
}

std::int32_t DotI8(const std::int8_t* a, const std::int8_t* b, std::size_t n) {
  std::size_t i;
  std::int32_t s = int8_sum<false>(a, b, n, i);
  for (; i < n; ++i) s += static_cast<std::int32_t>(a[i]) * b[i];
  return s;
}

std::int32_t L2sqI8(const std::int8_t* a, const std::int8_t* b, std::size_t n) {
  std::size_t i;
  std::int32_t s = int8_sum<true>(a, b, n, i);
  for (; i < n; ++i) {
    const std::int32_t diff = static_cast<std::int32_t>(a[i]) - b[i];
    s += diff * diff;
  }
  return s;
}

std::uint64_t Hamming(const std::uint64_t* a, const std::uint64_t* b, std::size_t words) {
  const hn::ScalableTag<std::uint64_t> d;
  const std::size_t N = hn::Lanes(d);
  auto s0 = hn::Zero(d), s1 = hn::Zero(d);
  std::size_t i = 0;
  for (; i + 2 * N <= words; i += 2 * N) {
    s0 = hn::Add(s0, hn::PopulationCount(hn::Xor(hn::LoadU(d, a + i), hn::LoadU(d, b + i))));
    s1 = hn::Add(s1, hn::PopulationCount(hn::Xor(hn::LoadU(d, a + i + N), hn::LoadU(d, b + i + N))));
  }
  std::uint64_t s = hn::GetLane(hn::SumOfLanes(d, hn::Add(s0, s1)));
  for (; i < words; ++i) s += static_cast<std::uint64_t>(__builtin_popcountll(a[i] ^ b[i]));
  return s;
}

void DotF32Rows(const float* q, MatrixView rows, float* out) {
  for (std::size_t r = 0; r < rows.rows; ++r) out[r] = DotF32(q, rows.data + r * rows.stride, rows.cols);
}
void L2sqF32Rows(const float* q, MatrixView rows, float* out) {
  for (std::size_t r = 0; r < rows.rows; ++r) out[r] = L2sqF32(q, rows.data + r * rows.stride, rows.cols);
}
void DotF32Ids(const float* q, MatrixView rows, const std::uint32_t* ids, std::size_t count, float* out) {
  for (std::size_t j = 0; j < count; ++j) out[j] = DotF32(q, rows.data + ids[j] * rows.stride, rows.cols);
}
void L2sqF32Ids(const float* q, MatrixView rows, const std::uint32_t* ids, std::size_t count, float* out) {
  for (std::size_t j = 0; j < count; ++j) out[j] = L2sqF32(q, rows.data + ids[j] * rows.stride, rows.cols);
}

// uint8 codes widen to int32 and convert to float, one quarter-width load per float vector.
HWY_INLINE hn::Vec<DF> load_code(DF d, const std::uint8_t* p) {
  const hn::RebindToSigned<DF> di;
  const hn::Rebind<std::uint8_t, DF> d8;
  return hn::ConvertTo(d, hn::PromoteTo(di, hn::LoadU(d8, p)));
}

float DotF32U8(const float* w, const std::uint8_t* code, std::size_t n) {
  const DF d;
  const std::size_t N = hn::Lanes(d);
  auto s0 = hn::Zero(d), s1 = hn::Zero(d), s2 = hn::Zero(d), s3 = hn::Zero(d);
  std::size_t i = 0;
  for (; i + 4 * N <= n; i += 4 * N) {
    s0 = hn::MulAdd(hn::LoadU(d, w + i), load_code(d, code + i), s0);
    s1 = hn::MulAdd(hn::LoadU(d, w + i + N), load_code(d, code + i + N), s1);
    s2 = hn::MulAdd(hn::LoadU(d, w + i + 2 * N), load_code(d, code + i + 2 * N), s2);
    s3 = hn::MulAdd(hn::LoadU(d, w + i + 3 * N), load_code(d, code + i + 3 * N), s3);
  }
  for (; i + N <= n; i += N) s0 = hn::MulAdd(hn::LoadU(d, w + i), load_code(d, code + i), s0);
  float s = sum_lanes(d, hn::Add(hn::Add(s0, s1), hn::Add(s2, s3)));
  for (; i < n; ++i) s += w[i] * static_cast<float>(code[i]);
  return s;
}

float L2sqF32U8(const float* q, const float* scale, const std::uint8_t* code, std::size_t n) {
  const DF d;
  const std::size_t N = hn::Lanes(d);
  auto s0 = hn::Zero(d), s1 = hn::Zero(d);
  std::size_t i = 0;
  const auto step = [&](auto acc, std::size_t at) {
    const auto diff = hn::NegMulAdd(hn::LoadU(d, scale + at), load_code(d, code + at), hn::LoadU(d, q + at));
    return hn::MulAdd(diff, diff, acc);
  };
  for (; i + 2 * N <= n; i += 2 * N) {
    s0 = step(s0, i);
    s1 = step(s1, i + N);
  }
  for (; i + N <= n; i += N) s0 = step(s0, i);
  float s = sum_lanes(d, hn::Add(s0, s1));
  for (; i < n; ++i) {
    const float diff = q[i] - scale[i] * static_cast<float>(code[i]);
    s += diff * diff;
  }
  return s;
}

void F32ToF16(const float* in, std::uint16_t* out, std::size_t n) {
  std::size_t i = 0;
#if SEMSPACE_HW_F16
  const DF d;
  const hn::Rebind<hwy::float16_t, DF> dh;
  const std::size_t N = hn::Lanes(d);
  for (; i + N <= n; i += N) {
    hn::StoreU(hn::DemoteTo(dh, hn::LoadU(d, in + i)), dh, reinterpret_cast<hwy::float16_t*>(out + i));
  }
#endif
  for (; i < n; ++i) out[i] = float_to_half(in[i]);
}

void F16ToF32(const std::uint16_t* in, float* out, std::size_t n) {
  std::size_t i = 0;
#if SEMSPACE_HW_F16
  const DF d;
  const std::size_t N = hn::Lanes(d);
  for (; i + N <= n; i += N) hn::StoreU(load_half(d, in + i), d, out + i);
#endif
  for (; i < n; ++i) out[i] = half_to_float(in[i]);
}

std::int64_t Target() { return HWY_TARGET; }

#undef SEMSPACE_HW_F16

}  // namespace semspace::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace semspace::kernels {

HWY_EXPORT(DotF32);
HWY_EXPORT(L2sqF32);
HWY_EXPORT(DotF16);
HWY_EXPORT(L2sqF16);
HWY_EXPORT(CosineF32);
HWY_EXPORT(CosineF16);
HWY_EXPORT(DotI8);
HWY_EXPORT(L2sqI8);
HWY_EXPORT(Hamming);
HWY_EXPORT(DotF32Rows);
HWY_EXPORT(L2sqF32Rows);
HWY_EXPORT(DotF32Ids);
HWY_EXPORT(L2sqF32Ids);
HWY_EXPORT(DotF32U8);
HWY_EXPORT(L2sqF32U8);
HWY_EXPORT(F32ToF16);
HWY_EXPORT(F16ToF32);
HWY_EXPORT(Target);

namespace {
float cosine_from(float ab, float aa, float bb) noexcept {
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0f;
}
}  // namespace

float dot_f32(const float* a, const float* b, std::size_t n) noexcept { return HWY_DYNAMIC_DISPATCH(DotF32)(a, b, n); }
float l2sq_f32(const float* a, const float* b, std::size_t n) noexcept {
  return HWY_DYNAMIC_DISPATCH(L2sqF32)(a, b, n);
}
float cosine_f32(const float* a, const float* b, std::size_t n) noexcept {
  return HWY_DYNAMIC_DISPATCH(CosineF32)(a, b, n);
}

float dot_f16(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) noexcept {
  return HWY_DYNAMIC_DISPATCH(DotF16)(a, b, n);
}
float l2sq_f16(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) noexcept {
  return HWY_DYNAMIC_DISPATCH(L2sqF16)(a, b, n);
}
float cosine_f16(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) noexcept {
  return HWY_DYNAMIC_DISPATCH(CosineF16)(a, b, n);
}

std::int32_t dot_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
  return HWY_DYNAMIC_DISPATCH(DotI8)(a, b, n);
}
std::int32_t l2sq_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
  return HWY_DYNAMIC_DISPATCH(L2sqI8)(a, b, n);
}
float cosine_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
  return cosine_from(static_cast<float>(dot_i8(a, b, n)), static_cast<float>(dot_i8(a, a, n)),
                     static_cast<float>(dot_i8(b, b, n)));
}

std::uint64_t hamming_bits(const std::uint64_t* a, const std::uint64_t* b, std::size_t words) noexcept {
  return HWY_DYNAMIC_DISPATCH(Hamming)(a, b, words);
}

void dot_f32_rows(std::span<const float> query, MatrixView rows, std::span<float> out) noexcept {
  HWY_DYNAMIC_DISPATCH(DotF32Rows)(query.data(), rows, out.data());
}
void l2sq_f32_rows(std::span<const float> query, MatrixView rows, std::span<float> out) noexcept {
  HWY_DYNAMIC_DISPATCH(L2sqF32Rows)(query.data(), rows, out.data());
}
void dot_f32_ids(std::span<const float> query, MatrixView rows, std::span<const std::uint32_t> ids,
                 std::span<float> out) noexcept {
  HWY_DYNAMIC_DISPATCH(DotF32Ids)(query.data(), rows, ids.data(), ids.size(), out.data());
}
void l2sq_f32_ids(std::span<const float> query, MatrixView rows, std::span<const std::uint32_t> ids,
                  std::span<float> out) noexcept {
  HWY_DYNAMIC_DISPATCH(L2sqF32Ids)(query.data(), rows, ids.data(), ids.size(), out.data());
}

float dot_f32_u8(const float* w, const std::uint8_t* code, std::size_t n) noexcept {
  return HWY_DYNAMIC_DISPATCH(DotF32U8)(w, code, n);
}
float l2sq_f32_u8(const float* q, const float* scale, const std::uint8_t* code, std::size_t n) noexcept {
  return HWY_DYNAMIC_DISPATCH(L2sqF32U8)(q, scale, code, n);
}

void f32_to_f16(const float* in, std::uint16_t* out, std::size_t n) noexcept {
  HWY_DYNAMIC_DISPATCH(F32ToF16)(in, out, n);
}
void f16_to_f32(const std::uint16_t* in, float* out, std::size_t n) noexcept {
  HWY_DYNAMIC_DISPATCH(F16ToF32)(in, out, n);
}

const char* active_simd_target() noexcept { return hwy::TargetName(HWY_DYNAMIC_DISPATCH(Target)()); }

}  // namespace semspace::kernels
#endif  // HWY_ONCE
