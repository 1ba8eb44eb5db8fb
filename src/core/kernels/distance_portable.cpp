// Portable implementations of the distance kernels (plain loops the compiler may vectorize). The dispatching
// SIMD versions replace these; until then they are the only path.
#include <bit>
#include <cmath>

#include "core/kernels/distance.hpp"

namespace semspace::kernels {
namespace {

float half_to_float(std::uint16_t h) noexcept {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1fu;
  std::uint32_t mantissa = h & 0x3ffu;
  std::uint32_t bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      int e = -1;
      do {
        ++e;
        mantissa <<= 1;
      } while ((mantissa & 0x400u) == 0);
      bits = sign | static_cast<std::uint32_t>(127 - 15 - e) << 23 | (mantissa & 0x3ffu) << 13;
    }
  } else if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | mantissa << 13;
  } else {
    bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
  }
  return std::bit_cast<float>(bits);
}

std::uint16_t float_to_half(float f) noexcept {  // round to nearest even
  const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
  const std::uint16_t sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
  const std::uint32_t abs = x & 0x7fffffffu;
  if (abs >= 0x7f800000u) return sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u : 0u);  // inf / nan
  if (abs >= 0x477ff000u) return sign | 0x7c00u;                                      // overflow
  if (abs < 0x38800000u) {                                                            // subnormal or zero
    const float scaled = std::bit_cast<float>(abs) * 16777216.0f;                    // * 2^24
    return sign | static_cast<std::uint16_t>(std::nearbyint(scaled));
  }
  const std::uint32_t rounded = abs + 0xfffu + ((abs >> 13) & 1u);
  return sign | static_cast<std::uint16_t>((rounded - 0x38000000u) >> 13);
}

}  // namespace

float dot_f32(const float* a, const float* b, std::size_t n) noexcept {
  float s = 0;
  for (std::size_t i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}
float l2sq_f32(const float* a, const float* b, std::size_t n) noexcept {
  float s = 0;
  for (std::size_t i = 0; i < n; ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return s;
}
float cosine_f32(const float* a, const float* b, std::size_t n) noexcept {
  const float ab = dot_f32(a, b, n), aa = dot_f32(a, a, n), bb = dot_f32(b, b, n);
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0f;
}

float dot_f16(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) noexcept {
  float s = 0;
  for (std::size_t i = 0; i < n; ++i) s += half_to_float(a[i]) * half_to_float(b[i]);
  return s;
}
float l2sq_f16(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) noexcept {
  float s = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const float d = half_to_float(a[i]) - half_to_float(b[i]);
    s += d * d;
  }
  return s;
}
float cosine_f16(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) noexcept {
  const float ab = dot_f16(a, b, n), aa = dot_f16(a, a, n), bb = dot_f16(b, b, n);
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0f;
}

std::int32_t dot_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
  std::int32_t s = 0;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<std::int32_t>(a[i]) * b[i];
  return s;
}
std::int32_t l2sq_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
  std::int32_t s = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t d = static_cast<std::int32_t>(a[i]) - b[i];
    s += d * d;
  }
  return s;
}
float cosine_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept {
  const auto ab = static_cast<float>(dot_i8(a, b, n)), aa = static_cast<float>(dot_i8(a, a, n)),
             bb = static_cast<float>(dot_i8(b, b, n));
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0f;
}

std::uint64_t hamming_bits(const std::uint64_t* a, const std::uint64_t* b, std::size_t words) noexcept {
  std::uint64_t s = 0;
  for (std::size_t i = 0; i < words; ++i) s += static_cast<std::uint64_t>(std::popcount(a[i] ^ b[i]));
  return s;
}

void dot_f32_rows(std::span<const float> query, MatrixView rows, std::span<float> out) noexcept {
  for (std::size_t r = 0; r < rows.rows; ++r) out[r] = dot_f32(query.data(), rows.data + r * rows.stride, rows.cols);
}
void l2sq_f32_rows(std::span<const float> query, MatrixView rows, std::span<float> out) noexcept {
  for (std::size_t r = 0; r < rows.rows; ++r) out[r] = l2sq_f32(query.data(), rows.data + r * rows.stride, rows.cols);
}

void f32_to_f16(const float* in, std::uint16_t* out, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) out[i] = float_to_half(in[i]);
}
void f16_to_f32(const std::uint16_t* in, float* out, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) out[i] = half_to_float(in[i]);
}

const char* active_simd_target() noexcept { return "SCALAR"; }

}  // namespace semspace::kernels
