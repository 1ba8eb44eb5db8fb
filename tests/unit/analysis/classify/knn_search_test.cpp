#include "analysis/classify/knn_search.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

#include "analysis/classify/knn_vote.hpp"
#include "io/npy.hpp"
#include "support/python_reference.hpp"
#include "unit/analysis/analysis_test_data.hpp"

namespace semspace {
namespace {

Matrix gaussian_matrix(std::size_t n, std::size_t d, std::uint64_t seed) {
  core::Rng rng(seed);
  Matrix x(n, d);
  for (std::size_t r = 0; r < n; ++r) {
    for (auto& v : x.row(r)) v = static_cast<float>(testing::gaussian(rng));
  }
  return x;
}

// The slow scalar oracle: every distance in double, sorted by (distance, id).
std::vector<std::pair<double, std::uint32_t>> scalar_knn(std::span<const float> q, const Matrix& ref, KnnMetric metric,
                                                         std::size_t skip) {
  std::vector<std::pair<double, std::uint32_t>> all;
  for (std::size_t r = 0; r < ref.rows(); ++r) {
    if (r == skip) continue;
    double dot = 0, qq = 0, xx = 0, l2 = 0;
    for (std::size_t c = 0; c < q.size(); ++c) {
      const double a = q[c], b = ref.row(r)[c];
      dot += a * b, qq += a * a, xx += b * b, l2 += (a - b) * (a - b);
    }
    const double d = metric == KnnMetric::kL2 ? std::sqrt(l2) : 1.0 - (qq > 0 && xx > 0 ? dot / std::sqrt(qq * xx) : 0.0);
    all.emplace_back(d, static_cast<std::uint32_t>(r));
  }
  std::sort(all.begin(), all.end());
  return all;
}

void expect_matches_scalar(const Neighbours& got, const Matrix& q, const Matrix& ref, KnnMetric metric, bool self) {
  ASSERT_EQ(got.rows, q.rows());
  for (std::size_t i = 0; i < q.rows(); ++i) {
    auto want = scalar_knn(q.row(i), ref, metric, self ? i : ref.rows());
    for (std::size_t j = 0; j < got.k; ++j) {
      EXPECT_NEAR(got.distances_of(i)[j], want[j].first, 1e-4) << "query " << i << " rank " << j;
      // Ids must agree wherever the distance is not (nearly) tied with the next or previous one.
      const bool tied = (j > 0 && want[j].first - want[j - 1].first < 1e-4) ||
                        (j + 1 < want.size() && want[j + 1].first - want[j].first < 1e-4);
      if (!tied) {
        EXPECT_EQ(got.ids_of(i)[j], want[j].second) << "query " << i << " rank " << j;
      }
    }
  }
}

TEST(KnnSearch, MatchesScalarReferenceL2AndCosine) {
  // Sizes past one query block and one candidate block, an odd dimension, rows far from the origin.
  Matrix ref = gaussian_matrix(700, 13, 1), q = gaussian_matrix(130, 13, 2);
  for (std::size_t r = 0; r < ref.rows(); ++r) ref.row(r)[0] += 30.0f;
  for (auto metric : {KnnMetric::kL2, KnnMetric::kCosine}) {
    auto got = knn_search(q.view(), ref.view(), {.k = 7, .metric = metric, .threads = 2});
    ASSERT_TRUE(got) << got.error().message;
    expect_matches_scalar(*got, q, ref, metric, false);
  }
}

TEST(KnnSearch, SelfSearchSkipsTheRowButKeepsItsDuplicates) {
  Matrix x = gaussian_matrix(60, 4, 3);
  std::copy(x.row(5).begin(), x.row(5).end(), x.row(9).begin());  // row 9 duplicates row 5
  auto got = knn_search_self(x.view(), {.k = 3, .metric = KnnMetric::kL2, .threads = 2});
  ASSERT_TRUE(got) << got.error().message;
  expect_matches_scalar(*got, x, x, KnnMetric::kL2, true);
  for (std::size_t r = 0; r < x.rows(); ++r) {
    for (auto id : got->ids_of(r)) EXPECT_NE(id, r);
  }
  EXPECT_EQ(got->ids_of(5)[0], 9u);
  EXPECT_EQ(got->distances_of(5)[0], 0.0f);
  EXPECT_EQ(got->ids_of(9)[0], 5u);
}

TEST(KnnSearch, SameResultOnOneOrThreeThreads) {
  Matrix x = gaussian_matrix(500, 8, 4);
  auto one = knn_search_self(x.view(), {.k = 5, .threads = 1});
  std::atomic<std::size_t> reports{0}, most{0};
  auto three = knn_search_self(x.view(), {.k = 5, .threads = 3, .on_progress = [&](std::size_t done) {
                                            ++reports;
                                            std::size_t seen = most.load();
                                            while (done > seen && !most.compare_exchange_weak(seen, done)) {
                                            }
                                          }});
  ASSERT_TRUE(one && three);
  EXPECT_EQ(reports.load(), 3u);  // 500 rows in tasks of 192: three reports, the last one for all rows
  EXPECT_EQ(most.load(), 500u);
  EXPECT_EQ(one->ids, three->ids);
  EXPECT_EQ(one->distances, three->distances);
}

TEST(KnnSearch, RejectsKOutOfRangeAndDimensionMismatch) {
  Matrix x = gaussian_matrix(5, 3, 5), q = gaussian_matrix(2, 4, 6);
  auto self = knn_search_self(x.view(), {.k = 5});
  ASSERT_FALSE(self);
  EXPECT_NE(self.error().message.find("k = 5 must be at least 1 and below the number of rows (5)"), std::string::npos);
  EXPECT_FALSE(knn_search(x.view(), x.view(), {.k = 0}));
  EXPECT_FALSE(knn_search(x.view(), x.view(), {.k = 6}));
  EXPECT_TRUE(knn_search(x.view(), x.view(), {.k = 5}));
  auto mismatch = knn_search(q.view(), x.view(), {.k = 1});
  ASSERT_FALSE(mismatch);
  EXPECT_NE(mismatch.error().message.find("dimension 4"), std::string::npos);
}

TEST(KnnVote, MatchesScikitLearnUniformAndDistanceWeighted) {
  auto blobs = testing::make_blobs(300, 5, 4, 3.0, 2.0, 8);  // overlapping: votes are split
  Matrix q = gaussian_matrix(120, 5, 9);
  for (std::size_t r = 0; r < q.rows(); ++r) {
    for (auto& v : q.row(r)) v *= 6.0f;
  }
  auto dir = testing::scratch_dir("knn_vote");
  ASSERT_TRUE(io::write_npy(blobs.x.view(), dir / "x.npy"));
  ASSERT_TRUE(io::write_npy(q.view(), dir / "q.npy"));
  testing::write_lines(dir / "y.txt", blobs.truth);
  auto run = testing::run_python(testing::reference_script("classify.py"), {"knn", dir.string(), "10"});
  ASSERT_EQ(run.status, 0) << run.output;
  auto neighbours = knn_search(q.view(), blobs.x.view(), {.k = 10, .metric = KnnMetric::kL2, .threads = 2});
  ASSERT_TRUE(neighbours);
  for (bool weighted : {false, true}) {
    auto votes = knn_vote(*neighbours, blobs.truth, 4, weighted);
    auto want = testing::read_numbers(dir / (weighted ? "knn_distance.txt" : "knn_uniform.txt"));
    ASSERT_EQ(want.size(), q.rows());
    for (std::size_t i = 0; i < q.rows(); ++i) EXPECT_EQ(votes.predicted[i], want[i]) << "query " << i << " weighted " << weighted;
  }
}

TEST(KnnVote, TiesGoToTheSmallerClassAndSharesSumToOne) {
  Neighbours n{.rows = 1, .k = 4, .ids = {0, 1, 2, 3}, .distances = {1, 1, 1, 1}};
  std::vector<std::uint32_t> classes = {2, 1, 2, 1};
  auto votes = knn_vote(n, classes, 3, false);
  EXPECT_EQ(votes.predicted[0], 1u);
  EXPECT_DOUBLE_EQ(votes.proba[0], 0.0);
  EXPECT_DOUBLE_EQ(votes.proba[1], 0.5);
  EXPECT_DOUBLE_EQ(votes.proba[2], 0.5);
  // Weighted: a neighbour at distance 0 outvotes the rest.
  Neighbours exact{.rows = 1, .k = 3, .ids = {0, 1, 3}, .distances = {0, 0.1f, 0.1f}};
  EXPECT_EQ(knn_vote(exact, classes, 3, true).predicted[0], 2u);
  EXPECT_EQ(knn_vote(exact, classes, 3, false).predicted[0], 1u);
}

}  // namespace
}  // namespace semspace
