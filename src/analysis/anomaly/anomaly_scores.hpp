// Unsupervised anomaly scores of every row against the others, higher = more anomalous: the distance to the
// k nearest neighbours (mean or k-th), and the Local Outlier Factor (Breunig et al. 2000, as scikit-learn's
// LocalOutlierFactor: score = -negative_outlier_factor_).
#pragma once

#include <cstddef>
#include <vector>

#include "analysis/classify/knn_search.hpp"
#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace {

enum class KnnDistanceScore { kMean, kKth };

/// Per row: the mean of (or the largest of) its k neighbour distances. neighbours from knn_search_self.
std::vector<double> knn_distance_scores(const Neighbours& neighbours, KnnDistanceScore mode);

/// Per row: LOF over its k neighbours (from knn_search_self with Euclidean distances for scikit-learn's
/// numbers): reach(a, b) = max(k-distance(b), d(a, b)), lrd(a) = 1 / (mean over a's neighbours of reach(a, b)
/// + 1e-10), LOF(a) = mean over a's neighbours b of lrd(b) / lrd(a). About 1 inside clusters, larger outside.
std::vector<double> lof_scores(const Neighbours& neighbours);

}  // namespace semspace
