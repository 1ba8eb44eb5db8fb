#include "analysis/pca.hpp"

#include <cmath>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "io/npy.hpp"
#include "support/python_reference.hpp"
#include "unit/analysis/analysis_test_data.hpp"

namespace semspace {
namespace {

double dot(std::span<const float> a, std::span<const double> b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

struct Shape {
  std::size_t rows, cols;
  int components;
  PcaSolver solver;
};

class PcaReferenceTest : public ::testing::TestWithParam<Shape> {};

// Components (up to sign), explained variance, ratio, mean and projections of new rows against scikit-learn's
// full-SVD PCA in float64 on data of odd shapes, including fewer rows than columns and components == dim.
TEST_P(PcaReferenceTest, MatchesScikitLearn) {
  const Shape shape = GetParam();
  auto dir = testing::scratch_dir(fmt::format("Pca{}x{}k{}", shape.rows, shape.cols, shape.components));
  Matrix x = testing::correlated_matrix(shape.rows, shape.cols, shape.rows * 31 + shape.cols);
  Matrix fresh = testing::correlated_matrix(9, shape.cols, 5 + shape.cols);
  ASSERT_TRUE(io::write_npy(x.view(), dir / "x.npy"));
  ASSERT_TRUE(io::write_npy(fresh.view(), dir / "new.npy"));
  auto run = testing::run_python(testing::reference_script("pca.py"), {dir.string(), fmt::format("{}", shape.components)});
  ASSERT_EQ(run.status, 0) << run.output;

  auto model = fit_pca(x.view(), {.components = shape.components, .solver = shape.solver, .threads = 2});
  ASSERT_TRUE(model) << model.error().message;
  ASSERT_EQ(model->components(), shape.components);
  ASSERT_EQ(model->dim(), static_cast<int>(shape.cols));

  auto components = testing::read_numbers(dir / "components.txt");
  auto variance = testing::read_numbers(dir / "explained_variance.txt");
  auto ratio = testing::read_numbers(dir / "explained_variance_ratio.txt");
  auto projected = testing::read_numbers(dir / "projected.txt");
  auto mean = testing::read_numbers(dir / "mean.txt");
  ASSERT_EQ(components.size(), shape.cols * shape.components);
  ASSERT_EQ(projected.size(), fresh.rows() * shape.components);

  for (std::size_t c = 0; c < shape.cols; ++c) EXPECT_NEAR(model->mean()[c], mean[c], 1e-5 * (1 + std::fabs(mean[c])));
  const auto ours_ratio = model->explained_variance_ratio();
  auto projection = model->transform(fresh.view());
  ASSERT_TRUE(projection);
  for (int i = 0; i < shape.components; ++i) {
    std::span<const double> reference(components.data() + i * shape.cols, shape.cols);
    auto ours = model->component_matrix().row(i);
    const double sign = dot(ours, reference) < 0 ? -1.0 : 1.0;
    for (std::size_t c = 0; c < shape.cols; ++c) EXPECT_NEAR(ours[c], sign * reference[c], 1e-4) << "component " << i;
    EXPECT_NEAR(model->explained_variance()[i], variance[i], 1e-4 * variance[0]) << "component " << i;
    EXPECT_NEAR(ours_ratio[i], ratio[i], 1e-5) << "component " << i;
    for (std::size_t r = 0; r < fresh.rows(); ++r) {
      const double expected = sign * projected[r * shape.components + i];
      EXPECT_NEAR(projection->row(r)[i], expected, 1e-4 * (1 + std::fabs(expected))) << "row " << r;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(OddShapes, PcaReferenceTest,
                         ::testing::Values(Shape{37, 5, 3, PcaSolver::kExact}, Shape{203, 17, 4, PcaSolver::kExact},
                                           Shape{13, 29, 5, PcaSolver::kExact}, Shape{501, 3, 3, PcaSolver::kExact},
                                           Shape{1000, 67, 11, PcaSolver::kExact},
                                           // a fast-decaying spectrum is where the sketch is exact to rounding
                                           Shape{1500, 61, 3, PcaSolver::kRandomized}));

// Low rank plus noise: the randomized solver finds the same subspace and variances as the exact one.
TEST(Pca, RandomizedMatchesExactOnLowRankPlusNoise) {
  const std::size_t n = 3000, d = 90, rank = 6;
  core::Rng rng(11);
  Matrix basis(rank, d);
  for (std::size_t i = 0; i < basis.size(); ++i) basis.data()[i] = static_cast<float>(testing::gaussian(rng));
  Matrix x(n, d);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t j = 0; j < rank; ++j) {
      const float weight = static_cast<float>(testing::gaussian(rng) * (10.0 - j));
      for (std::size_t c = 0; c < d; ++c) x.row(r)[c] += weight * basis.row(j)[c];
    }
    for (std::size_t c = 0; c < d; ++c) x.row(r)[c] += static_cast<float>(0.05 * testing::gaussian(rng)) + 1.0f;
  }
  auto exact = fit_pca(x.view(), {.components = 4, .solver = PcaSolver::kExact, .threads = 2});
  auto sketch = fit_pca(x.view(), {.components = 4, .solver = PcaSolver::kRandomized, .seed = 7, .threads = 2});
  ASSERT_TRUE(exact && sketch);
  EXPECT_EQ(sketch->solver(), PcaSolver::kRandomized);
  for (int i = 0; i < 4; ++i) {
    double agreement = 0;
    for (std::size_t c = 0; c < d; ++c) agreement += exact->component_matrix().row(i)[c] * sketch->component_matrix().row(i)[c];
    EXPECT_GT(agreement, 1 - 1e-5) << "component " << i;  // same sign convention, so no absolute value
    EXPECT_NEAR(sketch->explained_variance()[i], exact->explained_variance()[i], 1e-4 * exact->explained_variance()[i]);
  }
  EXPECT_NEAR(sketch->total_variance(), exact->total_variance(), 1e-6 * exact->total_variance());
}

TEST(Pca, AutoSketchesOnlyWhenCheaper) {
  EXPECT_EQ(choose_pca_solver(1000, 100, {.components = 2}), PcaSolver::kExact);
  EXPECT_EQ(choose_pca_solver(100'000, 768, {.components = 2}), PcaSolver::kExact);   // the Gram product is cheap
  EXPECT_EQ(choose_pca_solver(20'000, 4096, {.components = 2}), PcaSolver::kRandomized);  // d^3 dominates
  EXPECT_EQ(choose_pca_solver(20'000, 4096, {.components = 1500}), PcaSolver::kExact);    // sketch too wide
  EXPECT_EQ(choose_pca_solver(20'000, 4096, {.components = 2, .solver = PcaSolver::kExact}), PcaSolver::kExact);
  EXPECT_EQ(choose_pca_solver(10, 3, {.components = 2, .solver = PcaSolver::kRandomized}), PcaSolver::kRandomized);
}

TEST(Pca, SignConventionAndDeterminism) {
  Matrix x = testing::correlated_matrix(300, 12, 3);
  auto one = fit_pca(x.view(), {.components = 5, .threads = 1});
  auto again = fit_pca(x.view(), {.components = 5, .threads = 1});
  auto three = fit_pca(x.view(), {.components = 5, .threads = 3});
  ASSERT_TRUE(one && again && three);
  const auto& c1 = one->component_matrix();
  for (std::size_t i = 0; i < c1.size(); ++i) {
    EXPECT_EQ(c1.data()[i], again->component_matrix().data()[i]);
    EXPECT_NEAR(c1.data()[i], three->component_matrix().data()[i], 1e-5);
  }
  for (std::size_t i = 0; i < c1.rows(); ++i) {
    float largest = 0;
    for (float v : c1.row(i)) {
      if (std::fabs(v) > std::fabs(largest)) largest = v;
    }
    EXPECT_GT(largest, 0) << "component " << i;
  }
}

TEST(Pca, InverseTransformReconstructsWithAllComponents) {
  Matrix x = testing::correlated_matrix(50, 6, 9);
  auto model = fit_pca(x.view(), {.components = 6});
  ASSERT_TRUE(model);
  auto y = model->transform(x.view());
  ASSERT_TRUE(y);
  auto back = model->inverse_transform(y->view());
  ASSERT_TRUE(back);
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(back->data()[i], x.data()[i], 1e-4 * (1 + std::fabs(x.data()[i])));
  double ratio_sum = 0;
  for (double r : model->explained_variance_ratio()) ratio_sum += r;
  EXPECT_NEAR(ratio_sum, 1.0, 1e-6);
}

TEST(Pca, SaveLoadRoundTripAndCorruption) {
  auto dir = testing::scratch_dir("PcaFile");
  Matrix x = testing::correlated_matrix(80, 7, 4);
  auto model = fit_pca(x.view(), {.components = 3});
  ASSERT_TRUE(model);
  const auto path = dir / "model.pca";
  ASSERT_TRUE(save_pca(*model, path));
  auto loaded = load_pca(path);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->dim(), 7);
  EXPECT_EQ(loaded->components(), 3);
  EXPECT_EQ(loaded->samples(), 80u);
  EXPECT_EQ(loaded->explained_variance(), model->explained_variance());
  EXPECT_EQ(loaded->total_variance(), model->total_variance());
  auto a = model->transform(x.view());
  auto b = loaded->transform(x.view());
  ASSERT_TRUE(a && b);
  for (std::size_t i = 0; i < a->size(); ++i) EXPECT_EQ(a->data()[i], b->data()[i]);

  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto load_bytes = [](const std::string& data) {
    return load_pca(std::as_bytes(std::span(data.data(), data.size())), "model.pca");
  };
  std::string flipped = bytes;
  flipped[60] ^= 0x10;
  auto bad = load_bytes(flipped);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "model.pca: checksum mismatch (file corrupted)");
  auto cut = load_bytes(bytes.substr(0, bytes.size() - 5));
  ASSERT_FALSE(cut);
  EXPECT_NE(cut.error().message.find("but the file has"), std::string::npos) << cut.error().message;
  auto magic = load_bytes("XXPCA001" + bytes.substr(8));
  ASSERT_FALSE(magic);
  EXPECT_NE(magic.error().message.find("bad magic"), std::string::npos);
  EXPECT_FALSE(load_bytes(""));
  auto missing = load_pca(dir / "absent.pca");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
}

TEST(Pca, BadInputIsAClearError) {
  Matrix x = testing::correlated_matrix(10, 4, 1);
  auto too_many = fit_pca(x.view(), {.components = 5});
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(too_many.error().message.find("5 components asked of 10 rows of dimension 4"), std::string::npos);

  Matrix one_row(1, 4);
  EXPECT_FALSE(fit_pca(one_row.view(), {.components = 1}));
  EXPECT_FALSE(fit_pca(Matrix().view(), {.components = 1}));
  EXPECT_FALSE(fit_pca(x.view(), {.components = 0}));

  Matrix nan_row = x.clone();
  nan_row.row(6)[2] = std::nanf("");
  auto nan = fit_pca(nan_row.view(), {.components = 2});
  ASSERT_FALSE(nan);
  EXPECT_EQ(nan.error().message, "PCA input: row 6, column 2 is NaN");

  Matrix constant(5, 3);
  for (std::size_t i = 0; i < constant.size(); ++i) constant.data()[i] = 2.5f;
  auto flat = fit_pca(constant.view(), {.components = 1});
  ASSERT_FALSE(flat);
  EXPECT_NE(flat.error().message.find("zero variance"), std::string::npos);

  auto model = fit_pca(x.view(), {.components = 2});
  ASSERT_TRUE(model);
  Matrix wrong(3, 5);
  auto mismatch = model->transform(wrong.view());
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().message, "vectors have dimension 5 but the PCA model was fitted on dimension 4");
}

// A constant column carries no variance: its loadings are zero and the rest is unaffected.
TEST(Pca, ConstantColumnGetsZeroLoadings) {
  Matrix x = testing::correlated_matrix(60, 5, 8);
  for (std::size_t r = 0; r < x.rows(); ++r) x.row(r)[2] = 7.0f;
  auto model = fit_pca(x.view(), {.components = 3});
  ASSERT_TRUE(model);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(model->component_matrix().row(i)[2], 0.0f, 1e-6);
}

}  // namespace
}  // namespace semspace
