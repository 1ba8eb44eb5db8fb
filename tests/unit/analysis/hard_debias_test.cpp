#include "analysis/bias/hard_debias.hpp"

#include <cmath>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/npy.hpp"
#include "support/python_reference.hpp"
#include "support/test_models.hpp"

namespace semspace {
namespace {

double cosine(std::span<const float> a, std::span<const float> b) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab += static_cast<double>(a[i]) * b[i];
    aa += static_cast<double>(a[i]) * a[i];
    bb += static_cast<double>(b[i]) * b[i];
  }
  return ab / std::sqrt(aa * bb);
}

double length(std::span<const float> a) {
  double sum = 0;
  for (float x : a) sum += static_cast<double>(x) * x;
  return std::sqrt(sum);
}

// Words w0..w(n-1); the definitional pairs share a planted direction so the bias is real, not noise.
WordVectors planted_model(std::size_t words, std::size_t dim, std::uint64_t seed) {
  Matrix m = testing::random_matrix(words, dim, seed);
  for (std::size_t pair = 0; pair < 4; ++pair) {  // w0/w1 .. w6/w7 differ mostly along e0
    m.row(2 * pair)[0] += 2.0f;
    m.row(2 * pair + 1)[0] -= 2.0f;
  }
  for (std::size_t w = 8; w < words; w += 3) m.row(w)[0] += 0.7f;  // some neutral words lean one way
  std::vector<std::string> vocab;
  for (std::size_t i = 0; i < words; ++i) vocab.push_back(fmt::format("w{}", i));
  return WordVectors(std::move(vocab), {}, std::move(m));
}

DebiasWordLists planted_lists() {
  return {.definitional_pairs = {{"w0", "w1"}, {"w2", "w3"}, {"w4", "w5"}, {"w6", "w7"}},
          .equalize_pairs = {{"w8", "w9"}, {"w10", "w11"}},
          .specific_words = {"w12", "W13"}};
}

bool is_specific(std::size_t w) { return w <= 13; }

// The paper's algorithm in tests/reference/hard_debias.py (numpy, unit vectors): the same direction and, after
// scaling to unit length, the same debiased vectors.
TEST(HardDebias, MatchesNumpyReference) {
  const auto model = planted_model(60, 16, 11);
  const auto lists = planted_lists();
  auto dir = testing::scratch_dir("HardDebias");
  ASSERT_TRUE(io::write_npy(model.words_matrix().view(), dir / "vectors.npy"));
  {
    std::ofstream words(dir / "words.txt");
    for (const auto& w : model.words()) words << w << '\n';
    nlohmann::json json = {{"definitional_pairs", lists.definitional_pairs},
                           {"equalize_pairs", lists.equalize_pairs},
                           {"specific_words", {"w12", "w13"}}};
    std::ofstream(dir / "lists.json") << json.dump();
  }
  auto run = testing::run_python(testing::reference_script("hard_debias.py"), {dir.string()});
  ASSERT_EQ(run.status, 0) << run.output;
  const auto direction = testing::read_numbers(dir / "direction.txt");
  const auto debiased = testing::read_numbers(dir / "debiased.txt");
  ASSERT_EQ(direction.size(), 16u);
  ASSERT_EQ(debiased.size(), 60u * 16);

  auto result = hard_debias(model, lists);
  ASSERT_TRUE(result) << result.error().message;
  for (std::size_t c = 0; c < 16; ++c) EXPECT_NEAR(result->report.direction.vector[c], direction[c], 1e-5);
  EXPECT_GT(result->report.direction.explained_variance_ratio, 0.5);
  EXPECT_EQ(result->report.direction.pairs_used, 4u);
  EXPECT_EQ(result->report.specific, 14u);
  EXPECT_EQ(result->report.neutralized_rows.size(), 46u);
  EXPECT_EQ(result->report.equalized_pairs, 2u);
  for (std::uint32_t w = 0; w < 60; ++w) {
    const auto ours = result->model.unit_words_matrix().row(w);
    for (std::size_t c = 0; c < 16; ++c) {
      EXPECT_NEAR(ours[c], debiased[w * 16 + c], 1e-5) << "w" << w << "[" << c << "]";
    }
  }
}

// Neutral words end with no component along the direction; specific words are untouched; every word keeps its
// length; each equalised pair is equally similar to every neutral word.
TEST(HardDebias, NeutralisesAndEqualises) {
  const auto model = planted_model(200, 24, 5);
  auto result = hard_debias(model, planted_lists());
  ASSERT_TRUE(result) << result.error().message;
  const auto& g = result->report.direction.vector;
  const auto& out = result->model;
  const double before = direct_bias(model, g, result->report.neutralized_rows);
  const double after = direct_bias(out, g, result->report.neutralized_rows);
  EXPECT_GT(before, 0.05);
  EXPECT_LT(after, 1e-6);
  for (std::uint32_t w = 0; w < 200; ++w) {
    EXPECT_NEAR(length(out.vector(w)), length(model.vector(w)), 1e-4 * length(model.vector(w))) << "w" << w;
    if (w >= 14) {
      EXPECT_NEAR(cosine(out.vector(w), g), 0.0, 1e-6) << "w" << w;
    }
    if (is_specific(w) && w != 8 && w != 9 && w != 10 && w != 11) {
      for (int c = 0; c < 24; ++c) EXPECT_EQ(out.vector(w)[c], model.vector(w)[c]) << "w" << w;
    }
  }
  for (auto [a, b] : {std::pair{8u, 9u}, {10u, 11u}}) {
    for (std::uint32_t w = 14; w < 200; ++w) {
      EXPECT_NEAR(cosine(out.vector(a), out.vector(w)), cosine(out.vector(b), out.vector(w)), 1e-6) << "w" << w;
    }
    // Equalising keeps the pair apart along g, symmetrically.
    EXPECT_NEAR(cosine(out.vector(a), g), -cosine(out.vector(b), g), 1e-6);
  }
}

// Subword models: vocabulary vectors are exactly the debiased ones (the solved own rows reproduce them through
// the n-gram average), and a word outside the vocabulary, built from neutralised n-gram rows only, is neutral.
TEST(HardDebias, SubwordModelsNeutraliseTheNgramPath) {
  const auto plain = planted_model(40, 12, 9);
  const SubwordOptions subwords{.minn = 2, .maxn = 3, .buckets = 97};
  Matrix input(40 + 97, 12);
  Matrix buckets = testing::random_matrix(97, 12, 4);
  // Own rows chosen so that each word's vector (mean of own and n-gram rows) is plain's vector.
  WordVectors probe(plain.words(), {}, Matrix(40 + 97, 12), subwords);
  for (std::uint32_t w = 0; w < 40; ++w) {
    const auto rows = probe.input_rows(w);
    for (std::size_t c = 0; c < 12; ++c) {
      double own = static_cast<double>(rows.size()) * plain.vector(w)[c];
      for (std::size_t k = 1; k < rows.size(); ++k) own -= buckets.row(rows[k] - 40)[c];
      input.row(w)[c] = static_cast<float>(own);
    }
  }
  for (std::size_t r = 0; r < 97; ++r) {
    std::copy(buckets.row(r).begin(), buckets.row(r).end(), input.row(40 + r).begin());
  }
  const WordVectors model(plain.words(), {}, std::move(input), subwords);
  for (std::size_t c = 0; c < 12; ++c) ASSERT_NEAR(model.vector(5)[c], plain.vector(5)[c], 1e-5);

  auto expected = hard_debias(plain, planted_lists());
  auto result = hard_debias(model, planted_lists());
  ASSERT_TRUE(expected && result);
  EXPECT_TRUE(result->report.subwords_neutralized);
  EXPECT_FALSE(expected->report.subwords_neutralized);
  ASSERT_TRUE(result->model.has_subwords());
  const auto& g = result->report.direction.vector;
  for (std::uint32_t w = 0; w < 40; ++w) {
    for (std::size_t c = 0; c < 12; ++c) {
      EXPECT_NEAR(result->model.vector(w)[c], expected->model.vector(w)[c], 1e-5) << "w" << w << "[" << c << "]";
    }
  }
  for (const char* unseen : {"zebra", "qq", "w1234"}) {
    auto v = result->model.vector(unseen);
    ASSERT_TRUE(v);
    auto before = model.vector(unseen);
    EXPECT_GT(std::fabs(cosine(*before, g)), 1e-3) << unseen;
    EXPECT_NEAR(cosine(*v, g), 0.0, 1e-6) << unseen;
  }
}

TEST(HardDebias, CaseVariantsAreEqualised) {
  std::vector<std::string> words{"she", "he", "Queen", "King", "QUEEN", "KING", "crown", "throne", "river"};
  auto model = WordVectors(words, {}, testing::random_matrix(words.size(), 6, 21));
  DebiasWordLists lists{.definitional_pairs = {{"she", "he"}}, .equalize_pairs = {{"queen", "king"}}};
  auto result = hard_debias(model, lists);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->report.equalized_pairs, 2u);  // Queen/King and QUEEN/KING
  EXPECT_EQ(result->report.specific, 6u);         // she he Queen King QUEEN KING, compared in lower case
  EXPECT_EQ(result->report.neutralized_rows, (std::vector<std::uint32_t>{6, 7, 8}));
  for (std::uint32_t w : {6u, 7u, 8u}) {
    EXPECT_NEAR(cosine(result->model.vector(2), result->model.vector(w)),
                cosine(result->model.vector(3), result->model.vector(w)), 1e-6);
  }
}

TEST(HardDebias, Errors) {
  const auto model = planted_model(20, 4, 1);
  DebiasWordLists missing{.definitional_pairs = {{"nope", "w1"}, {"w2", "gone"}}};
  auto none = hard_debias(model, missing);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(none.error().message, "none of the 2 definitional pairs has both words in the model");

  DebiasWordLists same{.definitional_pairs = {{"w3", "W3"}}};
  auto flat = hard_debias(model, same);
  ASSERT_FALSE(flat);
  EXPECT_EQ(flat.error().code, ErrorCode::kInvalidArgument);

  DebiasWordLists partial{.definitional_pairs = {{"w0", "w1"}, {"w2", "gone"}}, .equalize_pairs = {{"x", "y"}}};
  auto ok = hard_debias(model, partial);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->report.direction.missing_pairs, std::vector<std::string>{"w2/gone"});
  EXPECT_EQ(ok->report.missing_equalize_pairs, std::vector<std::string>{"x/y"});
  EXPECT_NEAR(ok->report.direction.explained_variance_ratio, 1.0, 1e-6);  // one pair: one direction
}

}  // namespace
}  // namespace semspace
