#include "encoders/pooling.hpp"

#include <cmath>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "support/python_reference.hpp"
#include "support/test_models.hpp"

namespace semspace {
namespace {

using testing::make_model;

TEST(Tokenize, SplitsOnAsciiWhitespaceAndLowercases) {
  std::vector<std::string> tokens;
  whitespace_lowercase_tokenize("  The\tCAT\r\nsat  ", tokens);
  EXPECT_EQ(tokens, (std::vector<std::string>{"the", "cat", "sat"}));
}

TEST(Pooling, MeanAveragesKnownTokensAndSkipsUnknown) {
  WordVectors model = make_model({"a", "b"}, {{1, 0}, {0, 3}});
  SentenceEncoder encoder(model, {.method = Pooling::kMean});
  std::vector<std::string> texts = {"a B zzz", "zzz", ""};
  Matrix out = encoder.encode(texts);
  ASSERT_EQ(out.rows(), 3u);
  EXPECT_FLOAT_EQ(out.row(0)[0], 0.5f);
  EXPECT_FLOAT_EQ(out.row(0)[1], 1.5f);
  for (std::size_t r : {1u, 2u}) {
    EXPECT_EQ(out.row(r)[0], 0.0f);
    EXPECT_EQ(out.row(r)[1], 0.0f);
  }
}

TEST(Pooling, CustomTokenizerIsUsed) {
  WordVectors model = make_model({"a", "b"}, {{1, 0}, {0, 3}});
  SentenceEncoder encoder(model, {.method = Pooling::kMean});
  std::vector<std::string> texts = {"a,b"};
  Matrix out = encoder.encode(texts, [](std::string_view text, std::vector<std::string>& tokens) {
    for (char c : text) {
      if (c != ',') tokens.emplace_back(1, c);
    }
  });
  EXPECT_FLOAT_EQ(out.row(0)[1], 1.5f);
}

TEST(Pooling, InvalidOptionsAndComponentSizeAreErrors) {
  WordVectors model = make_model({"a"}, {{1, 0}});
  EXPECT_EQ(SentenceEncoder::create(model, {.sif_a = 0}).error().code, ErrorCode::kInvalidArgument);
  auto encoder = SentenceEncoder::create(model);
  ASSERT_TRUE(encoder);
  std::vector<float> wrong = {1, 0, 0};
  EXPECT_EQ(encoder->set_common_component(wrong).error().code, ErrorCode::kInvalidArgument);
}

TEST(Pooling, SifWeightsFromCounts) {
  WordVectors model = make_model({"the", "cat"}, {{1, 0}, {0, 1}}, {999, 1});
  SentenceEncoder encoder(model, {.sif_a = 1e-3});
  EXPECT_NEAR(encoder.weight(0), 1e-3 / (1e-3 + 0.999), 1e-7);
  EXPECT_NEAR(encoder.weight(1), 1e-3 / (1e-3 + 0.001), 1e-7);
}

TEST(Pooling, ComponentRemovalLeavesZeroRowsZeroAndIsOrthogonal) {
  Matrix x = testing::random_matrix(20, 7, 11);
  for (std::size_t c = 0; c < 7; ++c) x.row(3)[c] = 0;
  auto u = fit_common_component(x);
  remove_common_component(x, u);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    double dot = 0;
    for (std::size_t c = 0; c < 7; ++c) dot += static_cast<double>(x.row(r)[c]) * u[c];
    EXPECT_NEAR(dot, 0.0, 1e-5);
  }
  for (float v : x.row(3)) EXPECT_EQ(v, 0.0f);
  EXPECT_EQ(fit_common_component(Matrix(4, 3)), std::vector<float>(3, 0.0f));
}

// SIF end to end against tests/reference/sif.py (numpy, SVD for the component) on random data, with and without
// counts (Zipf fallback).
class SifReferenceTest : public ::testing::TestWithParam<bool> {};

TEST_P(SifReferenceTest, MatchesNumpy) {
  const bool with_counts = GetParam();
  const std::size_t n_words = 60, dim = 9, n_texts = 25;
  const double a = 1e-2;
  auto dir = testing::scratch_dir(with_counts ? "SifWithCounts" : "SifZipf");
  core::Rng rng(with_counts ? 1 : 2);
  Matrix vectors = testing::random_matrix(n_words, dim, 77);
  // A shared offset gives the sentences a dominant common direction, as real word vectors have.
  for (std::size_t r = 0; r < n_words; ++r) vectors.row(r)[0] += 2.0f;
  std::vector<std::string> words;
  std::vector<std::uint64_t> counts;
  std::string vectors_text, counts_text, sentences_text;
  for (std::size_t r = 0; r < n_words; ++r) {
    words.push_back(fmt::format("w{}", r));
    if (with_counts) counts.push_back(1 + rng.below(1000));
    if (with_counts) counts_text += fmt::format("{}\n", counts.back());
    for (float v : vectors.row(r)) vectors_text += fmt::format("{:.9g} ", v);
    vectors_text += "\n";
  }
  std::vector<std::string> texts;
  for (std::size_t t = 0; t < n_texts; ++t) {
    std::string text, ids;
    const std::size_t length = t == 4 ? 0 : 1 + rng.below(8);  // text 4 has only unknown words
    for (std::size_t i = 0; i < length; ++i) {
      const std::uint32_t id = rng.below(n_words);
      text += words[id] + " ";
      ids += fmt::format("{} ", id);
    }
    if (t == 4) text = "unknown words only";
    texts.push_back(text + "oov_token");
    sentences_text += ids + "\n";
  }
  testing::write_text(dir / "vectors.txt", vectors_text);
  testing::write_text(dir / "counts.txt", counts_text);
  testing::write_text(dir / "sentences.txt", sentences_text);
  auto run = testing::run_python(testing::reference_script("sif.py"), {dir.string(), fmt::format("{}", a)});
  ASSERT_EQ(run.status, 0) << run.output;

  WordVectors model(words, counts, vectors.clone());
  SentenceEncoder plain(model, {.method = Pooling::kSif, .sif_a = a});
  auto weights = testing::read_numbers(dir / "weights.txt");
  for (std::size_t i = 0; i < n_words; ++i) {
    EXPECT_NEAR(plain.weight(static_cast<std::uint32_t>(i)), weights[i], 1e-6 * weights[i]);
  }

  Matrix pooled = plain.encode(texts);
  auto expected_pooled = testing::read_numbers(dir / "pooled.txt");
  ASSERT_EQ(expected_pooled.size(), n_texts * dim);
  for (std::size_t i = 0; i < pooled.size(); ++i) EXPECT_NEAR(pooled.data()[i], expected_pooled[i], 1e-5);

  auto u = fit_common_component(pooled);
  auto expected_u = testing::read_numbers(dir / "u.txt");
  for (std::size_t c = 0; c < dim; ++c) EXPECT_NEAR(u[c], expected_u[c], 1e-5);

  SentenceEncoder fitting(model, {.method = Pooling::kSif, .sif_a = a, .remove_component = true});
  Matrix removed = fitting.encode(texts);
  auto expected_removed = testing::read_numbers(dir / "removed.txt");
  for (std::size_t i = 0; i < removed.size(); ++i) EXPECT_NEAR(removed.data()[i], expected_removed[i], 1e-5);

  // A single query cannot fit its own component: it uses the one set from the batch.
  ASSERT_TRUE(plain.set_common_component(u));
  std::vector<std::string> one = {texts[7]};
  Matrix single = plain.encode(one);
  for (std::size_t c = 0; c < dim; ++c) EXPECT_NEAR(single.row(0)[c], removed.row(7)[c], 1e-5);
}

INSTANTIATE_TEST_SUITE_P(CountsAndZipf, SifReferenceTest, ::testing::Bool());

TEST(Pooling, SubwordTokensCountWithWeightOne) {
  SubwordOptions sub{.minn = 3, .maxn = 3, .buckets = 10};
  Matrix input = testing::random_matrix(1 + 10, 4, 5);
  WordVectors model({"cat"}, {}, std::move(input), sub);
  SentenceEncoder encoder(model, {.method = Pooling::kMean});
  std::vector<std::string> texts = {"dog"};
  Matrix out = encoder.encode(texts);
  auto expected = model.vector("dog");
  ASSERT_TRUE(expected);
  for (std::size_t c = 0; c < 4; ++c) EXPECT_FLOAT_EQ(out.row(0)[c], (*expected)[c]);
}

}  // namespace
}  // namespace semspace
