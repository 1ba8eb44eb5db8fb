#include "analysis/evaluate/word_similarity_eval.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "analysis/evaluate/correlation.hpp"
#include "support/python_reference.hpp"
#include "support/test_models.hpp"

namespace semspace {
namespace {

class WordSimilarityTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::scratch_dir("WordSimilarityTest"); }
  std::filesystem::path write(const std::string& name, const std::string& text) {
    testing::write_text(dir_ / name, text);
    return dir_ / name;
  }
  std::filesystem::path dir_;
  // cat/tiger at 0 and ~0.1 rad, car at 90 degrees, truck near car.
  WordVectors model_ = testing::make_model({"cat", "tiger", "car", "truck"},
                                           {{1, 0}, {0.995f, 0.0998f}, {0, 1}, {0.2f, 1}});
};

TEST_F(WordSimilarityTest, ReadsTsvWithCommentsHeaderAndCrlf) {
  auto path = write("set.tsv", "# comment\r\nWord 1\tWord 2\tHuman (mean)\r\ncat\ttiger\t9.5\r\nCar\ttruck\t8\n");
  auto pairs = read_word_pairs(path);
  ASSERT_TRUE(pairs) << pairs.error().message;
  ASSERT_EQ(pairs->size(), 2u);
  EXPECT_EQ((*pairs)[1].first, "Car");
  EXPECT_EQ((*pairs)[1].second, "truck");
  EXPECT_DOUBLE_EQ((*pairs)[1].score, 8);
  EXPECT_EQ((*pairs)[1].line, 4u);
}

TEST_F(WordSimilarityTest, ReadsCsvAndSpaceSeparated) {
  auto csv = read_word_pairs(write("set.csv", "word1,word2,score\ncat,tiger,9.5\n"));
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->size(), 1u);
  EXPECT_EQ((*csv)[0].second, "tiger");
  auto spaces = read_word_pairs(write("set.txt", "cat  tiger 9.5\ncar truck 1e0"));
  ASSERT_TRUE(spaces);
  ASSERT_EQ(spaces->size(), 2u);
  EXPECT_DOUBLE_EQ((*spaces)[1].score, 1.0);
}

TEST_F(WordSimilarityTest, MalformedLinesNameFileAndLine) {
  auto path = write("bad.tsv", "cat\ttiger\t9.5\ncar\ttruck\n");
  auto few = read_word_pairs(path);
  ASSERT_FALSE(few);
  EXPECT_EQ(few.error().message, path.string() + ":2: expected 3 fields (word1 word2 score), found 2");
  auto path2 = write("bad2.tsv", "cat\ttiger\t9.5\ncar\ttruck\thigh\n");
  auto text_score = read_word_pairs(path2);
  ASSERT_FALSE(text_score);
  EXPECT_EQ(text_score.error().message, path2.string() + ":2: expected a numeric score in field 3, found \"high\"");
  EXPECT_EQ(read_word_pairs(dir_ / "absent.tsv").error().code, ErrorCode::kIo);
}

TEST_F(WordSimilarityTest, CountsOovAndCorrelates) {
  std::vector<WordPair> pairs = {{"cat", "tiger", 9, 1}, {"Car", "truck", 8, 2}, {"cat", "car", 1, 3},
                                 {"tiger", "truck", 2, 4}, {"cat", "zebra", 7, 5}};
  auto report = evaluate_word_similarity(model_, pairs);
  EXPECT_EQ(report.pairs, 5u);
  EXPECT_EQ(report.found, 4u);
  EXPECT_EQ(report.oov, 1u);
  EXPECT_EQ(report.oov_words_used_subwords, 0u);
  // Cosines rank cat-tiger > car-truck > tiger-truck > cat-car, the human order.
  EXPECT_DOUBLE_EQ(report.spearman, 1.0);
  EXPECT_GT(report.pearson, 0.9);
}

TEST_F(WordSimilarityTest, SubwordModelScoresUnknownWords) {
  SubwordOptions sub{.minn = 3, .maxn = 4, .buckets = 50};
  Matrix input = testing::random_matrix(2 + 50, 6, 3);
  WordVectors model({"cat", "tiger"}, {}, std::move(input), sub);
  std::vector<WordPair> pairs = {{"cat", "tiger", 9, 1}, {"cats", "tiger", 8, 2}, {"dog", "cow", 1, 3}};
  auto report = evaluate_word_similarity(model, pairs);
  EXPECT_EQ(report.found, 3u);
  EXPECT_EQ(report.oov, 0u);
  EXPECT_EQ(report.oov_words_used_subwords, 3u);
}

// The published files in shared/data (not copied into the repository): every one must parse completely.
TEST(WordSimilaritySharedData, AllFilesParse) {
  const std::filesystem::path dir = std::filesystem::path(SEMSPACE_SOURCE_DIR) / ".." / "shared" / "data" / "word_similarity";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << dir << " not present";
  const std::vector<std::pair<std::string, std::size_t>> expected = {
      {"wordsim353.tsv", 353},   {"EN-WS-353-ALL.txt", 353}, {"EN-WS-353-SIM.txt", 203}, {"EN-WS-353-REL.txt", 252},
      {"EN-MEN-TR-3k.txt", 3000}, {"EN-MTurk-771.txt", 771}, {"EN-MTurk-287.txt", 287},  {"EN-RG-65.txt", 65},
      {"EN-MC-30.txt", 30},       {"EN-YP-130.txt", 130},    {"EN-VERB-143.txt", 144}};
  for (const auto& [name, rows] : expected) {
    auto pairs = read_word_pairs(dir / name);
    ASSERT_TRUE(pairs) << pairs.error().message;
    EXPECT_EQ(pairs->size(), rows) << name;
  }
}

}  // namespace
}  // namespace semspace
