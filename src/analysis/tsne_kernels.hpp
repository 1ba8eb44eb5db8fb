// t-SNE's SIMD inner loops (Highway, dispatched at run time): the exact gradient's pairs, and the Gaussian
// kernel row of the perplexity search.
#pragma once

#include <cstddef>
#include <utility>

namespace semspace::analysis {

/// Pairs (i, j) for j in (i, n) of a map in `dim` (2 or 3) dimensions given as columns (columns[c][j] = y_jc),
/// with w = 1 / (1 + |y_i - y_j|^2) and p = row i of a symmetric P (n floats; only j > i are read):
///   attract[c][i] += sum_j p_j w (y_ic - y_jc),   attract[c][j] -= p_j w (y_ic - y_jc),
///   repel[c][i]   += sum_j w^2 (y_ic - y_jc),     repel[c][j]   -= w^2 (y_ic - y_jc),
/// where attract[c] and repel[c] point at n doubles each; returns sum_j w.
double tsne_exact_pairs(std::size_t dim, const double* const* columns, std::size_t i, const float* p, std::size_t n,
                        double* const* attract, double* const* repel);

/// One step of the perplexity search for a row of squared distances: p_j = exp(-(d_j - nearest) beta) into p
/// (n doubles); returns {sum_j p_j, sum_j (d_j - nearest) p_j}.
std::pair<double, double> tsne_gaussian_row(const float* distances, std::size_t n, float nearest, double beta,
                                            double* p);

}  // namespace semspace::analysis
