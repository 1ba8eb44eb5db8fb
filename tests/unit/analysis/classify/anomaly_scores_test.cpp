#include "analysis/anomaly/anomaly_scores.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "analysis/anomaly/roc_auc.hpp"
#include "io/npy.hpp"
#include "support/python_reference.hpp"
#include "unit/analysis/analysis_test_data.hpp"

namespace semspace {
namespace {

// Two Gaussian clusters of different density plus scattered outliers.
Matrix anomaly_data(std::uint64_t seed) {
  core::Rng rng(seed);
  Matrix x(330, 5);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    for (std::size_t c = 0; c < 5; ++c) {
      const double v = r < 200 ? testing::gaussian(rng) : r < 300 ? 8.0 + 0.3 * testing::gaussian(rng)
                                                                  : 16.0 * rng.uniform() - 4.0;
      x.row(r)[c] = static_cast<float>(v);
    }
  }
  return x;
}

TEST(LocalOutlierFactor, MatchesScikitLearn) {
  Matrix x = anomaly_data(3);
  auto dir = testing::scratch_dir("lof");
  ASSERT_TRUE(io::write_npy(x.view(), dir / "x.npy"));
  auto run = testing::run_python(testing::reference_script("classify.py"), {"lof", dir.string(), "20"});
  ASSERT_EQ(run.status, 0) << run.output;
  auto want = testing::read_numbers(dir / "lof.txt");
  auto neighbours = knn_search_self(x.view(), {.k = 20, .metric = KnnMetric::kL2, .threads = 2});
  ASSERT_TRUE(neighbours);
  auto got = lof_scores(*neighbours);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t r = 0; r < got.size(); ++r) EXPECT_NEAR(got[r], want[r], 1e-5 * want[r]) << "row " << r;
}

TEST(KnnDistanceScores, MeanAndKthOfTheNeighbourDistances) {
  Neighbours n{.rows = 2, .k = 3, .ids = {1, 2, 3, 0, 2, 3}, .distances = {1, 2, 6, 0.5f, 0.5f, 2}};
  auto mean = knn_distance_scores(n, KnnDistanceScore::kMean), kth = knn_distance_scores(n, KnnDistanceScore::kKth);
  EXPECT_DOUBLE_EQ(mean[0], 3.0);
  EXPECT_DOUBLE_EQ(mean[1], 1.0);
  EXPECT_DOUBLE_EQ(kth[0], 6.0);
  EXPECT_DOUBLE_EQ(kth[1], 2.0);
}

TEST(RocAuc, MatchesScikitLearnWithTies) {
  core::Rng rng(9);
  std::vector<double> scores(500);
  std::vector<std::uint8_t> flags(500);
  for (std::size_t i = 0; i < scores.size(); ++i) {
    flags[i] = rng.uniform() < 0.1f;
    scores[i] = std::round(10.0 * (rng.uniform() + (flags[i] ? 0.3 : 0.0))) / 10.0;  // coarse: many ties
  }
  auto dir = testing::scratch_dir("roc_auc");
  testing::write_lines(dir / "scores.txt", scores);
  testing::write_lines(dir / "flags.txt", std::vector<int>(flags.begin(), flags.end()));
  auto run = testing::run_python(testing::reference_script("classify.py"), {"auc", dir.string()});
  ASSERT_EQ(run.status, 0) << run.output;
  auto got = roc_auc(scores, flags);
  ASSERT_TRUE(got);
  EXPECT_NEAR(*got, testing::read_numbers(dir / "auc.txt").at(0), 1e-12);
  std::vector<std::uint8_t> none(500, 0);
  EXPECT_FALSE(roc_auc(scores, none));
}

TEST(RocAuc, PerfectAndReversedRankings) {
  std::vector<double> scores = {0.1, 0.2, 0.9, 0.8};
  std::vector<std::uint8_t> flags = {0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(*roc_auc(scores, flags), 1.0);
  std::vector<std::uint8_t> reversed = {1, 1, 0, 0};
  EXPECT_DOUBLE_EQ(*roc_auc(scores, reversed), 0.0);
}

TEST(AnomalyLabels, WordsAndNumbersAndAnErrorNamingTheLine) {
  std::vector<std::string> labels = {"0", "1", "Anomaly", "normal", "outlier", "inlier", "true", "FALSE"};
  auto flags = parse_anomaly_labels(labels);
  ASSERT_TRUE(flags);
  EXPECT_EQ(*flags, (std::vector<std::uint8_t>{0, 1, 1, 0, 1, 0, 1, 0}));
  std::vector<std::string> bad = {"0", "1", "maybe"};
  auto error = parse_anomaly_labels(bad);
  ASSERT_FALSE(error);
  EXPECT_NE(error.error().message.find("line 3: label 'maybe'"), std::string::npos);
}

}  // namespace
}  // namespace semspace
