#include "analysis/classify/lbfgs.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <vector>

namespace semspace {
namespace {

double dot(std::span<const double> a, std::span<const double> b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double max_abs(std::span<const double> a) {
  double m = 0;
  for (double v : a) m = std::max(m, std::fabs(v));
  return m;
}

// The point, value and gradient at a trial step along the search direction.
struct Trial {
  double step = 0, value = 0, slope = 0;
  std::vector<double> x{}, grad{};
};

// Minimiser of the cubic through (a, fa, da) and (b, fb, db), kept inside the safeguarded part of [a, b];
// bisection when the cubic has no usable minimiser (Nocedal & Wright eq. 3.59).
double interpolate(double a, double fa, double da, double b, double fb, double db) {
  const double lo = std::min(a, b), hi = std::max(a, b), margin = 0.1 * (hi - lo);
  const double d1 = da + db - 3 * (fa - fb) / (a - b);
  const double disc = d1 * d1 - da * db;
  if (disc >= 0 && a != b) {
    const double d2 = std::copysign(std::sqrt(disc), b - a);
    const double t = b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
    if (std::isfinite(t) && t > lo + margin && t < hi - margin) return t;
  }
  return 0.5 * (a + b);
}

// Where the decrease Armijo's test asks for (c1 * step * |slope0|) is below the rounding of f itself, comparing
// values of f says nothing: near a tight optimum every step would be rejected although the gradient says it is
// good. There the search reads slopes instead (Hager & Zhang, SIAM J. Optim. 16(1), 2005): a step is accepted
// on the approximate Wolfe conditions (2 c1 - 1) slope0 >= slope >= c2 slope0 with f no higher than f0 beyond
// its rounding, the bracket is kept by the sign of the slope, and trial steps come from the secant of the
// slopes. This is what lets the gradient rule reach a tight gtol.
class LineSearch {
 public:
  LineSearch(const LbfgsObjective& f, std::span<const double> x0, double f0, double slope0,
             std::span<const double> direction, int max_evaluations)
      : f_(f), x0_(x0), f0_(f0), slope0_(slope0),
        noise_(1e3 * std::numeric_limits<double>::epsilon() * std::max(std::fabs(f0), 1.0)),
        direction_(direction), budget_(max_evaluations) {}

  // Strong Wolfe conditions with c1 = 1e-4, c2 = 0.9 (or the approximate ones, above); false when the budget
  // runs out without an acceptable point.
  bool run(double initial_step, Trial& accepted, int& evaluations) {
    Trial prev{.step = 0, .value = f0_, .slope = slope0_};
    double step = initial_step;
    for (int i = 0; i < budget_; ++i) {
      Trial t = evaluate(step, evaluations);
      if (approximately_wolfe(t)) {
        accepted = std::move(t);
        return true;
      }
      if (too_high(t, prev)) return zoom(prev, t, accepted, evaluations);
      if (std::fabs(t.slope) <= -kC2 * slope0_) {
        accepted = std::move(t);
        return true;
      }
      if (t.slope >= 0) return zoom(t, prev, accepted, evaluations);
      prev = std::move(t);
      step *= 2;
    }
    return false;
  }

 private:
  static constexpr double kC1 = 1e-4, kC2 = 0.9;

  bool resolvable(const Trial& t) const { return -kC1 * t.step * slope0_ >= noise_; }

  // The step went too far: f is not finite there, or fails the sufficient decrease, or is no lower than at
  // `better` (the best point so far; at the first trial that is the start, which the decrease test covers).
  // Below f's rounding only "higher than f0 beyond its rounding" can be told.
  bool too_high(const Trial& t, const Trial& better) const {
    if (!std::isfinite(t.value)) return true;
    if (!resolvable(t)) return t.value > f0_ + noise_;
    return t.value > f0_ + kC1 * t.step * slope0_ || t.value >= better.value;
  }

  bool approximately_wolfe(const Trial& t) const {
    return !resolvable(t) && t.value <= f0_ + noise_ && t.slope >= kC2 * slope0_ &&
           t.slope <= (2 * kC1 - 1) * slope0_;
  }

  Trial evaluate(double step, int& evaluations) {
    Trial t{.step = step, .x = std::vector<double>(x0_.size()), .grad = std::vector<double>(x0_.size())};
    for (std::size_t i = 0; i < x0_.size(); ++i) t.x[i] = x0_[i] + step * direction_[i];
    t.value = f_(t.x, t.grad);
    t.slope = dot(t.grad, direction_);
    ++evaluations;
    ++used_;
    return t;
  }

  // Next trial step inside [lo, hi]: the cubic's minimiser where values can be trusted, else the secant root of
  // the slopes; both safeguarded away from the ends.
  double next_step(const Trial& lo, const Trial& hi) const {
    if (!std::isfinite(hi.value)) return 0.5 * (lo.step + hi.step);
    if (resolvable(lo) || resolvable(hi)) return interpolate(lo.step, lo.value, lo.slope, hi.step, hi.value, hi.slope);
    const double a = std::min(lo.step, hi.step), b = std::max(lo.step, hi.step), margin = 0.1 * (b - a);
    const double t = lo.step - lo.slope * (hi.step - lo.step) / (hi.slope - lo.slope);
    return std::isfinite(t) && t > a + margin && t < b - margin ? t : 0.5 * (a + b);
  }

  // lo satisfies the sufficient decrease and has the lower value (or, below f's rounding, a slope pointing
  // towards hi); the minimiser lies between lo and hi.
  bool zoom(Trial lo, Trial hi, Trial& accepted, int& evaluations) {
    while (used_ < budget_) {
      if (std::fabs(hi.step - lo.step) < 1e-16 * std::max(1.0, lo.step)) break;
      Trial t = evaluate(next_step(lo, hi), evaluations);
      if (approximately_wolfe(t)) {
        accepted = std::move(t);
        return true;
      }
      if (too_high(t, lo)) {
        hi = std::move(t);
        continue;
      }
      if (std::fabs(t.slope) <= -kC2 * slope0_) {
        accepted = std::move(t);
        return true;
      }
      if (t.slope * (hi.step - lo.step) >= 0) hi = std::move(lo);
      lo = std::move(t);
    }
    // Out of budget: accept the best decreasing point, as SciPy's search does when it can still make progress.
    if (lo.step > 0 && lo.value < f0_) {
      accepted = std::move(lo);
      return true;
    }
    return false;
  }

  const LbfgsObjective& f_;
  std::span<const double> x0_;
  double f0_, slope0_, noise_;
  std::span<const double> direction_;
  int budget_, used_ = 0;
};

}  // namespace

LbfgsResult minimize_lbfgs(const LbfgsObjective& f, std::span<double> x, const LbfgsOptions& options) {
  const std::size_t n = x.size();
  LbfgsResult result;
  std::vector<double> grad(n), direction(n);
  double value = f(x, grad);
  result.evaluations = 1;
  struct Pair {
    std::vector<double> s, y;
    double rho;
  };
  std::deque<Pair> history;
  std::vector<double> alpha(static_cast<std::size_t>(std::max(options.history, 1)));
  while (true) {
    if (max_abs(grad) <= options.gtol) {
      result.converged = true;
      break;
    }
    if (result.iterations >= options.max_iter) break;
    // Two-loop recursion: direction = -H grad, H the limited-memory inverse Hessian (algorithm 7.4).
    for (std::size_t i = 0; i < n; ++i) direction[i] = -grad[i];
    for (std::size_t j = history.size(); j-- > 0;) {
      alpha[j] = history[j].rho * dot(history[j].s, direction);
      for (std::size_t i = 0; i < n; ++i) direction[i] -= alpha[j] * history[j].y[i];
    }
    if (!history.empty()) {
      const auto& last = history.back();
      const double gamma = dot(last.s, last.y) / dot(last.y, last.y);
      for (auto& d : direction) d *= gamma;
    }
    for (std::size_t j = 0; j < history.size(); ++j) {
      const double beta = history[j].rho * dot(history[j].y, direction);
      for (std::size_t i = 0; i < n; ++i) direction[i] += (alpha[j] - beta) * history[j].s[i];
    }
    double slope = dot(grad, direction);
    if (!(slope < 0)) {  // not a descent direction (numerical trouble): restart from steepest descent
      history.clear();
      for (std::size_t i = 0; i < n; ++i) direction[i] = -grad[i];
      slope = dot(grad, direction);
    }
    // First step: a unit-length move, as SciPy; later steps: 1, the quasi-Newton step.
    const double initial = history.empty() ? std::min(1.0, 1.0 / std::sqrt(dot(direction, direction))) : 1.0;
    Trial accepted;
    LineSearch search(f, x, value, slope, direction, options.max_line_search);
    if (!search.run(initial, accepted, result.evaluations)) break;
    ++result.iterations;
    Pair pair{.s = std::vector<double>(n), .y = std::vector<double>(n), .rho = 0};
    for (std::size_t i = 0; i < n; ++i) {
      pair.s[i] = accepted.x[i] - x[i];
      pair.y[i] = accepted.grad[i] - grad[i];
    }
    const double sy = dot(pair.s, pair.y);
    const double previous = value;
    std::copy(accepted.x.begin(), accepted.x.end(), x.begin());
    grad = std::move(accepted.grad);
    value = accepted.value;
    if (sy > 1e-10 * dot(pair.y, pair.y)) {  // keeps H positive definite
      pair.rho = 1.0 / sy;
      history.push_back(std::move(pair));
      if (history.size() > static_cast<std::size_t>(options.history)) history.pop_front();
    }
    if (options.ftol > 0 &&
        (previous - value) / std::max({std::fabs(previous), std::fabs(value), 1.0}) <= options.ftol) {
      result.converged = true;
      break;
    }
  }
  result.value = value;
  return result;
}

}  // namespace semspace
