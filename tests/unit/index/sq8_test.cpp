// SQ8 codec: codes round to nearest and clamp, decoding is within half a step, and prepared scores equal exact
// float scoring of the decoded vector.
#include "index/sq8.hpp"

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace semspace::index {
namespace {

struct Data {
  std::size_t rows, cols;
  std::vector<float> values;
  MatrixView view() const { return {values.data(), rows, cols, cols}; }
};

Data random_data(std::size_t rows, std::size_t cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  Data data{rows, cols, std::vector<float>(rows * cols)};
  for (std::size_t c = 0; c < cols; ++c) {  // a different range per dimension
    const float mean = normal(rng) * 3, spread = 0.1f + std::abs(normal(rng));
    for (std::size_t r = 0; r < rows; ++r) data.values[r * cols + c] = mean + spread * normal(rng);
  }
  return data;
}

TEST(Sq8, EncodeRoundsToNearestAndClamps) {
  const std::vector<float> sample = {0.0f, -1.0f, 255.0f, 1.0f};  // dim 2: ranges [0,255] and [-1,1]
  auto codec = Sq8Codec::train({sample.data(), 2, 2, 2});
  ASSERT_TRUE(codec);
  std::uint8_t code[2];
  const float in1[2] = {10.4f, 1.0f};
  codec->encode(in1, code);
  EXPECT_EQ(code[0], 10);
  EXPECT_EQ(code[1], 255);
  const float in2[2] = {10.6f, -1.0f};
  codec->encode(in2, code);
  EXPECT_EQ(code[0], 11);
  EXPECT_EQ(code[1], 0);
  const float outside[2] = {-50.0f, 7.0f};
  codec->encode(outside, code);
  EXPECT_EQ(code[0], 0);
  EXPECT_EQ(code[1], 255);
}

TEST(Sq8, DecodeIsWithinHalfAStep) {
  const Data data = random_data(500, 37, 1);
  auto codec = Sq8Codec::train(data.view());
  ASSERT_TRUE(codec);
  std::vector<std::uint8_t> code(37);
  std::vector<float> back(37);
  for (std::size_t r = 0; r < data.rows; ++r) {
    codec->encode(data.view().row(r).data(), code.data());
    codec->decode(code.data(), back.data());
    for (std::size_t d = 0; d < 37; ++d) {
      ASSERT_LE(std::abs(back[d] - data.values[r * 37 + d]), 0.5f * codec->scale()[d] * 1.001f + 1e-6f);
    }
  }
}

TEST(Sq8, ConstantDimensionDecodesExactly) {
  const std::vector<float> sample = {2.5f, 2.5f, 2.5f};
  auto codec = Sq8Codec::train({sample.data(), 3, 1, 1});
  ASSERT_TRUE(codec);
  std::uint8_t code;
  float back;
  codec->encode(&sample[0], &code);
  codec->decode(&code, &back);
  EXPECT_EQ(back, 2.5f);
}

TEST(Sq8, ScoresEqualExactScoringOfTheDecodedVector) {
  for (std::size_t dim : {1u, 3u, 16u, 33u, 128u, 257u}) {
    const Data data = random_data(200, dim, 2 + static_cast<unsigned>(dim));
    const Data queries = random_data(5, dim, 99);
    auto codec = Sq8Codec::train(data.view());
    ASSERT_TRUE(codec);
    std::vector<std::uint8_t> code(dim);
    std::vector<float> back(dim);
    for (Metric metric : {Metric::kL2, Metric::kDot, Metric::kCosine}) {
      for (std::size_t q = 0; q < queries.rows; ++q) {
        const auto query = queries.view().row(q);
        const Sq8Query prepared = codec->prepare(query, metric);
        for (std::size_t r = 0; r < data.rows; ++r) {
          codec->encode(data.view().row(r).data(), code.data());
          codec->decode(code.data(), back.data());
          double expected = 0, magnitude = 0;
          for (std::size_t d = 0; d < dim; ++d) {
            const double qd = query[d], bd = back[d];
            expected += metric == Metric::kL2 ? -(qd - bd) * (qd - bd) : qd * bd;
            magnitude += metric == Metric::kL2 ? (qd - bd) * (qd - bd) : std::abs(qd * bd);
          }
          ASSERT_NEAR(codec->score(prepared, code.data()), expected, 1e-4 * (magnitude + 1))
              << "dim " << dim << " metric " << metric_name(metric);
        }
      }
    }
  }
}

TEST(Sq8, TrainRejectsEmptyAndNonFinite) {
  EXPECT_EQ(Sq8Codec::train({}).error().code, ErrorCode::kInvalidArgument);
  const std::vector<float> bad = {1.0f, NAN};
  auto codec = Sq8Codec::train({bad.data(), 2, 1, 1});
  ASSERT_FALSE(codec);
  EXPECT_NE(codec.error().message.find("row 1"), std::string::npos) << codec.error().message;
}

TEST(Sq8, SerialiseRoundTripAndCorruption) {
  const Data data = random_data(50, 9, 3);
  auto codec = Sq8Codec::train(data.view());
  ASSERT_TRUE(codec);
  const auto bytes = codec->serialise();
  ASSERT_EQ(bytes.size(), Sq8Codec::serialised_size(9));
  auto back = Sq8Codec::deserialise(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(std::vector<float>(back->min().begin(), back->min().end()),
            std::vector<float>(codec->min().begin(), codec->min().end()));
  EXPECT_EQ(std::vector<float>(back->scale().begin(), back->scale().end()),
            std::vector<float>(codec->scale().begin(), codec->scale().end()));
  EXPECT_EQ(Sq8Codec::deserialise(std::span(bytes).first(bytes.size() - 1)).error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(Sq8Codec::deserialise(std::span(bytes).first(2)).error().code, ErrorCode::kCorrupt);
  auto negative = bytes;
  const float minus = -1.0f;
  std::memcpy(negative.data() + 4 + 9 * 4, &minus, 4);  // first scale
  EXPECT_EQ(Sq8Codec::deserialise(negative).error().code, ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace semspace::index
