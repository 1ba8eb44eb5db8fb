#include "analysis/word_queries.hpp"

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "support/test_models.hpp"

namespace semspace {
namespace {

using testing::make_model;

std::vector<std::string> words_of(const std::vector<Neighbor>& neighbors) {
  std::vector<std::string> out;
  for (const auto& n : neighbors) out.push_back(n.word);
  return out;
}

class WordQueriesTest : public ::testing::Test {
 protected:
  // Angles 0, 10, 30, 90, 180 degrees from "east" in the plane (lengths differ: cosine must ignore them).
  WordVectors model_ = make_model({"east", "east10", "east30", "north", "west"},
                                  {{1, 0},
                                   {2 * std::cos(0.17453293f), 2 * std::sin(0.17453293f)},
                                   {0.5f * std::cos(0.52359878f), 0.5f * std::sin(0.52359878f)},
                                   {0, 3},
                                   {-1, 0}});
};

TEST_F(WordQueriesTest, SimilarityIsCosine) {
  EXPECT_NEAR(*similarity(model_, "east", "east30"), std::cos(0.52359878f), 1e-6);
  EXPECT_NEAR(*similarity(model_, "east", "west"), -1.0f, 1e-6);
  EXPECT_NEAR(*similarity(model_, "north", "west"), 0.0f, 1e-6);
}

TEST_F(WordQueriesTest, SimilarityOfUnknownWordNamesIt) {
  auto result = similarity(model_, "east", "southeast");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kNotFound);
  EXPECT_NE(result.error().message.find("\"southeast\""), std::string::npos) << result.error().message;
}

TEST_F(WordQueriesTest, NeighborsBestFirstWithoutTheWordItself) {
  auto result = nearest_neighbors(model_, "east", 3);
  ASSERT_TRUE(result);
  EXPECT_EQ(words_of(*result), (std::vector<std::string>{"east10", "east30", "north"}));
  EXPECT_NEAR((*result)[0].score, std::cos(0.17453293f), 1e-6);
}

TEST_F(WordQueriesTest, KLargerThanVocabularyGivesEveryOtherWord) {
  auto result = nearest_neighbors(model_, "east", 100);
  ASSERT_TRUE(result);
  EXPECT_EQ(words_of(*result), (std::vector<std::string>{"east10", "east30", "north", "west"}));
}

TEST_F(WordQueriesTest, ExcludeListIsHonoured) {
  std::vector<std::string> exclude = {"east10", "not-a-word"};
  auto result = nearest_neighbors(model_, "east", 2, exclude);
  ASSERT_TRUE(result);
  EXPECT_EQ(words_of(*result), (std::vector<std::string>{"east30", "north"}));
}

TEST_F(WordQueriesTest, VectorQueryExcludesNothingByDefault) {
  std::vector<float> query = {5, 0};
  auto result = nearest_neighbors(model_, std::span<const float>(query), 1);
  ASSERT_TRUE(result);
  EXPECT_EQ((*result)[0].word, "east");
  std::vector<float> wrong = {1, 2, 3};
  EXPECT_EQ(nearest_neighbors(model_, std::span<const float>(wrong), 1).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_F(WordQueriesTest, BadKAndUnknownWordAreErrors) {
  EXPECT_EQ(nearest_neighbors(model_, "east", 0).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(nearest_neighbors(model_, "nowhere", 3).error().code, ErrorCode::kNotFound);
}

// a = e1, b = e2, c = e3, so b - a + c = (-1, 1, 1, 0) = "d" exactly. Distractors: "near_b" close to b, "e4".
class AnalogyTest : public ::testing::Test {
 protected:
  WordVectors model_ = make_model({"a", "b", "c", "near_b", "e4", "d"}, {{1, 0, 0, 0},
                                                                         {0, 1, 0, 0},
                                                                         {0, 0, 1, 0},
                                                                         {0, 1, 0.1f, 0},
                                                                         {0, 0, 0, 1},
                                                                         {-2, 2, 2, 0}});
};

TEST_F(AnalogyTest, CosAddFindsTheExactAnswer) {
  auto result = analogy(model_, "a", "b", "c", 1, AnalogyMethod::k3CosAdd);
  ASSERT_TRUE(result);
  EXPECT_EQ((*result)[0].word, "d");
  EXPECT_NEAR((*result)[0].score, 1.0f, 1e-6);
}

TEST_F(AnalogyTest, CosMulFindsTheExactAnswer) {
  auto result = analogy(model_, "a", "b", "c", 2, AnalogyMethod::k3CosMul);
  ASSERT_TRUE(result);
  EXPECT_EQ((*result)[0].word, "d");
  // cos(d, b) = cos(d, c) = 1/sqrt(3), cos(d, a) = -1/sqrt(3).
  const double s = 1 / std::sqrt(3.0);
  EXPECT_NEAR((*result)[0].score, (1 + s) / 2 * (1 + s) / 2 / ((1 - s) / 2 + 1e-3), 1e-5);
  EXPECT_EQ((*result)[1].word, "near_b");
}

TEST_F(AnalogyTest, QueryWordsAreNeverAnswers) {
  for (auto method : {AnalogyMethod::k3CosAdd, AnalogyMethod::k3CosMul}) {
    auto result = analogy(model_, "a", "b", "c", 10, method);
    ASSERT_TRUE(result);
    auto words = words_of(*result);
    EXPECT_EQ(words.size(), 3u);
    for (const char* query : {"a", "b", "c"}) EXPECT_EQ(std::count(words.begin(), words.end(), query), 0);
  }
}

TEST_F(AnalogyTest, RestrictVocabLimitsCandidates) {
  // "d" is the 6th word; with only the first 5 as candidates the best left is "near_b".
  auto result = analogy(model_, "a", "b", "c", 1, AnalogyMethod::k3CosAdd, 5);
  ASSERT_TRUE(result);
  EXPECT_EQ((*result)[0].word, "near_b");
}

TEST(NeighborsRandom, EqualNaiveDoubleScan) {
  const std::size_t n = 3001, dim = 37;
  WordVectors model = testing::random_model(n, dim, 7);
  for (std::uint32_t query_id : {0u, 17u, 3000u}) {
    auto result = nearest_neighbors(model, model.words()[query_id], 10);
    ASSERT_TRUE(result);
    // Naive reference: double-precision cosine over all other words.
    std::vector<std::pair<double, std::uint32_t>> all;
    auto q = model.words_matrix().row(query_id);
    for (std::uint32_t i = 0; i < n; ++i) {
      if (i == query_id) continue;
      auto x = model.words_matrix().row(i);
      double dot = 0, nq = 0, nx = 0;
      for (std::size_t d = 0; d < dim; ++d) {
        dot += static_cast<double>(q[d]) * x[d];
        nq += static_cast<double>(q[d]) * q[d];
        nx += static_cast<double>(x[d]) * x[d];
      }
      all.push_back({-dot / std::sqrt(nq * nx), i});
    }
    std::sort(all.begin(), all.end());
    ASSERT_EQ(result->size(), 10u);
    for (std::size_t r = 0; r < 10; ++r) {
      EXPECT_NEAR((*result)[r].score, -all[r].first, 1e-5);
      // Ranks agree unless two reference scores are closer than float rounding.
      const bool clear_after = all[r + 1].first - all[r].first > 1e-5;
      const bool clear_before = r == 0 || all[r].first - all[r - 1].first > 1e-5;
      if (clear_after && clear_before) {
        EXPECT_EQ((*result)[r].word, model.words()[all[r].second]) << "rank " << r;
      }
    }
  }
}

}  // namespace
}  // namespace semspace
