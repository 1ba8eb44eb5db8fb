// A fixture for kernel tests that run once per SIMD target compiled into the binary, with Highway's dispatch pinned
// to that target, and seeded normal random inputs: derive from PerSimdTarget, then
// INSTANTIATE_TEST_SUITE_P(EveryTarget, Fixture, every_simd_target(), simd_target_name).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <hwy/targets.h>

namespace semspace::testing {

class PerSimdTarget : public ::testing::TestWithParam<std::int64_t> {
 protected:
  void SetUp() override { hwy::SetSupportedTargetsForTest(GetParam()); }
  void TearDown() override { hwy::SetSupportedTargetsForTest(0); }

  /// n values drawn from N(0, sigma^2); the generator's seed is fixed, so every run sees the same inputs.
  std::vector<float> normal_floats(std::size_t n, float sigma = 1.0f) {
    std::normal_distribution<float> normal(0.0f, sigma);
    std::vector<float> v(n);
    for (auto& x : v) x = normal(rng_);
    return v;
  }
  std::mt19937 rng_{3};
};

inline auto every_simd_target() { return ::testing::ValuesIn(hwy::SupportedAndGeneratedTargets()); }

inline std::string simd_target_name(const ::testing::TestParamInfo<std::int64_t>& info) {
  return hwy::TargetName(info.param);
}

}  // namespace semspace::testing
