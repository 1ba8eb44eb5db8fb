// The few-rows linear kernel against the double-precision reference, once per SIMD target compiled into the binary,
// on random inputs: row counts around the 4-row blocks, column counts around the 4-column blocks, depths that leave
// vector tails, and leading dimensions larger than the rows (the encoder passes column slices).
#include "core/kernels/linear.hpp"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/per_simd_target.hpp"

namespace semspace::kernels {
namespace {

class FewRowsLinear : public semspace::testing::PerSimdTarget {};

TEST_P(FewRowsLinear, MatchesDoubleReference) {
  for (std::size_t rows : {1u, 2u, 3u, 4u, 5u, 8u, 13u}) {
    for (std::size_t cols : {1u, 3u, 4u, 7u, 33u}) {
      for (std::size_t depth : {1u, 15u, 16u, 37u, 384u}) {
        const std::size_t ld_in = depth + 3, ld_weight = depth + 5, ld_out = cols + 2;
        const auto in = normal_floats(rows * ld_in), weight = normal_floats(cols * ld_weight), bias = normal_floats(cols);
        std::vector<float> out(rows * ld_out, -7.0f), expected(rows * ld_out, -7.0f);
        linear_few_rows_f32(rows, cols, depth, in.data(), ld_in, weight.data(), ld_weight, bias.data(), out.data(),
                            ld_out);
        ref::linear_few_rows_f32(rows, cols, depth, in.data(), ld_in, weight.data(), ld_weight, bias.data(),
                                 expected.data(), ld_out);
        for (std::size_t r = 0; r < rows; ++r) {
          for (std::size_t j = 0; j < ld_out; ++j) {
            // f32 sums of `depth` products of N(0, 1) values: error grows like sqrt(depth) ulps of the sum's scale.
            const float tolerance = j < cols ? 1e-5f * std::sqrt(static_cast<float>(depth)) * 4 : 0.0f;
            EXPECT_NEAR(out[r * ld_out + j], expected[r * ld_out + j], tolerance)
                << "rows " << rows << " cols " << cols << " depth " << depth << " at " << r << ", " << j;
          }
        }
      }
    }
  }
}

TEST_P(FewRowsLinear, NullBiasIsZero) {
  const std::size_t rows = 3, cols = 5, depth = 20;
  const auto in = normal_floats(rows * depth), weight = normal_floats(cols * depth);
  std::vector<float> out(rows * cols), expected(rows * cols);
  linear_few_rows_f32(rows, cols, depth, in.data(), depth, weight.data(), depth, nullptr, out.data(), cols);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < cols; ++j) {
      double sum = 0;
      for (std::size_t k = 0; k < depth; ++k) sum += static_cast<double>(in[r * depth + k]) * weight[j * depth + k];
      EXPECT_NEAR(out[r * cols + j], sum, 1e-4) << r << ", " << j;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryTarget, FewRowsLinear, semspace::testing::every_simd_target(),
                         semspace::testing::simd_target_name);

}  // namespace
}  // namespace semspace::kernels
