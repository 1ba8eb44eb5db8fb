#include "analysis/bias/weat.hpp"

#include <cmath>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "io/npy.hpp"
#include "support/python_reference.hpp"
#include "support/test_models.hpp"

namespace semspace {
namespace {

struct Sizes {
  std::size_t x, y, a, b, dim;
};

std::string label(const Sizes& s) { return fmt::format("X{}Y{}A{}B{}d{}", s.x, s.y, s.a, s.b, s.dim); }
std::string name_of(const ::testing::TestParamInfo<Sizes>& info) { return label(info.param); }

class WeatReferenceTest : public ::testing::TestWithParam<Sizes> {};

// Effect size, exact p-value and every association s(w, A, B) against tests/reference/weat.py (numpy, float64,
// itertools over every split) on random vectors of random lengths, equal and unequal target sizes.
TEST_P(WeatReferenceTest, MatchesNumpy) {
  const Sizes sizes = GetParam();
  const std::uint64_t seed = sizes.x * 1000 + sizes.y * 100 + sizes.a * 10 + sizes.b + sizes.dim;
  auto dir = testing::scratch_dir("Weat" + label(sizes));
  Matrix x = testing::random_matrix(sizes.x, sizes.dim, seed);
  Matrix y = testing::random_matrix(sizes.y, sizes.dim, seed + 1);
  Matrix a = testing::random_matrix(sizes.a, sizes.dim, seed + 2);
  Matrix b = testing::random_matrix(sizes.b, sizes.dim, seed + 3);
  for (auto [m, name] : {std::pair{&x, "x"}, {&y, "y"}, {&a, "a"}, {&b, "b"}}) {
    ASSERT_TRUE(io::write_npy(m->view(), dir / (std::string(name) + ".npy")));
  }
  auto run = testing::run_python(testing::reference_script("weat.py"), {dir.string()});
  ASSERT_EQ(run.status, 0) << run.output;
  const auto expected = testing::read_numbers(dir / "result.txt");
  const auto expected_s = testing::read_numbers(dir / "s.txt");
  ASSERT_EQ(expected.size(), 3u);
  ASSERT_EQ(expected_s.size(), sizes.x + sizes.y);

  const auto s_x = weat_associations(x.view(), a.view(), b.view());
  const auto s_y = weat_associations(y.view(), a.view(), b.view());
  for (std::size_t i = 0; i < sizes.x; ++i) EXPECT_NEAR(s_x[i], expected_s[i], 1e-6) << "X row " << i;
  for (std::size_t i = 0; i < sizes.y; ++i) EXPECT_NEAR(s_y[i], expected_s[sizes.x + i], 1e-6) << "Y row " << i;

  const auto stats = weat_statistics(s_x, s_y);
  EXPECT_EQ(stats.method, WeatPValueMethod::kExact);
  EXPECT_NEAR(stats.effect_size, expected[0], 1e-5);
  EXPECT_DOUBLE_EQ(stats.p_value, expected[1]);
  EXPECT_EQ(stats.partitions, static_cast<std::uint64_t>(expected[2]));
}

INSTANTIATE_TEST_SUITE_P(RandomVectors, WeatReferenceTest,
                         ::testing::Values(Sizes{6, 6, 5, 7, 17}, Sizes{8, 7, 4, 4, 33}, Sizes{5, 5, 8, 8, 3},
                                           Sizes{2, 3, 1, 1, 64}, Sizes{7, 7, 3, 9, 50}),
                         name_of);

// Associations of known angles: s = mean cos with A minus mean cos with B.
TEST(Weat, AssociationsOfKnownVectors) {
  Matrix targets(2, 2), a(1, 2), b(2, 2);
  targets.row(0)[0] = 3;  // along e1, length 3
  targets.row(1)[1] = 1;  // along e2
  a.row(0)[0] = 1;
  b.row(0)[1] = 2;
  b.row(1)[0] = -1;
  b.row(1)[1] = 1;
  const auto s = weat_associations(targets.view(), a.view(), b.view());
  const double half_root2 = std::sqrt(0.5);
  EXPECT_NEAR(s[0], 1.0 - (0.0 - half_root2) / 2, 1e-12);
  EXPECT_NEAR(s[1], 0.0 - (1.0 + half_root2) / 2, 1e-12);
}

// Hand-checkable: X = {1, 2}, Y = {0, -1}. Splits of 4 into 2 + 2: 6; the statistic sum_X - sum_Y beats the
// observed 4 in none, so p = 0; mean difference 2 over the sample std of {1, 2, 0, -1} (1.29099).
TEST(Weat, SmallExactCase) {
  const std::vector<double> x{1, 2}, y{0, -1};
  const auto stats = weat_statistics(x, y);
  EXPECT_EQ(stats.method, WeatPValueMethod::kExact);
  EXPECT_EQ(stats.partitions, 6u);
  EXPECT_EQ(stats.p_value, 0.0);
  EXPECT_NEAR(stats.effect_size, 2.0 / std::sqrt(5.0 / 3.0), 1e-12);
  EXPECT_DOUBLE_EQ(stats.statistic, 4.0);
  // Reversed, every other split is greater: 5 of 6 (the observed one ties with itself).
  const auto reversed = weat_statistics(y, x);
  EXPECT_NEAR(reversed.effect_size, -stats.effect_size, 1e-12);
  EXPECT_DOUBLE_EQ(reversed.p_value, 5.0 / 6.0);
}

TEST(Weat, ConstantAssociationsHaveNoEffectSize) {
  const std::vector<double> x{0.25, 0.25}, y{0.25};
  const auto stats = weat_statistics(x, y);
  EXPECT_TRUE(std::isnan(stats.effect_size));
  EXPECT_EQ(stats.p_value, 0.0);  // every split ties with the observed one
}

TEST(Weat, PartitionCount) {
  EXPECT_EQ(weat_partition_count(16, 8, 100000), 12870u);
  EXPECT_EQ(weat_partition_count(20, 10, 100000), 100001u);  // 184756 is above the cap
  EXPECT_EQ(weat_partition_count(50, 25, 100000), 100001u);
  EXPECT_EQ(weat_partition_count(5, 0, 10), 1u);
  EXPECT_EQ(weat_partition_count(3, 4, 10), 0u);
  EXPECT_EQ(weat_partition_count(62, 31, ~std::uint64_t{0} - 1), 465428353255261088u);
}

// Above the exact limit the p-value is a seeded sample: reproducible, and within sampling error (3 standard
// deviations of a binomial share) of the exact value over all 184,756 splits of 10 + 10.
TEST(Weat, SampledPValueIsCloseToExact) {
  int moderate = 0;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    Matrix x = testing::random_matrix(10, 12, seed), y = testing::random_matrix(10, 12, seed + 50);
    Matrix a = testing::random_matrix(6, 12, seed + 100), b = testing::random_matrix(6, 12, seed + 150);
    const auto s_x = weat_associations(x.view(), a.view(), b.view());
    const auto s_y = weat_associations(y.view(), a.view(), b.view());
    const auto exact = weat_statistics(s_x, s_y, {.max_exact_partitions = 200000});
    ASSERT_EQ(exact.method, WeatPValueMethod::kExact);
    ASSERT_EQ(exact.partitions, 184756u);
    const auto sampled = weat_statistics(s_x, s_y, {.permutations = 50000, .seed = seed});
    ASSERT_EQ(sampled.method, WeatPValueMethod::kSampled);
    EXPECT_EQ(sampled.partitions, 50000u);
    EXPECT_DOUBLE_EQ(sampled.effect_size, exact.effect_size);
    const double sd = std::sqrt(exact.p_value * (1 - exact.p_value) / 50000);
    EXPECT_NEAR(sampled.p_value, exact.p_value, 3 * sd + 1e-4) << "seed " << seed;
    EXPECT_EQ(weat_statistics(s_x, s_y, {.permutations = 50000, .seed = seed}).p_value, sampled.p_value);
    moderate += exact.p_value > 0.05 && exact.p_value < 0.95;
  }
  EXPECT_GE(moderate, 2) << "the seeds should give some p-values away from 0 and 1";
}

WeatWordSets toy_sets() {
  return {{"x", {"x0", "x1", "x2", "gone1"}}, {"y", {"y0", "Y1", "y2"}}, {"a", {"a0", "a1", "gone1"}},
          {"b", {"b0", "b1", "gone2"}},       {"nothing", {"gone3", "gone4"}}};
}

WordVectors toy_model() {
  std::vector<std::string> words{"x0", "x1", "x2", "y0", "y1", "y2", "a0", "a1", "b0", "b1"};
  std::vector<std::string> vocab = words;
  return WordVectors(std::move(vocab), {}, testing::random_matrix(words.size(), 8, 7));
}

// Words outside the vocabulary are listed once per test and skipped; "Y1" falls back to lower case.
TEST(Weat, MissingWordsAreReportedAndSkipped) {
  const auto model = toy_model();
  const WeatTestSpec spec{.id = "T", .x = "x", .y = "y", .a = "a", .b = "b"};
  const auto result = run_weat_test(model, spec, toy_sets());
  ASSERT_TRUE(result.error.empty()) << result.error;
  ASSERT_TRUE(result.statistics);
  EXPECT_EQ(result.missing, (std::vector<std::string>{"gone1", "gone2"}));
  EXPECT_EQ(result.x_words, 3u);
  EXPECT_EQ(result.y_words, 3u);
  EXPECT_EQ(result.a_words, 2u);
  EXPECT_EQ(result.b_words, 2u);
  EXPECT_EQ(result.statistics->partitions, 20u);

  // The same numbers as the test on the found words' vectors directly.
  auto rows = [&](std::initializer_list<const char*> names) {
    Matrix m(names.size(), 8);
    std::size_t r = 0;
    for (const char* name : names) {
      auto v = model.unit_words_matrix().row(*model.find(name));
      std::copy(v.begin(), v.end(), m.row(r++).begin());
    }
    return m;
  };
  Matrix x = rows({"x0", "x1", "x2"}), y = rows({"y0", "y1", "y2"}), a = rows({"a0", "a1"}), b = rows({"b0", "b1"});
  const auto direct = weat_statistics(weat_associations(x.view(), a.view(), b.view()),
                                      weat_associations(y.view(), a.view(), b.view()));
  EXPECT_DOUBLE_EQ(result.statistics->effect_size, direct.effect_size);
  EXPECT_DOUBLE_EQ(result.statistics->p_value, direct.p_value);
}

// A set with no word in the model fails its test with a message naming the set; the other tests still run.
TEST(Weat, WholeSetMissingFailsOnlyThatTest) {
  const auto model = toy_model();
  const std::vector<WeatTestSpec> tests{{.id = "bad", .x = "x", .y = "y", .a = "nothing", .b = "b"},
                                        {.id = "good", .x = "x", .y = "y", .a = "a", .b = "b"}};
  const auto results = run_weat_tests(model, tests, toy_sets());
  ASSERT_EQ(results.size(), 2u);
  EXPECT_FALSE(results[0].statistics);
  EXPECT_EQ(results[0].error, "bad: set A (\"nothing\", 2 words): none of its words is in the model");
  EXPECT_EQ(results[0].missing, (std::vector<std::string>{"gone1", "gone3", "gone4", "gone2"}));
  EXPECT_TRUE(results[1].statistics);
  EXPECT_TRUE(results[1].error.empty());
}

// With use_subwords, a subword model scores words outside its vocabulary through their n-grams.
TEST(Weat, SubwordsFillInMissingWords) {
  const SubwordOptions subwords{.minn = 2, .maxn = 3, .buckets = 64};
  std::vector<std::string> words{"x0", "x1", "y0", "y1", "a0", "b0"};
  WordVectors model(words, {}, testing::random_matrix(words.size() + 64, 6, 3), subwords);
  const WeatWordSets sets{{"x", {"x0", "x1", "xnew"}}, {"y", {"y0", "y1"}}, {"a", {"a0"}}, {"b", {"b0"}}};
  const WeatTestSpec spec{.id = "T", .x = "x", .y = "y", .a = "a", .b = "b"};
  EXPECT_EQ(run_weat_test(model, spec, sets).missing, std::vector<std::string>{"xnew"});
  const auto with = run_weat_test(model, spec, sets, {.use_subwords = true});
  EXPECT_TRUE(with.missing.empty());
  EXPECT_EQ(with.x_words, 3u);
}

}  // namespace
}  // namespace semspace
