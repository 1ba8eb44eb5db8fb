#include "analysis/classify/logistic_regression.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "analysis/classify/lbfgs.hpp"
#include "analysis/row_blocks.hpp"
#include "core/kernels/gemm.hpp"

namespace semspace {

Status LogisticOptions::validate() const {
  if (!(C > 0) || !std::isfinite(C)) return make_error(ErrorCode::kInvalidArgument, fmt::format("C = {} must be a positive number", C));
  if (max_iter < 1) return make_error(ErrorCode::kInvalidArgument, fmt::format("max_iter = {} must be at least 1", max_iter));
  if (!(tol >= 0)) return make_error(ErrorCode::kInvalidArgument, fmt::format("tol = {} must be non-negative", tol));
  if (!(ftol >= 0)) return make_error(ErrorCode::kInvalidArgument, fmt::format("ftol = {} must be non-negative", ftol));
  return {};
}

namespace {

using kernels::Transpose;
constexpr std::size_t kRowBlock = 1024;

// In place: each row of z (n x c) becomes its softmax. With labels, returns the summed cross-entropy
// log-sum-exp(z_i) - z_i[y_i], formed as (max_i - z_i[y_i]) + log(sum_j exp(z_ij - max_i)): the large logits
// cancel exactly within each row (to 0 where the label is the top class) instead of in a sum over all rows,
// which keeps the objective's rounding far below the decreases the line search must still see near the optimum.
double softmax_rows(double* z, std::size_t n, std::size_t c, const std::uint32_t* labels = nullptr) {
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double* row = z + i * c;
    const double top = *std::max_element(row, row + c);
    const double margin = labels ? top - row[labels[i]] : 0.0;
    double sum = 0;
    for (std::size_t j = 0; j < c; ++j) sum += (row[j] = std::exp(row[j] - top));
    for (std::size_t j = 0; j < c; ++j) row[j] /= sum;
    total += margin + std::log(sum);
  }
  return total;
}

// z (n x c) = x rows [begin, end) (d columns, double) * coef^T + intercept
void logits(const std::vector<double>& x, std::size_t d, std::size_t begin, std::size_t end, const double* coef,
            const double* intercept, std::size_t c, double* z) {
  const std::size_t n = end - begin;
  for (std::size_t i = 0; i < n; ++i) std::copy(intercept, intercept + c, z + i * c);
  kernels::gemm_f64(Transpose::kNo, Transpose::kYes, n, c, d, 1.0, x.data() + begin * d, d, coef, d, 1.0, z, c);
}

}  // namespace

std::vector<double> LogisticModel::predict_proba(MatrixView x, int threads) const {
  SEMSPACE_CHECK(x.cols == dim, "inputs have dimension {}, the model {}", x.cols, dim);
  std::vector<double> proba(x.rows * classes);
  analysis_detail::for_row_blocks(x.rows, kRowBlock, threads, [&](int, std::size_t begin, std::size_t end) {
    std::vector<double> block((end - begin) * dim);
    for (std::size_t r = begin; r < end; ++r) std::copy(x.row(r).begin(), x.row(r).end(), block.begin() + (r - begin) * dim);
    double* z = proba.data() + begin * classes;
    for (std::size_t i = 0; i < end - begin; ++i) std::copy(intercept.begin(), intercept.end(), z + i * classes);
    kernels::gemm_f64(Transpose::kNo, Transpose::kYes, end - begin, classes, dim, 1.0, block.data(), dim, coef.data(),
                      dim, 1.0, z, classes);
    softmax_rows(z, end - begin, classes);
  });
  return proba;
}

std::vector<std::uint32_t> LogisticModel::predict(MatrixView x, int threads) const {
  const auto proba = predict_proba(x, threads);
  std::vector<std::uint32_t> out(x.rows);
  for (std::size_t r = 0; r < x.rows; ++r) {
    const double* p = proba.data() + r * classes;
    out[r] = static_cast<std::uint32_t>(std::max_element(p, p + classes) - p);
  }
  return out;
}

Expected<LogisticModel> fit_logistic(MatrixView x, std::span<const std::uint32_t> y, std::size_t classes,
                                     const LogisticOptions& options) {
  if (auto ok = options.validate(); !ok) return tl::unexpected(ok.error());
  if (y.size() != x.rows) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("{} labels for {} rows", y.size(), x.rows));
  }
  if (auto ok = analysis_detail::check_finite(x, "logistic regression input"); !ok) return tl::unexpected(ok.error());
  std::vector<std::size_t> counts(classes, 0);
  for (auto label : y) {
    SEMSPACE_CHECK(label < classes, "label {} is not below {} classes", label, classes);
    ++counts[label];
  }
  if (std::count_if(counts.begin(), counts.end(), [](std::size_t n) { return n > 0; }) < 2) {
    return make_error(ErrorCode::kInvalidArgument, "logistic regression needs at least 2 classes; the labels hold 1");
  }
  const std::size_t n = x.rows, d = x.cols, c = classes;

  // The design matrix in double (the objective's gradient must be exact beyond float precision to stop at
  // tol like scikit-learn), optionally standardised (population standard deviation; constant columns kept).
  std::vector<double> mean(d, 0.0), scale(d, 1.0);
  if (options.standardize) {
    mean = analysis_detail::column_means(x, options.threads);
    std::vector<double> var(d, 0.0);
    for (std::size_t r = 0; r < n; ++r) {
      auto row = x.row(r);
      for (std::size_t j = 0; j < d; ++j) var[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
    }
    for (std::size_t j = 0; j < d; ++j) scale[j] = var[j] > 0 ? std::sqrt(var[j] / static_cast<double>(n)) : 1.0;
  }
  std::vector<double> xd(n * d);
  for (std::size_t r = 0; r < n; ++r) {
    auto row = x.row(r);
    for (std::size_t j = 0; j < d; ++j) xd[r * d + j] = (row[j] - mean[j]) / scale[j];
  }

  const int used = analysis_detail::threads_for(n, kRowBlock, options.threads);
  const double inv_n = 1.0 / static_cast<double>(n), penalty = 1.0 / (options.C * static_cast<double>(n));
  // Parameters: coef (c x d) then intercept (c). Per-thread partial sums, combined in thread order.
  auto objective = [&](std::span<const double> w, std::span<double> grad) {
    std::vector<std::vector<double>> partial_grad(used, std::vector<double>(c * (d + 1), 0.0));
    std::vector<double> partial_loss(used, 0.0);
    analysis_detail::for_row_blocks(n, kRowBlock, used, [&](int t, std::size_t begin, std::size_t end) {
      const std::size_t m = end - begin;
      std::vector<double> z(m * c);
      logits(xd, d, begin, end, w.data(), w.data() + c * d, c, z.data());
      const double loss = softmax_rows(z.data(), m, c, y.data() + begin);
      // z now holds probabilities; minus the one-hot targets it is the gradient of CE with respect to the logits.
      for (std::size_t i = 0; i < m; ++i) z[i * c + y[begin + i]] -= 1.0;
      auto& g = partial_grad[t];
      kernels::gemm_f64(Transpose::kYes, Transpose::kNo, c, d, m, 1.0, z.data(), c, xd.data() + begin * d, d, 1.0,
                        g.data(), d);
      for (std::size_t i = 0; i < m; ++i) {
        for (std::size_t j = 0; j < c; ++j) g[c * d + j] += z[i * c + j];
      }
      partial_loss[t] += loss;
    });
    double loss = 0;
    std::fill(grad.begin(), grad.end(), 0.0);
    for (int t = 0; t < used; ++t) {
      loss += partial_loss[t];
      for (std::size_t i = 0; i < grad.size(); ++i) grad[i] += partial_grad[t][i];
    }
    loss *= inv_n;
    for (auto& g : grad) g *= inv_n;
    double norm2 = 0;
    for (std::size_t i = 0; i < c * d; ++i) {
      norm2 += w[i] * w[i];
      grad[i] += penalty * w[i];
    }
    return loss + 0.5 * penalty * norm2;
  };
  std::vector<double> w(c * (d + 1), 0.0);
  const auto result = minimize_lbfgs(objective, w, {.max_iter = options.max_iter, .gtol = options.tol, .ftol = options.ftol});

  // Back to raw inputs: coef . (x - mean) / scale + b = (coef / scale) . x + (b - sum coef * mean / scale).
  LogisticModel model{.classes = c, .dim = d, .coef = std::vector<double>(c * d), .intercept = std::vector<double>(c),
                      .iterations = result.iterations, .converged = result.converged, .loss = result.value};
  for (std::size_t k = 0; k < c; ++k) {
    double b = w[c * d + k];
    for (std::size_t j = 0; j < d; ++j) {
      model.coef[k * d + j] = w[k * d + j] / scale[j];
      b -= w[k * d + j] * mean[j] / scale[j];
    }
    model.intercept[k] = b;
  }
  return model;
}

}  // namespace semspace
