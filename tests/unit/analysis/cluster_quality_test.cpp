#include "analysis/cluster_quality.hpp"

#include <cmath>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/random.hpp"
#include "io/npy.hpp"
#include "support/python_reference.hpp"
#include "unit/analysis/analysis_test_data.hpp"

namespace semspace {
namespace {

// silhouette_score of scikit-learn (exact, Euclidean) on the given labels.
double reference_silhouette(const std::string& name, const Matrix& x, const std::vector<std::uint32_t>& labels) {
  auto dir = testing::scratch_dir(name);
  EXPECT_TRUE(io::write_npy(x.view(), dir / "x.npy"));
  testing::write_lines(dir / "truth.txt", labels);
  testing::write_lines(dir / "ours.txt", labels);
  auto run = testing::run_python(testing::reference_script("clustering.py"), {dir.string(), "2", "1", "0"});
  EXPECT_EQ(run.status, 0) << run.output;
  auto v = testing::read_numbers(dir / "silhouette.txt");
  return v.size() == 1 ? v[0] : std::nan("");
}

// Arbitrary labels (not k-means output) on data far from the origin, with a singleton cluster: the cases where
// the distance expansion cancels and where a row is alone.
TEST(Silhouette, MatchesScikitLearnOnRandomLabels) {
  auto blobs = testing::make_blobs(401, 6, 4, 1.0, 3.0, 17);
  for (std::size_t r = 0; r < blobs.x.rows(); ++r) {
    for (auto& v : blobs.x.row(r)) v += 100.0f;
  }
  core::Rng rng(4);
  std::vector<std::uint32_t> labels = blobs.truth;
  for (std::size_t r = 0; r < labels.size(); r += 5) labels[r] = rng.below(4);  // every 5th row relabelled
  labels[7] = 9;                                                                  // alone in cluster 9
  auto ours = silhouette_score(blobs.x.view(), labels, {.threads = 2});
  ASSERT_TRUE(ours) << ours.error().message;
  EXPECT_NEAR(ours->score, reference_silhouette("SilhouetteRandom", blobs.x, labels), 1e-5);
  EXPECT_EQ(ours->rows_used, 401u);
}

// Above max_exact_rows the score comes from a seeded sample: deterministic, and close to the exact value.
TEST(Silhouette, SampledIsSeededAndCloseToExact) {
  auto blobs = testing::make_blobs(3000, 4, 3, 2.0, 4.0, 5);
  auto exact = silhouette_score(blobs.x.view(), blobs.truth, {.threads = 2});
  SilhouetteOptions sampled_options{.max_exact_rows = 1000, .sample_size = 1000, .seed = 3, .threads = 2};
  auto sampled = silhouette_score(blobs.x.view(), blobs.truth, sampled_options);
  auto again = silhouette_score(blobs.x.view(), blobs.truth, sampled_options);
  sampled_options.seed = 4;
  auto other_seed = silhouette_score(blobs.x.view(), blobs.truth, sampled_options);
  ASSERT_TRUE(exact && sampled && again && other_seed);
  EXPECT_FALSE(exact->sampled);
  EXPECT_TRUE(sampled->sampled);
  EXPECT_EQ(sampled->rows_used, 1000u);
  EXPECT_EQ(sampled->score, again->score);
  EXPECT_NE(sampled->score, other_seed->score);
  EXPECT_NEAR(sampled->score, exact->score, 0.03);
}

TEST(Silhouette, UndefinedCasesAreErrors) {
  Matrix x = testing::correlated_matrix(5, 2, 1);
  std::vector<std::uint32_t> one_cluster(5, 0), each_alone = {0, 1, 2, 3, 4}, short_labels = {0, 1};
  auto single = silhouette_score(x.view(), one_cluster);
  ASSERT_FALSE(single);
  EXPECT_EQ(single.error().message, "the silhouette needs between 2 and n - 1 clusters; the 5 rows fall into 1");
  EXPECT_FALSE(silhouette_score(x.view(), each_alone));
  auto mismatch = silhouette_score(x.view(), short_labels);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().message, "2 labels for 5 rows: silhouette needs one label per row");
}

TEST(Purity, HandCheckedCases) {
  std::vector<std::uint32_t> clusters = {0, 0, 0, 1, 1, 2};
  std::vector<std::string> classes = {"a", "a", "b", "b", "b", "c"};
  auto purity = cluster_purity(clusters, classes);
  ASSERT_TRUE(purity);
  EXPECT_DOUBLE_EQ(*purity, 5.0 / 6.0);  // cluster 0: 2 of a; cluster 1: 2 of b; cluster 2: 1 of c
  std::vector<std::uint32_t> one(6, 0);
  EXPECT_DOUBLE_EQ(*cluster_purity(one, classes), 3.0 / 6.0);  // b is the majority of the only cluster
  std::vector<std::uint32_t> each = {0, 1, 2, 3, 4, 5};
  EXPECT_DOUBLE_EQ(*cluster_purity(each, classes), 1.0);
  auto mismatch = cluster_purity(std::span(clusters).first(4), classes);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().message, "4 cluster labels but 6 class labels: purity needs one of each per row");
  EXPECT_FALSE(cluster_purity({}, {}));
}

}  // namespace
}  // namespace semspace
