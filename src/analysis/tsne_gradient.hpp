// t-SNE gradients in the map: the exact O(N^2) gradient over dense P, and the attractive part over sparse P
// (the FFT method adds its interpolated repulsion, tsne_fft.hpp). Maps are row-major N x dim doubles, dim 2 or 3.
//
// With w_ij = 1 / (1 + |y_i - y_j|^2) and Z = sum_{i != j} w_ij (so q_ij = w_ij / Z):
//   dKL/dy_i = 4 * sum_j (e * p_ij - q_ij) * w_ij * (y_i - y_j)
// e being the early exaggeration (P scaled by e, as scikit-learn does).
#pragma once

#include <cstddef>
#include <span>

#include "analysis/tsne_affinities.hpp"
#include "semspace/matrix.hpp"

namespace semspace::analysis {

/// The exact gradient into `gradient` (N x dim) from dense P (N x N, tsne's dense_affinities). Returns
/// KL(P || Q) (without exaggeration) when want_kl, else 0. Rows split over threads; the sums combine in row order,
/// so the result does not depend on the number of threads.
double exact_gradient(MatrixView p, std::span<const double> y, std::size_t dim, double exaggeration,
                      std::span<double> gradient, int threads, bool want_kl);

/// attraction (N x dim) = sum_j e * p_ij * w_ij * (y_i - y_j) over the stored entries of P. Returns
/// sum_ij p_ij * log(p_ij / w_ij) (without exaggeration) when want_kl, else 0: KL(P || Q) is that plus log Z.
double attractive_forces(const SparseAffinities& p, std::span<const double> y, std::size_t dim, double exaggeration,
                         std::span<double> attraction, int threads, bool want_kl);

}  // namespace semspace::analysis
