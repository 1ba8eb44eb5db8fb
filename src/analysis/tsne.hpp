// t-SNE (van der Maaten & Hinton 2008): a 2-D or 3-D map of row vectors in which near neighbours stay near.
//
// Affinities: a Gaussian per point whose width gives the requested perplexity (binary search), over all other
// points (exact method) or over the 3 * perplexity + 1 nearest neighbours found by an exact blocked scan (FFT
// method); then symmetrised, P = (P + P^T) / sum. Optimisation as scikit-learn's: early exaggeration, momentum
// 0.5 then 0.8, delta-bar-delta gains, learning rate max(N / exaggeration / 4, 50), PCA initialisation. The
// gradient is exact (O(N^2) per iteration) or uses FFT-accelerated interpolation of the repulsive forces
// (Linderman et al. 2019, FIt-SNE; see tsne_fft.hpp). The output kernel is the Student t with one degree of
// freedom in 2-D and 3-D alike (scikit-learn uses two degrees of freedom in 3-D).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/progress.hpp"
#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace::analysis {

enum class TsneMethod { kAuto, kExact, kFft };  // kAuto: exact below kTsneExactMaxRows points, FFT above

/// kAuto's switch: the exact gradient costs N^2 per iteration and keeps an N x N affinity matrix.
inline constexpr std::size_t kTsneExactMaxRows = 2000;

struct TsneOptions {
  std::size_t dim = 2;  // 2 or 3
  double perplexity = 30.0;
  std::size_t iterations = 1000;  // total, including early exaggeration
  std::size_t exaggeration_iterations = 250;
  double early_exaggeration = 12.0;
  double learning_rate = 0.0;  // 0 = auto: max(N / early_exaggeration / 4, 50) as scikit-learn's 'auto'
  std::uint64_t seed = 42;
  int threads = 0;  // 0 = all cores
  TsneMethod method = TsneMethod::kAuto;
  bool pca_init = true;  // PCA initialisation scaled to std 1e-4 of the first component (as sklearn/openTSNE)
  /// kInvalidArgument naming the field: dim not 2 or 3, perplexity <= 0, iterations 0, exaggeration_iterations
  /// above iterations, early_exaggeration < 1, learning_rate < 0, threads < 0.
  Status validate() const;
};

struct TsneResult {
  Matrix embedding;          // rows = input rows, cols = options.dim
  double kl_divergence = 0;  // KL(P || Q) at the final map: exact for kExact; for kFft with Z (the normaliser of Q)
                             // from the same FFT interpolation as the gradient, and P over the kNN graph
  std::size_t iterations = 0;
  TsneMethod method = TsneMethod::kExact;  // the method used (never kAuto)
};

/// Maps the rows of x to options.dim dimensions. kInvalidArgument when the options are invalid, x has fewer
/// rows than 3 * perplexity + 1 (the message suggests a --perplexity that fits), or a value is not finite (row
/// and column named). With threads = 1 and a fixed seed the result is bit-identical run to run. progress (may be
/// null) is updated with the iteration and a KL estimate every 50 iterations.
Expected<TsneResult> tsne(MatrixView x, const TsneOptions& options, core::Progress* progress = nullptr);

std::string_view tsne_method_name(TsneMethod method) noexcept;

}  // namespace semspace::analysis
