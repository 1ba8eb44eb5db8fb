// GELU (erf and tanh forms), softmax and the fused residual + LayerNorm against double-precision references
// (std::erf / std::tanh / std::exp), once per SIMD target compiled into the binary, on sizes that leave vector tails.
#include "core/kernels/activation.hpp"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/per_simd_target.hpp"

namespace semspace::kernels {
namespace {

class Activations : public semspace::testing::PerSimdTarget {
 protected:
  // Normal inputs scaled by 3, plus the edges: 0, +-20 (erfc underflows), tiny values.
  std::vector<float> inputs(std::size_t n) {
    std::vector<float> v = normal_floats(n, 3.0f);
    const float edges[] = {0.0f, -0.0f, 20.0f, -20.0f, 1e-30f, -1e-30f, 5.5f, -5.5f};
    for (std::size_t i = 0; i < std::min(n, std::size(edges)); ++i) v[i] = edges[i];
    return v;
  }
};

TEST_P(Activations, GeluErfMatchesStdErf) {
  for (std::size_t n : {1u, 3u, 7u, 16u, 17u, 33u, 1000u}) {
    auto x = inputs(n), expected = x;
    const auto inputs_copy = x;
    gelu_erf_f32(x.data(), n);
    ref::gelu_erf_f32(expected.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      // erfc's relative error (< 1.2e-7) plus f32 rounding of exp's argument -z^2 (about 1e-5 relative at z^2 ~ 80)
      // result; an absolute 1e-30 where the exact value underflows.
      EXPECT_NEAR(x[i], expected[i], 1e-5 * std::abs(expected[i]) + 1e-30)
          << "n " << n << " i " << i << " input " << inputs_copy[i];
    }
  }
}

TEST_P(Activations, GeluTanhMatchesStdTanh) {
  for (std::size_t n : {1u, 5u, 16u, 31u, 1000u}) {
    auto x = inputs(n), expected = x;
    const auto inputs_copy = x;
    gelu_tanh_f32(x.data(), n);
    ref::gelu_tanh_f32(expected.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      // Absolute slack for x << 0, where 1 + tanh(.) cancels (in the reference as well).
      EXPECT_NEAR(x[i], expected[i], 1e-6 * std::abs(expected[i]) + 5e-7) << "n " << n << " i " << i << " input " << inputs_copy[i];
    }
  }
}

TEST_P(Activations, TheTwoGeluFormsDiffer) {
  // Guards against both entry points computing the same function: at x = -3 they differ by about 4e-4.
  float a = -3.0f, b = -3.0f;
  gelu_erf_f32(&a, 1);
  gelu_tanh_f32(&b, 1);
  EXPECT_NEAR(a, -3.0f * 0.0013498980f, 1e-8);  // Phi(-3) = 0.0013498980
  EXPECT_GT(std::abs(a - b), 1e-4);
}

TEST_P(Activations, SoftmaxMatchesReferenceAndSurvivesLargeInputs) {
  for (std::size_t n : {1u, 2u, 9u, 16u, 65u, 512u}) {
    auto x = inputs(n);
    for (auto& v : x) v *= 30;  // exp(600) would overflow without the max subtraction
    auto expected = x;
    softmax_f32(x.data(), n);
    ref::softmax_f32(expected.data(), n);
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_NEAR(x[i], expected[i], 1e-6 * expected[i] + 1e-9) << "n " << n << " i " << i;
      sum += x[i];
    }
    EXPECT_NEAR(sum, 1.0, 1e-5);
  }
}

TEST_P(Activations, AddLayerNormMatchesDoubleReference) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (std::size_t n : {1u, 7u, 16u, 37u, 384u, 1000u}) {
    for (bool with_residual : {false, true}) {
      // An offset row mean (5) checks that the variance is taken around the mean, not around 0.
      std::vector<float> x(n), residual(n), gamma(n), beta(n);
      for (std::size_t i = 0; i < n; ++i) {
        x[i] = 5.0f + 2.0f * normal(rng_);
        residual[i] = normal(rng_);
        gamma[i] = 1.0f + 0.2f * normal(rng_);
        beta[i] = 0.1f * normal(rng_);
      }
      auto expected = x;
      const float* r = with_residual ? residual.data() : nullptr;
      add_layer_norm_f32(x.data(), r, gamma.data(), beta.data(), n, 1e-12f);
      ref::add_layer_norm_f32(expected.data(), r, gamma.data(), beta.data(), n, 1e-12f);
      for (std::size_t i = 0; i < n; ++i) {
        EXPECT_NEAR(x[i], expected[i], 1e-5f * (1.0f + std::abs(expected[i]))) << "n " << n << " i " << i;
      }
      if (n > 1) {  // the reference itself: with gamma 1 and beta 0 the row has mean 0 and variance 1
        std::vector<float> y(n, 0.0f), ones(n, 1.0f), zeros(n, 0.0f);
        for (std::size_t i = 0; i < n; ++i) y[i] = 5.0f + normal(rng_);
        ref::add_layer_norm_f32(y.data(), nullptr, ones.data(), zeros.data(), n, 0.0f);
        double sum = 0, squares = 0;
        for (float v : y) sum += v, squares += static_cast<double>(v) * v;
        EXPECT_NEAR(sum / static_cast<double>(n), 0.0, 1e-5);
        EXPECT_NEAR(squares / static_cast<double>(n), 1.0, 1e-4);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryTarget, Activations, semspace::testing::every_simd_target(),
                         semspace::testing::simd_target_name);

}  // namespace
}  // namespace semspace::kernels
