// The int8 linear layer against a scalar version of the same quantisation on random inputs: the quantised weights
// and activations reconstruct their floats within half a step, the int32 accumulations agree exactly, and the
// dequantised outputs agree within float rounding (and with the f32 product within the quantisation error).
#include "encoders/transformer/int8_linear.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace semspace {
namespace {

Matrix random_matrix(std::size_t rows, std::size_t cols, std::mt19937& rng, float spread) {
  std::normal_distribution<float> normal(0.0f, spread);
  Matrix m(rows, cols);
  for (std::size_t i = 0; i < m.size(); ++i) m.data()[i] = normal(rng);
  return m;
}

TEST(Int8Linear, WeightsAreSymmetricPerOutputChannel) {
  std::mt19937 rng(7);
  const Matrix w = random_matrix(40, 70, rng, 0.05f);
  auto linear = Int8Linear::create(w);
  ASSERT_TRUE(linear) << linear.error().message;
  ASSERT_EQ(linear->out_features(), 40u);
  ASSERT_EQ(linear->in_features(), 70u);
  for (std::size_t j = 0; j < 40; ++j) {
    const float scale = linear->weight_scales()[j];
    int max_abs = 0;
    for (std::size_t k = 0; k < 70; ++k) {
      const int q = linear->weights()[j * 70 + k];
      max_abs = std::max(max_abs, std::abs(q));
      EXPECT_LE(std::abs(w.row(j)[k] - static_cast<float>(q) * scale), scale * 0.5001f) << j << ", " << k;
    }
    EXPECT_EQ(max_abs, 127) << "channel " << j << " uses the whole range";
  }
}

TEST(Int8Linear, RowQuantizationReconstructsWithinHalfAStep) {
  std::mt19937 rng(11);
  const Matrix x = random_matrix(5, 300, rng, 2.0f);
  std::vector<std::uint8_t> q(300);
  for (std::size_t i = 0; i < 5; ++i) {
    // Row 0 all positive (a post-GELU-like row) so the zero point sits at the bottom.
    std::vector<float> row(x.row(i).begin(), x.row(i).end());
    if (i == 0) {
      for (float& v : row) v = std::abs(v);
    }
    const RowQuantization r = quantize_row_u8(row.data(), row.size(), q.data());
    EXPECT_GT(r.scale, 0.0f);
    if (i == 0) EXPECT_EQ(r.zero_point, 0);
    for (std::size_t k = 0; k < row.size(); ++k) {
      const float back = static_cast<float>(static_cast<int>(q[k]) - r.zero_point) * r.scale;
      EXPECT_LE(std::abs(back - row[k]), r.scale * 0.5001f + 1e-6f) << i << ", " << k;
    }
  }
  // A row of zeros quantises to the zero point exactly.
  std::vector<float> zeros(16, 0.0f);
  const RowQuantization r = quantize_row_u8(zeros.data(), zeros.size(), q.data());
  for (std::size_t k = 0; k < 16; ++k) EXPECT_EQ(static_cast<int>(q[k]) - r.zero_point, 0);
}

TEST(Int8Linear, AccumulationsAndOutputsMatchTheScalarVersion) {
  std::mt19937 rng(3);
  // in_features not a multiple of 4 or 16, rows from 1 to over a block, column ranges inside and at the edges.
  for (auto [in, out] : {std::pair<std::size_t, std::size_t>{384, 1152}, {1536, 384}, {61, 37}}) {
    const Matrix w = random_matrix(out, in, rng, 0.04f);
    auto linear = Int8Linear::create(w);
    ASSERT_TRUE(linear) << linear.error().message;
    for (std::size_t rows : {std::size_t{1}, std::size_t{7}, std::size_t{130}}) {
      for (auto [col_begin, col_end] : {std::pair<std::size_t, std::size_t>{0, out}, {16, out / 2 + 3}, {out - 5, out}}) {
        const Matrix x = random_matrix(rows, in, rng, 1.5f);
        const std::size_t cols = col_end - col_begin;
        std::vector<std::uint8_t> q(rows * in);
        std::vector<RowQuantization> quant(rows);
        for (std::size_t i = 0; i < rows; ++i) quant[i] = quantize_row_u8(x.row(i).data(), in, q.data() + i * in);

        std::vector<std::int32_t> acc(rows * cols);
        linear->accumulate(q.data(), quant, col_begin, col_end, acc.data());
        Int8Scratch scratch;
        Matrix y(rows, out);
        std::fill_n(y.data(), y.size(), -7.0f);  // columns outside the range must stay as they are
        linear->forward(x.data(), rows, in, col_begin, col_end, y.data(), out, scratch);

        std::size_t mismatches = 0;
        double max_quant_error = 0, max_f32 = 0;
        for (std::size_t i = 0; i < rows; ++i) {
          for (std::size_t j = 0; j < out; ++j) {
            if (j < col_begin || j >= col_end) {
              ASSERT_EQ(y.row(i)[j], -7.0f);
              continue;
            }
            std::int64_t reference = 0;
            double f32 = 0;
            for (std::size_t k = 0; k < in; ++k) {
              reference += static_cast<std::int64_t>(static_cast<int>(q[i * in + k]) - quant[i].zero_point) *
                           linear->weights()[j * in + k];
              f32 += static_cast<double>(x.row(i)[k]) * w.row(j)[k];
            }
            if (acc[i * cols + (j - col_begin)] != reference) ++mismatches;
            const double dequantised = static_cast<double>(reference) * quant[i].scale * linear->weight_scales()[j];
            EXPECT_NEAR(y.row(i)[j], dequantised, 1e-5 * std::max(1.0, std::abs(dequantised)));
            max_quant_error = std::max(max_quant_error, std::abs(dequantised - f32));
            max_f32 = std::max(max_f32, std::abs(f32));
          }
        }
        EXPECT_EQ(mismatches, 0u) << in << " -> " << out << ", " << rows << " rows, columns [" << col_begin << ", "
                                  << col_end << ")";
        // 8-bit activations and weights: a few percent of the largest output at most.
        EXPECT_LE(max_quant_error, 0.03 * max_f32) << in << " -> " << out << ", " << rows << " rows";
      }
    }
  }
}

TEST(Int8Linear, BadWeightsAreErrors) {
  EXPECT_FALSE(Int8Linear::create(Matrix()));
  Matrix w(2, 3);
  std::fill_n(w.data(), w.size(), 0.5f);
  w.row(1)[2] = std::nanf("");
  auto linear = Int8Linear::create(w);
  ASSERT_FALSE(linear);
  EXPECT_NE(linear.error().message.find("channel 1"), std::string::npos) << linear.error().message;
}

}  // namespace
}  // namespace semspace
