// k-means clustering of row vectors under squared Euclidean distance.
//
// Lloyd: greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with 2 + ln k candidate centres per step as
// scikit-learn does), then assignment and update steps until the centres move less than the tolerance or no
// label changes. Point-centre distances come from one GEMM per row block (|x|^2 - 2 x.c + |c|^2), blocks spread
// over the caller's threads, partial sums combined in a fixed order. A cluster left empty takes the point
// farthest from its centre. Several seeded restarts (n_init) keep the lowest inertia.
// Mini-batch (Sculley 2010): the same seeding on a sample, then per-centre learning rate 1 / count updates from
// random batches; one final full assignment gives labels and inertia. For inputs too large for many passes.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace {

enum class KMeansAlgorithm {
  kAuto,       // kMiniBatch from kKMeansMiniBatchMinRows rows on, else kLloyd
  kLloyd,      // full passes
  kMiniBatch,  // Sculley's mini-batch updates
};

/// Inputs with at least this many rows make kAuto choose mini-batch: below it a full Lloyd pass over the data
/// costs well under a second per iteration on two cores (500,000 x 384 with k = 100 is about 40 GFLOP).
inline constexpr std::size_t kKMeansMiniBatchMinRows = 500'000;

struct KMeansOptions {
  int k = 8;                  // scikit-learn's default
  int n_init = 1;             // restarts; scikit-learn >= 1.4 (n_init="auto" with k-means++) and FAISS run one
  int max_iter = 300;         // Lloyd iterations, or mini-batch epochs (passes' worth of batches)
  double tol = 1e-4;          // relative to the mean per-column variance, as scikit-learn
  KMeansAlgorithm algorithm = KMeansAlgorithm::kAuto;
  std::size_t batch_size = 1024;  // mini-batch only (scikit-learn's default)
  int max_no_improvement = 10;    // mini-batch: stop after this many batches without a better smoothed inertia
  std::uint64_t seed = 1;
  int threads = 1;
  /// kInvalidArgument for k < 1, n_init < 1, max_iter < 1, tol < 0, batch_size < 1, max_no_improvement < 1,
  /// threads < 1.
  Status validate() const;
};

struct KMeansResult {
  Matrix centers;                            // k x dim
  std::vector<std::uint32_t> labels;         // per row: index of its nearest centre
  std::vector<std::size_t> cluster_sizes;    // k counts
  double inertia = 0;                        // sum of squared distances of rows to their centres
  int iterations = 0;                        // of the kept run (mini-batch: batches)
  bool converged = false;                    // the kept run stopped before max_iter
  int best_init = 0;                         // which restart was kept
  KMeansAlgorithm algorithm = KMeansAlgorithm::kLloyd;  // the one that ran
};

/// Clusters the rows of x. One thread and a seed give identical results on every run; more threads give the
/// same labels up to floating-point summation order. kInvalidArgument when x is empty, k > rows, a value is not
/// finite (row and column named) or the options are invalid.
Expected<KMeansResult> kmeans(MatrixView x, const KMeansOptions& options);

/// Index of the nearest centre of each row of x (squared Euclidean), and its squared distance when `distances`
/// is non-null (resized to x.rows). kInvalidArgument when the dimensions differ or centers is empty.
Expected<std::vector<std::uint32_t>> assign_to_centers(MatrixView x, MatrixView centers, int threads = 1,
                                                       std::vector<float>* distances = nullptr);

std::string_view kmeans_algorithm_name(KMeansAlgorithm algorithm) noexcept;

}  // namespace semspace
