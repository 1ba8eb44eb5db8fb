#include "analysis/evaluate/correlation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "semspace/status.hpp"

namespace semspace {

std::vector<double> average_ranks(std::span<const double> values) {
  const std::size_t n = values.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (double v : values) SEMSPACE_CHECK(!std::isnan(v), "average_ranks: NaN among {} values", n);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(n);
  for (std::size_t first = 0; first < n;) {
    std::size_t last = first + 1;
    while (last < n && values[order[last]] == values[order[first]]) ++last;
    // Positions first..last-1 hold equal values; ranks are positions + 1, so their mean is this.
    const double rank = (static_cast<double>(first) + static_cast<double>(last - 1)) / 2.0 + 1.0;
    for (std::size_t i = first; i < last; ++i) ranks[order[i]] = rank;
    first = last;
  }
  return ranks;
}

double pearson(std::span<const double> x, std::span<const double> y) {
  SEMSPACE_CHECK(x.size() == y.size(), "pearson: {} x values but {} y values", x.size(), y.size());
  const std::size_t n = x.size();
  if (n < 2) return std::numeric_limits<double>::quiet_NaN();
  // Two passes (means first) rather than the one-pass sums formula, which cancels badly for large means.
  double mean_x = 0, mean_y = 0;
  for (std::size_t i = 0; i < n; ++i) {
    mean_x += x[i];
    mean_y += y[i];
  }
  mean_x /= static_cast<double>(n);
  mean_y /= static_cast<double>(n);
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = x[i] - mean_x, dy = y[i] - mean_y;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx == 0 || syy == 0) return std::numeric_limits<double>::quiet_NaN();
  return sxy / std::sqrt(sxx * syy);
}

double spearman(std::span<const double> x, std::span<const double> y) {
  SEMSPACE_CHECK(x.size() == y.size(), "spearman: {} x values but {} y values", x.size(), y.size());
  auto rx = average_ranks(x);
  auto ry = average_ranks(y);
  return pearson(rx, ry);
}

}  // namespace semspace
