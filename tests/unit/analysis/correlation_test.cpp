#include "analysis/evaluate/correlation.hpp"

#include <cmath>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/random.hpp"
#include "support/python_reference.hpp"

namespace semspace {
namespace {

TEST(Correlation, AverageRanksShareTies) {
  std::vector<double> values = {10, 20, 10, 30, 20, 20};
  EXPECT_EQ(average_ranks(values), (std::vector<double>{1.5, 4, 1.5, 6, 4, 4}));
}

TEST(Correlation, UndefinedCasesAreNaN) {
  std::vector<double> one = {1}, constant = {2, 2, 2}, rising = {1, 2, 3};
  EXPECT_TRUE(std::isnan(spearman(one, one)));
  EXPECT_TRUE(std::isnan(pearson(constant, rising)));
}

TEST(Correlation, MonotoneGivesSpearmanOne) {
  std::vector<double> x = {1, 2, 3, 4}, y = {1, 8, 27, 64};
  EXPECT_DOUBLE_EQ(spearman(x, y), 1.0);
  EXPECT_LT(pearson(x, y), 1.0);
}

// Against tests/reference/spearman.py (numpy, its own average-rank code) on random data with many ties.
TEST(Correlation, MatchesNumpyReferenceWithTies) {
  auto dir = testing::scratch_dir("CorrelationNumpy");
  core::Rng rng(2024);
  for (int trial = 0; trial < 3; ++trial) {
    std::vector<double> x, y;
    std::string text;
    const int n = 50 + 100 * trial;
    for (int i = 0; i < n; ++i) {
      x.push_back(static_cast<double>(rng.below(10)));           // heavy ties
      y.push_back(x.back() * 0.3 + rng.below(7) * 0.5);          // correlated, ties too
      text += fmt::format("{:.17g} {:.17g}\n", x.back(), y.back());
    }
    testing::write_text(dir / "pairs.txt", text);
    auto run = testing::run_python(testing::reference_script("spearman.py"),
                                   {(dir / "pairs.txt").string(), (dir / "out.txt").string()});
    ASSERT_EQ(run.status, 0) << run.output;
    auto expected = testing::read_numbers(dir / "out.txt");
    ASSERT_EQ(expected.size(), 2u);
    EXPECT_NEAR(spearman(x, y), expected[0], 1e-12);
    EXPECT_NEAR(pearson(x, y), expected[1], 1e-12);
  }
}

}  // namespace
}  // namespace semspace
