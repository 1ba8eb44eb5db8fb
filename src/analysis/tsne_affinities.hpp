// t-SNE input affinities: exact nearest neighbours, per-point Gaussian widths calibrated to a perplexity, and the
// symmetrised joint probabilities P, dense (exact method) or over the kNN graph (FFT method).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "semspace/matrix.hpp"

namespace semspace::analysis {

/// The k nearest other rows of every row by squared Euclidean distance, nearest first (ties: smaller index).
struct Neighbours {
  std::size_t k = 0;
  std::vector<std::uint32_t> index;  // rows x k
  std::vector<float> distance;       // rows x k, squared Euclidean
};

/// Exact k nearest neighbours (excluding the row itself) of every row of x: sgemm over blocks of rows and
/// candidates, |a|^2 + |b|^2 - 2 a.b, split over `threads`. Requires k < x.rows. Deterministic for any threads.
Neighbours nearest_neighbours(MatrixView x, std::size_t k, int threads);

/// Calibrates one row: probabilities[j] = exp(-beta * distances[j]) / sum, with beta found by binary search
/// (scikit-learn's: at most 100 halvings/doublings, entropy within 1e-5 nats of log(perplexity)). Returns beta.
/// distances are squared; probabilities has the same size.
double calibrate_row(std::span<const float> distances, double perplexity, std::span<double> probabilities);

/// Joint probabilities over the kNN graph in compressed rows: p_ij = (p_j|i + p_i|j) / sum, symmetric, zero
/// diagonal, summing to 1.
struct SparseAffinities {
  std::vector<std::size_t> row_start;  // rows + 1
  std::vector<std::uint32_t> column;
  std::vector<float> value;
  std::size_t rows() const noexcept { return row_start.empty() ? 0 : row_start.size() - 1; }
};

/// From neighbours of every row, calibrated to perplexity over threads, then symmetrised.
SparseAffinities sparse_affinities(const Neighbours& neighbours, double perplexity, int threads);

/// The dense N x N joint probabilities over all pairs (the exact method): calibrated on all N - 1 other rows, then
/// symmetrised and normalised; diagonal zero. N^2 floats.
Matrix dense_affinities(MatrixView x, double perplexity, int threads);

}  // namespace semspace::analysis
