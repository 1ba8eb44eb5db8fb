// L-BFGS minimisation of a smooth function of many variables (Nocedal & Wright, Numerical Optimization, 2nd ed.,
// algorithms 7.4 and 7.5, with the strong-Wolfe line search of algorithms 3.5 and 3.6). Stopping rules are
// SciPy's L-BFGS-B ones that scikit-learn relies on: largest gradient component <= gtol, or a relative decrease
// of f below ftol.
#pragma once

#include <functional>
#include <span>

namespace semspace {

struct LbfgsOptions {
  int max_iter = 100;          // iterations (scikit-learn's LogisticRegression max_iter)
  int history = 10;            // correction pairs kept (SciPy's maxcor)
  double gtol = 1e-4;          // stop when max_i |grad_i| <= gtol (scikit-learn's tol)
  double ftol = 64 * 2.220446049250313e-16;  // stop when (f_prev - f) / max(|f_prev|, |f|, 1) <= ftol; 0: never
  int max_line_search = 50;    // function evaluations per line search (scikit-learn's maxls)
};

struct LbfgsResult {
  int iterations = 0;
  int evaluations = 0;
  bool converged = false;  // a stopping rule held before max_iter (false also when the line search failed)
  double value = 0;
};

/// f(x, grad) returns f(x) and writes its gradient into grad (same size as x).
using LbfgsObjective = std::function<double(std::span<const double> x, std::span<double> grad)>;

/// Minimises f from the starting point in x, leaving the best point found there. Deterministic.
LbfgsResult minimize_lbfgs(const LbfgsObjective& f, std::span<double> x, const LbfgsOptions& options);

}  // namespace semspace
