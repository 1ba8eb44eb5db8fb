#include "analysis/evaluate/analogy_eval.hpp"

#include <gtest/gtest.h>

#include "support/python_reference.hpp"
#include "support/test_models.hpp"

namespace semspace {
namespace {

// Words on orthogonal axes make every 3CosAdd answer predictable; see the comment on each row.
class AnalogyEvalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::scratch_dir("AnalogyEvalTest");
    std::vector<std::string> words = {"man", "woman", "king", "queen", "big", "bigger", "small", "smaller", "rare"};
    std::vector<std::vector<float>> rows(words.size(), std::vector<float>(8, 0.0f));
    rows[0][0] = 1;                                   // man
    rows[1][1] = 1;                                   // woman
    rows[2][2] = 1;                                   // king
    rows[3] = {-1, 1, 1, 0, 0, 0, 0, 0};              // queen = woman - man + king
    rows[4][3] = 1;                                   // big
    rows[5] = {0, 0, 0, 1, 0, 0, 0, 1};               // bigger = big + e7
    rows[6][4] = 1;                                   // small
    rows[7] = {0, 0, 0, 0, 0, 0, 1, 0};               // smaller: NOT small + e7, so "big:bigger::small:?" fails
    rows[8] = {0, 0, 0, 0, 1, 0, 0, 1};               // rare = small + e7: the model's answer, but 9th word
    model_.emplace(testing::make_model(words, rows));
  }

  std::filesystem::path write(const std::string& text) {
    auto path = dir_ / "questions.txt";
    testing::write_text(path, text);
    return path;
  }

  std::filesystem::path dir_;
  std::optional<WordVectors> model_;
};

TEST_F(AnalogyEvalTest, CountsCorrectOovAndSections) {
  auto path = write(
      ": family\r\n"
      "Man Woman King Queen\r\n"   // capitals are lowercased: correct
      "man woman king unknown\n"   // oov
      "\n"
      ": gram3-comparative\n"
      "big bigger small smaller\n"  // wrong: the answer is "rare"
      "big bigger small rare");     // correct, no final newline
  AnalogyEvalOptions options;
  auto report = evaluate_analogy_file(*model_, path, options);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->sections.size(), 2u);
  EXPECT_EQ(report->sections[0].name, "family");
  EXPECT_FALSE(report->sections[0].syntactic);
  EXPECT_EQ(report->sections[0].correct, 1u);
  EXPECT_EQ(report->sections[0].total, 1u);
  EXPECT_EQ(report->sections[0].oov, 1u);
  EXPECT_EQ(report->sections[1].name, "gram3-comparative");
  EXPECT_TRUE(report->sections[1].syntactic);
  EXPECT_EQ(report->sections[1].correct, 1u);
  EXPECT_EQ(report->sections[1].total, 2u);
  EXPECT_EQ(report->questions, 4u);
  EXPECT_EQ(report->answered, 3u);
  EXPECT_EQ(report->correct, 2u);
  EXPECT_EQ(report->oov, 1u);
  EXPECT_DOUBLE_EQ(report->accuracy(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(report->seen_fraction(), 3.0 / 4.0);
  EXPECT_DOUBLE_EQ(report->semantic_accuracy(), 1.0);
  EXPECT_DOUBLE_EQ(report->syntactic_accuracy(), 0.5);
}

TEST_F(AnalogyEvalTest, MaxVocabMakesLaterWordsOovAndRemovesThemAsCandidates) {
  auto path = write(": gram3-comparative\nbig bigger small smaller\nbig bigger small rare\n");
  auto report = evaluate_analogy_file(*model_, path, {.max_vocab = 8});
  ASSERT_TRUE(report);
  EXPECT_EQ(report->sections[0].oov, 1u);  // "rare" is the 9th word
  EXPECT_EQ(report->sections[0].total, 1u);
  EXPECT_EQ(report->sections[0].correct, 0u);  // best among the first 8, not a/b/c: not "smaller" either
}

TEST_F(AnalogyEvalTest, CosMulAgreesOnTheExactAnalogy) {
  auto path = write(": family\nman woman king queen\n");
  auto report = evaluate_analogy_file(*model_, path, {.method = AnalogyMethod::k3CosMul});
  ASSERT_TRUE(report);
  EXPECT_EQ(report->correct, 1u);
}

TEST_F(AnalogyEvalTest, MalformedLineNamesFileAndLine) {
  auto path = write(": family\nman woman king queen\nman woman king\n");
  auto report = evaluate_analogy_file(*model_, path);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(report.error().message, path.string() + ":3: expected 4 words, found 3");
}

TEST_F(AnalogyEvalTest, MissingFileIsAnIoError) {
  auto report = evaluate_analogy_file(*model_, dir_ / "absent.txt");
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kIo);
  EXPECT_NE(report.error().message.find("absent.txt"), std::string::npos);
}

TEST_F(AnalogyEvalTest, BadThreadCountIsRejected) {
  auto report = evaluate_analogies(*model_, AnalogyQuestions{}, {.threads = 0});
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kInvalidArgument);
}

// Batched evaluation must give what the single-query analogy() gives, for any thread count.
TEST(AnalogyEvalRandom, MatchesSingleQueriesAndThreadCounts) {
  WordVectors model = testing::random_model(700, 23, 5);
  AnalogyQuestions questions;
  questions.sections = {"capital", "gram1"};
  core::Rng rng(9);
  for (int i = 0; i < 301; ++i) {
    auto w = [&] { return model.words()[rng.below(700)]; };
    questions.questions.push_back({w(), w(), w(), w(), static_cast<std::uint32_t>(i % 2)});
  }
  for (auto method : {AnalogyMethod::k3CosAdd, AnalogyMethod::k3CosMul}) {
    // Make every question correct by construction: d = the single-query answer.
    for (auto& q : questions.questions) {
      auto answer = analogy(model, q.a, q.b, q.c, 1, method, 500);
      ASSERT_TRUE(answer);
      q.d = (*answer)[0].word;
    }
    auto one = evaluate_analogies(model, questions, {.max_vocab = 500, .method = method, .threads = 1});
    auto two = evaluate_analogies(model, questions, {.max_vocab = 500, .method = method, .threads = 2});
    ASSERT_TRUE(one && two);
    EXPECT_EQ(one->correct, two->correct);
    EXPECT_EQ(one->answered, two->answered);
    // a, b or c beyond the first 500 words makes a question OOV; every other one must be answered correctly
    // (float rounding differs between the two paths, so allow a rare near-tie to flip).
    EXPECT_GE(one->correct + 2, one->answered);
    EXPECT_GT(one->answered, 100u);
  }
}

}  // namespace
}  // namespace semspace
