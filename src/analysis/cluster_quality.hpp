// How good a clustering is: silhouette (geometry only) and purity (against known class labels).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace {

struct SilhouetteOptions {
  /// Inputs with at most this many rows are scored exactly (all n^2 distances); larger ones on a uniform
  /// sample of sample_size rows drawn without replacement, as scikit-learn's silhouette_score(sample_size=).
  std::size_t max_exact_rows = 10'000;
  std::size_t sample_size = 10'000;
  std::uint64_t seed = 1;  // the sample
  int threads = 1;
};

struct SilhouetteResult {
  double score = 0;           // mean silhouette over the rows used, in [-1, 1]
  std::size_t rows_used = 0;  // all rows, or the sample
  bool sampled = false;
};

/// Mean silhouette coefficient under Euclidean distance (Rousseeuw 1987): per row (b - a) / max(a, b), where a
/// is the mean distance to the other rows of its cluster and b the smallest mean distance to another cluster's
/// rows; 0 for a row alone in its cluster. kInvalidArgument when labels.size() != x.rows, sample_size < 2, a value
/// is not finite, or the rows used do not fall into between 2 and rows - 1 distinct clusters (the score is
/// undefined).
Expected<SilhouetteResult> silhouette_score(MatrixView x, std::span<const std::uint32_t> labels,
                                            const SilhouetteOptions& options = {});

/// Purity of a clustering against class labels: the fraction of rows whose class is the most common class of
/// their cluster, (1/n) sum over clusters of max over classes |cluster and class|. 1 when every cluster holds
/// one class. kInvalidArgument when the sizes differ or there are no rows.
Expected<double> cluster_purity(std::span<const std::uint32_t> clusters, std::span<const std::string> classes);

}  // namespace semspace
