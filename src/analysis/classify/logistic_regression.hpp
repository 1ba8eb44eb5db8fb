// Multinomial logistic regression: softmax cross-entropy with an L2 penalty on the weights (not the
// intercepts), fitted by L-BFGS. The objective is scikit-learn's: C * sum_i CE_i + 0.5 ||W||^2, minimised (as
// scikit-learn >= 1.1 does) in the scaled form mean CE + ||W||^2 / (2 C n), so tol means what it means there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace {

struct LogisticOptions {
  double C = 1.0;            // inverse regularisation strength (scikit-learn's C)
  int max_iter = 100;        // L-BFGS iterations (scikit-learn's default)
  double tol = 1e-4;         // largest gradient component of the scaled objective at which to stop
  // Also stop when an iteration lowers the objective by less than ftol relative to it (SciPy's rule, at the
  // value scikit-learn passes). It ends a fit whose remaining progress is near rounding, which in weakly curved
  // directions can be before the gradient reaches tol; 0 leaves only the gradient rule.
  double ftol = 64 * 2.220446049250313e-16;
  bool standardize = false;  // fit on columns scaled to zero mean and unit variance (folded back into the weights)
  int threads = 1;
  Status validate() const;
};

/// p(class c | x) = softmax(coef x + intercept)_c. Weights are stored for the raw (unstandardised) inputs.
struct LogisticModel {
  std::size_t classes = 0, dim = 0;
  std::vector<double> coef;       // classes x dim, row-major
  std::vector<double> intercept;  // classes
  int iterations = 0;
  bool converged = false;
  double loss = 0;  // the scaled objective at the solution

  /// rows x classes probabilities (each row sums to 1). Requires x.cols == dim.
  std::vector<double> predict_proba(MatrixView x, int threads = 1) const;
  /// The most probable class per row (ties: the smaller class index).
  std::vector<std::uint32_t> predict(MatrixView x, int threads = 1) const;
};

/// Fits on rows x with classes y (each < classes, classes >= 2). kInvalidArgument for bad options, a size
/// mismatch, fewer than 2 classes present, or non-finite values. Not converging within max_iter is no error:
/// the model says so (converged = false), as scikit-learn warns.
Expected<LogisticModel> fit_logistic(MatrixView x, std::span<const std::uint32_t> y, std::size_t classes,
                                     const LogisticOptions& options);

}  // namespace semspace
