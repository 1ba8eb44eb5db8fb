// Correlation coefficients for evaluation against human judgements.
#pragma once

#include <span>
#include <vector>

namespace semspace {

/// 1-based ranks of `values` in increasing order; tied values all get the mean of the ranks they span
/// (the "average" method of scipy.stats.rankdata). NaN values are not allowed (InternalError).
std::vector<double> average_ranks(std::span<const double> values);

/// Pearson's r of equally long x and y (InternalError otherwise), in double precision. NaN when there are
/// fewer than 2 pairs or either side is constant (the coefficient is undefined there).
double pearson(std::span<const double> x, std::span<const double> y);

/// Spearman's rho: Pearson's r of the average ranks, so ties are handled exactly. NaN as for pearson().
double spearman(std::span<const double> x, std::span<const double> y);

}  // namespace semspace
