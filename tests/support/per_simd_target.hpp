// A fixture for kernel tests that run once per SIMD target compiled into the binary, with Highway's dispatch pinned
// to that target: derive from PerSimdTarget, then
// INSTANTIATE_TEST_SUITE_P(EveryTarget, Fixture, every_simd_target(), simd_target_name).
#pragma once

#include <cstdint>
#include <string>

#include <gtest/gtest.h>
#include <hwy/targets.h>

namespace semspace::testing {

class PerSimdTarget : public ::testing::TestWithParam<std::int64_t> {
 protected:
  void SetUp() override { hwy::SetSupportedTargetsForTest(GetParam()); }
  void TearDown() override { hwy::SetSupportedTargetsForTest(0); }
};

inline auto every_simd_target() { return ::testing::ValuesIn(hwy::SupportedAndGeneratedTargets()); }

inline std::string simd_target_name(const ::testing::TestParamInfo<std::int64_t>& info) {
  return hwy::TargetName(info.param);
}

}  // namespace semspace::testing
