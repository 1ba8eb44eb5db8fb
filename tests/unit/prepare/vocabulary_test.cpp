#include "prepare/text/vocabulary.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace semspace {
namespace {

VocabularyCounter count_words(const std::vector<std::pair<std::string, int>>& counts) {
  VocabularyCounter counter;
  for (const auto& [word, count] : counts) {
    for (int i = 0; i < count; ++i) counter.add(word);
  }
  return counter;
}

TEST(VocabularyCounter, CountsTotalsAndDistinct) {
  VocabularyCounter counter;
  for (const char* word : {"the", "cat", "the", "mat", "the"}) counter.add(word);
  counter.add("cat", 10);
  EXPECT_EQ(counter.total_tokens(), 15u);
  EXPECT_EQ(counter.distinct_count(), 3u);
  EXPECT_EQ(counter.count("the"), 3u);
  EXPECT_EQ(counter.count("cat"), 11u);
  EXPECT_EQ(counter.count("dog"), 0u);
}

TEST(VocabularyCounter, ManyWordsMatchStdUnorderedMap) {
  std::mt19937_64 rng(1);
  VocabularyCounter counter;
  std::unordered_map<std::string, std::uint64_t> expected;
  for (int i = 0; i < 200000; ++i) {
    // Appending rather than "w" + to_string(...): GCC 12 gives a false -Wrestrict on the latter.
    std::string word = "w";
    word += std::to_string(rng() % 50000);
    if (rng() % 7 == 0) word += std::string(rng() % 30, 'x');  // longer than one 8-byte hash step
    counter.add(word);
    ++expected[word];
  }
  EXPECT_EQ(counter.distinct_count(), expected.size());
  for (const auto& [word, count] : expected) ASSERT_EQ(counter.count(word), count) << word;
  EXPECT_EQ(counter.count(""), 0u);
}

TEST(VocabularyCounter, MergeAddsCounts) {
  VocabularyCounter a = count_words({{"x", 2}, {"y", 1}});
  const VocabularyCounter b = count_words({{"y", 3}, {"z", 4}});
  a.merge(b);
  EXPECT_EQ(a.count("x"), 2u);
  EXPECT_EQ(a.count("y"), 4u);
  EXPECT_EQ(a.count("z"), 4u);
  EXPECT_EQ(a.total_tokens(), 10u);
}

TEST(Vocabulary, SortedByCountThenBytesWithMinCount) {
  const auto counter = count_words({{"b", 5}, {"a", 5}, {"c", 9}, {"rare", 2}, {"Z", 5}, {"é", 5}});
  const Vocabulary vocabulary(counter, {.min_count = 3});
  EXPECT_EQ(vocabulary.words(), (std::vector<std::string>{"c", "Z", "a", "b", "é"}));
  EXPECT_EQ(vocabulary.counts(), (std::vector<std::uint64_t>{9, 5, 5, 5, 5}));
  EXPECT_EQ(vocabulary.total_count(), 29u);
  EXPECT_EQ(vocabulary.size(), 5u);
  EXPECT_EQ(vocabulary.find("c"), 0u);
  EXPECT_EQ(vocabulary.find("é"), 4u);
  EXPECT_EQ(vocabulary.find("rare"), std::nullopt);
  EXPECT_EQ(vocabulary.find("missing"), std::nullopt);
}

TEST(Vocabulary, MaxSizeKeepsTheMostFrequentAfterMinCount) {
  const auto counter = count_words({{"a", 1}, {"b", 7}, {"c", 7}, {"d", 3}, {"e", 9}});
  const Vocabulary vocabulary(counter, {.min_count = 2, .max_size = 3});
  EXPECT_EQ(vocabulary.words(), (std::vector<std::string>{"e", "b", "c"}));
  EXPECT_EQ(vocabulary.total_count(), 23u);
  const Vocabulary unlimited(counter, {.min_count = 1, .max_size = 0});
  EXPECT_EQ(unlimited.size(), 5u);
  const Vocabulary larger(counter, {.min_count = 1, .max_size = 100});
  EXPECT_EQ(larger.words(), unlimited.words());
}

TEST(Vocabulary, OrderDoesNotDependOnInsertionOrder) {
  std::vector<std::pair<std::string, int>> counts;
  for (int i = 0; i < 300; ++i) {
    std::string word = "w";
    word += std::to_string(i);
    counts.emplace_back(word, 1 + i % 7);
  }
  const Vocabulary forward(count_words(counts), {.min_count = 1});
  std::reverse(counts.begin(), counts.end());
  const Vocabulary backward(count_words(counts), {.min_count = 1});
  EXPECT_EQ(forward.words(), backward.words());
}

TEST(Vocabulary, EmptyAndAllBelowMinCount) {
  const Vocabulary empty(VocabularyCounter{}, {});
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_TRUE(empty.keep_probabilities().empty());
  const Vocabulary none(count_words({{"a", 4}}), {.min_count = 5});
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.total_count(), 0u);
}

TEST(Vocabulary, InvalidOptionsAreReported) {
  EXPECT_FALSE(VocabularyOptions{.min_count = 0}.validate());
  EXPECT_THROW(Vocabulary(VocabularyCounter{}, {.min_count = 0}), InternalError);
}

TEST(Vocabulary, KeepProbabilitiesFollowTheSubsamplingFormula) {
  const auto counter = count_words({{"the", 60000}, {"of", 30000}, {"cat", 9000}, {"rare", 1000}});
  const Vocabulary vocabulary(counter, {.min_count = 1});
  const double t = 1e-2;
  const auto keep = vocabulary.keep_probabilities(t);
  ASSERT_EQ(keep.size(), 4u);
  for (std::size_t id = 0; id < keep.size(); ++id) {
    const double f = static_cast<double>(vocabulary.counts()[id]) / 100000.0;
    const double expected = std::min(1.0, std::sqrt(t / f) + t / f);
    EXPECT_NEAR(keep[id], expected, 1e-6) << vocabulary.words()[id];
  }
  EXPECT_LT(keep[0], keep[1]);    // more frequent words are kept less often
  EXPECT_FLOAT_EQ(keep[3], 1.0f);  // f = 0.01 = t: sqrt(1) + 1 clamps to 1
  for (float p : vocabulary.keep_probabilities(0.0)) EXPECT_EQ(p, 1.0f);
  for (float p : vocabulary.keep_probabilities(-1.0)) EXPECT_EQ(p, 1.0f);
}

}  // namespace
}  // namespace semspace
