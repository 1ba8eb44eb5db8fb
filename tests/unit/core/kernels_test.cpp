// Every distance kernel against a scalar double-precision reference written here, on random inputs of odd
// sizes at unaligned addresses, once per SIMD target compiled into the binary (so the portable fallback is
// tested on an AVX-512 machine too). f16 conversions are checked against GCC's _Float16.
#include "core/kernels/distance.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <hwy/targets.h>

namespace semspace::kernels {
namespace {

constexpr std::size_t kSizes[] = {0, 1, 3, 7, 15, 16, 17, 31, 33, 100, 127, 257, 1000};

// A buffer whose data() is deliberately one element past a 64-byte boundary.
template <class T>
struct Unaligned {
  explicit Unaligned(std::size_t n) : storage(n + 64) {
    auto address = reinterpret_cast<std::uintptr_t>(storage.data());
    offset = ((64 - address % 64) % 64) / sizeof(T) + 1;
  }
  T* data() { return storage.data() + offset; }
  std::vector<T> storage;
  std::size_t offset;
};

std::uint16_t to_half_bits(float f) { return std::bit_cast<std::uint16_t>(static_cast<_Float16>(f)); }
float from_half_bits(std::uint16_t h) { return static_cast<float>(std::bit_cast<_Float16>(h)); }

class Kernels : public ::testing::TestWithParam<std::int64_t> {
 protected:
  void SetUp() override { hwy::SetSupportedTargetsForTest(GetParam()); }
  void TearDown() override { hwy::SetSupportedTargetsForTest(0); }
  std::mt19937 rng{42};

  std::vector<float> floats(std::size_t n) {
    std::normal_distribution<float> normal;
    std::vector<float> v(n);
    for (auto& x : v) x = normal(rng);
    return v;
  }
};

std::string target_name(const ::testing::TestParamInfo<std::int64_t>& info) { return hwy::TargetName(info.param); }

// A float sum of n terms may differ from the exact sum by a small multiple of eps times the sum of |terms|;
// losing or doubling one term would be off by about 1/n of it, far more than this.
void expect_close(double got, double exact, double abs_terms, const std::string& what) {
  EXPECT_NEAR(got, exact, 1e-5 * abs_terms + 1e-30) << what;
}

TEST_P(Kernels, DispatchesToTheTargetUnderTest) {
  EXPECT_STREQ(active_simd_target(), hwy::TargetName(GetParam()));
}

TEST_P(Kernels, F32PairKernels) {
  for (std::size_t n : kSizes) {
    Unaligned<float> a(n), b(n);
    const auto va = floats(n), vb = floats(n);
    std::copy(va.begin(), va.end(), a.data());
    std::copy(vb.begin(), vb.end(), b.data());
    double dot = 0, dot_abs = 0, l2 = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < n; ++i) {
      dot += double{va[i]} * vb[i];
      dot_abs += std::abs(double{va[i]} * vb[i]);
      l2 += (double{va[i]} - vb[i]) * (double{va[i]} - vb[i]);
      aa += double{va[i]} * va[i];
      bb += double{vb[i]} * vb[i];
    }
    const std::string at = "n=" + std::to_string(n);
    expect_close(dot_f32(a.data(), b.data(), n), dot, dot_abs, "dot " + at);
    expect_close(l2sq_f32(a.data(), b.data(), n), l2, l2, "l2sq " + at);
    const double cosine = aa > 0 && bb > 0 ? dot / std::sqrt(aa * bb) : 0.0;
    expect_close(cosine_f32(a.data(), b.data(), n), cosine, n > 0 ? dot_abs / std::sqrt(aa * bb) : 0, "cos " + at);
  }
}

TEST_P(Kernels, CosineOfAZeroVectorIsZero) {
  const std::vector<float> zero(17, 0.0f), one(17, 1.0f);
  EXPECT_EQ(cosine_f32(zero.data(), one.data(), 17), 0.0f);
  const std::vector<std::int8_t> zero8(17, 0), one8(17, 1);
  EXPECT_EQ(cosine_i8(zero8.data(), one8.data(), 17), 0.0f);
}

TEST_P(Kernels, F16PairKernels) {
  for (std::size_t n : kSizes) {
    Unaligned<std::uint16_t> a(n), b(n);
    double dot = 0, dot_abs = 0, l2 = 0, aa = 0, bb = 0;
    const auto va = floats(n), vb = floats(n);
    for (std::size_t i = 0; i < n; ++i) {
      a.data()[i] = to_half_bits(va[i]);
      b.data()[i] = to_half_bits(vb[i]);
      const double x = from_half_bits(a.data()[i]), y = from_half_bits(b.data()[i]);
      dot += x * y;
      dot_abs += std::abs(x * y);
      l2 += (x - y) * (x - y);
      aa += x * x;
      bb += y * y;
    }
    const std::string at = "n=" + std::to_string(n);
    expect_close(dot_f16(a.data(), b.data(), n), dot, dot_abs, "dot " + at);
    expect_close(l2sq_f16(a.data(), b.data(), n), l2, l2, "l2sq " + at);
    const double cosine = aa > 0 && bb > 0 ? dot / std::sqrt(aa * bb) : 0.0;
    expect_close(cosine_f16(a.data(), b.data(), n), cosine, n > 0 ? dot_abs / std::sqrt(aa * bb) : 0, "cos " + at);
  }
}

TEST_P(Kernels, Int8KernelsAreExact) {
  std::uniform_int_distribution<int> byte(-128, 127);
  for (std::size_t n : kSizes) {
    Unaligned<std::int8_t> a(n), b(n);
    std::int64_t dot = 0, l2 = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < n; ++i) {
      // Extremes included on purpose: -128 * -128 and (127 - -128)^2 are where narrow sums would overflow.
      a.data()[i] = static_cast<std::int8_t>(i % 5 == 0 ? -128 : byte(rng));
      b.data()[i] = static_cast<std::int8_t>(i % 7 == 0 ? (i % 2 ? 127 : -128) : byte(rng));
      dot += std::int64_t{a.data()[i]} * b.data()[i];
      l2 += (std::int64_t{a.data()[i]} - b.data()[i]) * (std::int64_t{a.data()[i]} - b.data()[i]);
      aa += std::int64_t{a.data()[i]} * a.data()[i];
      bb += std::int64_t{b.data()[i]} * b.data()[i];
    }
    EXPECT_EQ(dot_i8(a.data(), b.data(), n), dot) << n;
    EXPECT_EQ(l2sq_i8(a.data(), b.data(), n), l2) << n;
    const double cosine = aa > 0 && bb > 0 ? double(dot) / std::sqrt(double(aa) * double(bb)) : 0.0;
    EXPECT_NEAR(cosine_i8(a.data(), b.data(), n), cosine, 1e-6) << n;
  }
}

TEST_P(Kernels, HammingIsExact) {
  for (std::size_t n : kSizes) {
    Unaligned<std::uint64_t> a(n), b(n);
    std::uint64_t expected = 0;
    for (std::size_t i = 0; i < n; ++i) {
      a.data()[i] = (std::uint64_t{rng()} << 32) | rng();
      b.data()[i] = i % 3 == 0 ? ~a.data()[i] : (std::uint64_t{rng()} << 32) | rng();
      for (int bit = 0; bit < 64; ++bit) expected += ((a.data()[i] ^ b.data()[i]) >> bit) & 1u;
    }
    EXPECT_EQ(hamming_bits(a.data(), b.data(), n), expected) << n;
  }
}

TEST_P(Kernels, RowsIdsAndGemm) {
  for (std::size_t dim : {1u, 7u, 33u, 128u}) {
    const std::size_t rows = 37, stride = dim + 3;  // padded rows: the kernels must honour the stride
    const auto data = floats(rows * stride), query = floats(dim);
    const MatrixView view{data.data(), rows, dim, stride};
    std::vector<float> dots(rows), l2s(rows);
    dot_f32_rows(query, view, dots);
    l2sq_f32_rows(query, view, l2s);
    const std::vector<std::uint32_t> ids = {36, 0, 5, 5, 17};
    std::vector<float> id_dots(ids.size()), id_l2s(ids.size());
    dot_f32_ids(query, view, ids, id_dots);
    l2sq_f32_ids(query, view, ids, id_l2s);
    std::vector<double> exact_dot(rows), exact_l2(rows), abs_dot(rows);
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t d = 0; d < dim; ++d) {
        const double x = query[d], y = data[r * stride + d];
        exact_dot[r] += x * y;
        abs_dot[r] += std::abs(x * y);
        exact_l2[r] += (x - y) * (x - y);
      }
      expect_close(dots[r], exact_dot[r], abs_dot[r], "rows dot");
      expect_close(l2s[r], exact_l2[r], exact_l2[r], "rows l2");
    }
    for (std::size_t j = 0; j < ids.size(); ++j) {
      expect_close(id_dots[j], exact_dot[ids[j]], abs_dot[ids[j]], "ids dot");
      expect_close(id_l2s[j], exact_l2[ids[j]], exact_l2[ids[j]], "ids l2");
    }
    // Queries = rows 3..9 of the same data; output with a leading dimension wider than the row count.
    const MatrixView queries{data.data() + 3 * stride, 7, dim, stride};
    const std::size_t ld = rows + 5;
    std::vector<float> out(7 * ld, -1.0f);
    dot_f32_gemm(queries, view, out.data(), ld);
    for (std::size_t q = 0; q < 7; ++q) {
      for (std::size_t r = 0; r < rows; ++r) {
        double exact = 0, magnitude = 0;
        for (std::size_t d = 0; d < dim; ++d) {
          exact += double{data[(q + 3) * stride + d]} * data[r * stride + d];
          magnitude += std::abs(double{data[(q + 3) * stride + d]} * data[r * stride + d]);
        }
        expect_close(out[q * ld + r], exact, magnitude, "gemm");
      }
      EXPECT_EQ(out[q * ld + rows], -1.0f) << "gemm wrote past its rows";
    }
  }
}

TEST_P(Kernels, FloatAgainstUint8Codes) {
  std::uniform_int_distribution<int> byte(0, 255);
  for (std::size_t n : kSizes) {
    Unaligned<float> w(n), scale(n);
    Unaligned<std::uint8_t> code(n);
    const auto vw = floats(n), vs = floats(n);
    double dot = 0, dot_abs = 0, l2 = 0;
    for (std::size_t i = 0; i < n; ++i) {
      w.data()[i] = vw[i];
      scale.data()[i] = std::abs(vs[i]) * 0.01f;
      code.data()[i] = static_cast<std::uint8_t>(i % 9 == 0 ? 255 : byte(rng));
      dot += double{vw[i]} * code.data()[i];
      dot_abs += std::abs(double{vw[i]} * code.data()[i]);
      const double diff = double{vw[i]} - double{scale.data()[i]} * code.data()[i];
      l2 += diff * diff;
    }
    expect_close(dot_f32_u8(w.data(), code.data(), n), dot, dot_abs, "dot_u8 n=" + std::to_string(n));
    expect_close(l2sq_f32_u8(w.data(), scale.data(), code.data(), n), l2, l2 + 1e-6, "l2_u8 n=" + std::to_string(n));
  }
}

TEST_P(Kernels, HalfToFloatMatchesFloat16ForEveryBitPattern) {
  std::vector<std::uint16_t> all(65536);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint16_t>(i);
  Unaligned<float> out(all.size());
  f16_to_f32(all.data(), out.data(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    const float expected = from_half_bits(all[i]);
    if (std::isnan(expected)) {
      ASSERT_TRUE(std::isnan(out.data()[i])) << i;
    } else {
      ASSERT_EQ(std::bit_cast<std::uint32_t>(out.data()[i]), std::bit_cast<std::uint32_t>(expected)) << i;
    }
  }
}

TEST_P(Kernels, FloatToHalfRoundsLikeFloat16) {
  std::vector<float> in;
  // Every finite half value, the midpoints between neighbours (ties to even) and points just off them.
  for (std::uint32_t h = 0; h < 0x7c00; ++h) {
    const float lo = from_half_bits(static_cast<std::uint16_t>(h)), hi = from_half_bits(static_cast<std::uint16_t>(h + 1));
    const float mid = lo + (hi - lo) / 2;  // exact in float
    for (float x : {lo, mid, std::nextafter(mid, 0.0f), std::nextafter(mid, INFINITY)}) {
      in.push_back(x);
      in.push_back(-x);
    }
  }
  for (float x : {65504.0f, 65519.99f, 65520.0f, 1e6f, INFINITY, -INFINITY, NAN, -NAN, 1e-8f, 2.9802322e-08f,
                  std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::max()}) {
    in.push_back(x);
  }
  for (int i = 0; i < 100000; ++i) in.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(rng())));
  in.push_back(1.0f);  // odd count: a scalar tail
  Unaligned<std::uint16_t> out(in.size());
  f32_to_f16(in.data(), out.data(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (std::isnan(in[i])) {
      ASSERT_TRUE(std::isnan(from_half_bits(out.data()[i]))) << i;
    } else {
      ASSERT_EQ(out.data()[i], to_half_bits(in[i])) << "input " << in[i] << " bits 0x" << std::hex
                                                     << std::bit_cast<std::uint32_t>(in[i]);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryTarget, Kernels, ::testing::ValuesIn(hwy::SupportedAndGeneratedTargets()), target_name);

}  // namespace
}  // namespace semspace::kernels
