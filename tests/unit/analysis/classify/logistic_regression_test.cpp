#include "analysis/classify/logistic_regression.hpp"

#include <cmath>

#include <gtest/gtest.h>

#include "analysis/classify/lbfgs.hpp"
#include "io/npy.hpp"
#include "support/python_reference.hpp"
#include "unit/analysis/analysis_test_data.hpp"

namespace semspace {
namespace {

TEST(Lbfgs, MinimisesRosenbrock) {
  // f = sum (1 - x_i)^2 + 100 (x_{i+1} - x_i^2)^2, minimum 0 at (1, ..., 1); curved valley, poor scaling.
  auto f = [](std::span<const double> x, std::span<double> g) {
    double value = 0;
    std::fill(g.begin(), g.end(), 0.0);
    for (std::size_t i = 0; i + 1 < x.size(); ++i) {
      const double a = 1 - x[i], b = x[i + 1] - x[i] * x[i];
      value += a * a + 100 * b * b;
      g[i] += -2 * a - 400 * b * x[i];
      g[i + 1] += 200 * b;
    }
    return value;
  };
  std::vector<double> x = {-1.2, 1.0, -1.2, 1.0, 0.5};
  auto result = minimize_lbfgs(f, x, {.max_iter = 500, .gtol = 1e-9, .ftol = 0});
  EXPECT_TRUE(result.converged);
  for (double v : x) EXPECT_NEAR(v, 1.0, 1e-6);
  EXPECT_LT(result.value, 1e-12);
}

TEST(Lbfgs, StepIntoANonFiniteRegionIsShortened) {
  // f = (x - 0.5)^2 where it is defined (x <= 0.8), NaN beyond: the first trial step (to x = 1) lands in the NaN
  // region, which the line search must treat as too far, not walk on from.
  auto f = [](std::span<const double> x, std::span<double> g) {
    if (x[0] > 0.8) {
      g[0] = std::nan("");
      return std::nan("");
    }
    g[0] = 2 * (x[0] - 0.5);
    return (x[0] - 0.5) * (x[0] - 0.5);
  };
  std::vector<double> x = {0.0};
  auto result = minimize_lbfgs(f, x, {.max_iter = 100, .gtol = 1e-10, .ftol = 0});
  EXPECT_TRUE(result.converged);
  EXPECT_NEAR(x[0], 0.5, 1e-8);
}

TEST(Lbfgs, ReachesAGradientWhoseDecreaseIsBelowTheRoundingOfF) {
  // f = 1000 + sum lambda_i x_i^2 / 2, curvatures 1e-4 .. 1: at |grad| ~ 1e-12 a step lowers f by ~1e-20, far
  // below f's rounding (~1e-13), so only a line search that reads slopes there can still make progress.
  const std::size_t n = 20;
  std::vector<double> lambda(n);
  for (std::size_t i = 0; i < n; ++i) lambda[i] = std::pow(10.0, -4.0 * static_cast<double>(i) / (n - 1));
  auto f = [&](std::span<const double> x, std::span<double> g) {
    double value = 1000;
    for (std::size_t i = 0; i < n; ++i) {
      value += 0.5 * lambda[i] * x[i] * x[i];
      g[i] = lambda[i] * x[i];
    }
    return value;
  };
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) x[i] = std::cos(static_cast<double>(i));
  auto result = minimize_lbfgs(f, x, {.max_iter = 1000, .gtol = 1e-12, .ftol = 0});
  EXPECT_TRUE(result.converged);
  for (std::size_t i = 0; i < n; ++i) EXPECT_NEAR(x[i], 0.0, 1e-12 / lambda[i]) << i;
}

struct Fitted {
  std::vector<double> coef, intercept, proba;       // scikit-learn's solution
  double loss = 0;                                  // the objective there
  std::vector<double> exact_coef, exact_intercept, exact_proba;  // the optimum, polished by SciPy (see classify.py)
};

Fitted sklearn_logistic(const std::string& name, const Matrix& x, const std::vector<std::uint32_t>& y, double C) {
  auto dir = testing::scratch_dir(name);
  EXPECT_TRUE(io::write_npy(x.view(), dir / "x.npy"));
  testing::write_lines(dir / "y.txt", y);
  auto run = testing::run_python(testing::reference_script("classify.py"), {"logistic", dir.string(), std::to_string(C)});
  EXPECT_EQ(run.status, 0) << run.output;
  auto loss = testing::read_numbers(dir / "loss.txt");
  return {testing::read_numbers(dir / "coef.txt"), testing::read_numbers(dir / "intercept.txt"),
          testing::read_numbers(dir / "proba.txt"), loss.empty() ? std::nan("") : loss[0],
          testing::read_numbers(dir / "exact_coef.txt"), testing::read_numbers(dir / "exact_intercept.txt"),
          testing::read_numbers(dir / "exact_proba.txt")};
}

// The intercepts of a softmax are defined up to a common shift (it is unpenalised): compare them centred.
std::vector<double> centred(std::vector<double> v) {
  double mean = 0;
  for (double x : v) mean += x / static_cast<double>(v.size());
  for (auto& x : v) x -= mean;
  return v;
}

TEST(LogisticRegression, MatchesScikitLearnCoefficientsAndProbabilities) {
  // Overlapping blobs (so the penalty matters), 4 classes, an offset column, two values of C.
  auto blobs = testing::make_blobs(400, 6, 4, 4.0, 3.0, 21);
  for (double C : {0.05, 1.0}) {
    auto want = sklearn_logistic("logistic_sklearn", blobs.x, blobs.truth, C);
    // The gradient rule alone (ftol 0): this problem's weakest curvature is ~1.5e-4 (the intercepts of nearly
    // separated classes), so only a gradient near 1e-10 pins the solution to 1e-6; the relative-decrease rule
    // can stop at a gradient of a few 1e-9, ~3e-5 away, depending on rounding in the BLAS.
    auto model = fit_logistic(blobs.x.view(), blobs.truth, 4,
                              {.C = C, .max_iter = 10000, .tol = 1e-10, .ftol = 0, .threads = 2});
    ASSERT_TRUE(model) << model.error().message;
    EXPECT_TRUE(model->converged);
    // Tightly against the exact optimum; scikit-learn's own stopping point is a little short of it (its
    // largest gradient component is ~1e-6), so against it: probabilities to 5e-4, and our objective no higher.
    ASSERT_EQ(want.exact_coef.size(), model->coef.size());
    for (std::size_t i = 0; i < model->coef.size(); ++i) {
      EXPECT_NEAR(model->coef[i], want.exact_coef[i], 1e-5) << "C " << C << " coef " << i;
    }
    auto ours_b = centred(model->intercept), want_b = centred(want.exact_intercept);
    for (std::size_t c = 0; c < 4; ++c) EXPECT_NEAR(ours_b[c], want_b[c], 1e-5) << "C " << C << " intercept " << c;
    auto proba = model->predict_proba(blobs.x.view(), 2);
    ASSERT_EQ(want.proba.size(), proba.size());
    for (std::size_t i = 0; i < proba.size(); ++i) {
      EXPECT_NEAR(proba[i], want.exact_proba[i], 1e-6) << "C " << C << " proba " << i;
      EXPECT_NEAR(proba[i], want.proba[i], 5e-4) << "C " << C << " proba " << i;
    }
    EXPECT_LE(model->loss, want.loss + 1e-12);
  }
}

TEST(LogisticRegression, BinaryProblemIsFittedAsMultinomial) {
  auto blobs = testing::make_blobs(200, 3, 2, 3.0, 2.0, 5);
  auto want = sklearn_logistic("logistic_binary", blobs.x, blobs.truth, 1.0);
  auto model = fit_logistic(blobs.x.view(), blobs.truth, 2, {.C = 1.0, .max_iter = 10000, .tol = 1e-10, .ftol = 0});
  ASSERT_TRUE(model);
  auto proba = model->predict_proba(blobs.x.view());
  for (std::size_t i = 0; i < proba.size(); ++i) EXPECT_NEAR(proba[i], want.exact_proba[i], 1e-6);
}

TEST(LogisticRegression, StandardizingGivesTheModelOfStandardizedInputs) {
  auto blobs = testing::make_blobs(300, 4, 3, 2.0, 3.0, 6);
  for (std::size_t r = 0; r < blobs.x.rows(); ++r) {
    blobs.x.row(r)[1] = blobs.x.row(r)[1] * 50.0f + 7.0f;  // one wide, offset column
    blobs.x.row(r)[3] = 2.0f;                               // one constant column
  }
  auto scaled = fit_logistic(blobs.x.view(), blobs.truth, 3, {.max_iter = 5000, .tol = 1e-10, .standardize = true});
  ASSERT_TRUE(scaled);
  // The same fit by hand: standardise, fit, predict on standardised inputs.
  Matrix z(blobs.x.rows(), 4);
  for (std::size_t c = 0; c < 4; ++c) {
    double mean = 0, var = 0;
    for (std::size_t r = 0; r < z.rows(); ++r) mean += blobs.x.row(r)[c] / static_cast<double>(z.rows());
    for (std::size_t r = 0; r < z.rows(); ++r) var += std::pow(blobs.x.row(r)[c] - mean, 2) / static_cast<double>(z.rows());
    const double sd = var > 0 ? std::sqrt(var) : 1.0;
    for (std::size_t r = 0; r < z.rows(); ++r) z.row(r)[c] = static_cast<float>((blobs.x.row(r)[c] - mean) / sd);
  }
  auto plain = fit_logistic(z.view(), blobs.truth, 3, {.max_iter = 5000, .tol = 1e-10});
  ASSERT_TRUE(plain);
  auto a = scaled->predict_proba(blobs.x.view()), b = plain->predict_proba(z.view());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-5);
}

TEST(LogisticRegression, DigitsAccuracyWithinAPointOfScikitLearn) {
  auto dir = testing::scratch_dir("logistic_digits");
  auto run = testing::run_python(testing::reference_script("classify.py"), {"digits", dir.string()});
  ASSERT_EQ(run.status, 0) << run.output;
  auto train_x = io::read_npy_matrix(dir / "train_x.npy"), test_x = io::read_npy_matrix(dir / "test_x.npy");
  ASSERT_TRUE(train_x && test_x);
  auto to_classes = [](const std::vector<double>& v) { return std::vector<std::uint32_t>(v.begin(), v.end()); };
  auto train_y = to_classes(testing::read_numbers(dir / "train_y.txt"));
  auto test_y = to_classes(testing::read_numbers(dir / "test_y.txt"));
  auto model = fit_logistic(train_x->view(), train_y, 10, {.C = 1.0, .max_iter = 1000, .threads = 2});
  ASSERT_TRUE(model);
  auto predicted = model->predict(test_x->view(), 2);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < test_y.size(); ++i) correct += predicted[i] == test_y[i];
  const double accuracy = static_cast<double>(correct) / static_cast<double>(test_y.size());
  const double sklearn = testing::read_numbers(dir / "accuracy.txt").at(0);
  EXPECT_NEAR(accuracy, sklearn, 0.01);
  EXPECT_GT(accuracy, 0.9);
}

TEST(LogisticRegression, RejectsOneClassBadOptionsAndNaN) {
  auto blobs = testing::make_blobs(20, 2, 2, 1.0, 3.0, 7);
  std::vector<std::uint32_t> one_class(20, 1);
  auto single = fit_logistic(blobs.x.view(), one_class, 2, {});
  ASSERT_FALSE(single);
  EXPECT_NE(single.error().message.find("at least 2 classes"), std::string::npos);
  EXPECT_FALSE(fit_logistic(blobs.x.view(), blobs.truth, 2, {.C = 0}));
  EXPECT_FALSE(fit_logistic(blobs.x.view(), std::span(blobs.truth).first(19), 2, {}));
  blobs.x.row(3)[1] = std::nanf("");
  auto nan = fit_logistic(blobs.x.view(), blobs.truth, 2, {});
  ASSERT_FALSE(nan);
  EXPECT_NE(nan.error().message.find("row 3, column 1 is NaN"), std::string::npos);
}

}  // namespace
}  // namespace semspace
