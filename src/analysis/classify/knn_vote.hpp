// The k-NN classifier's decision: each query's neighbours vote for their classes, equally or weighted by
// 1 / distance (sklearn's weights="uniform" | "distance").
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "analysis/classify/knn_search.hpp"

namespace semspace {

struct KnnVotes {
  std::vector<std::uint32_t> predicted;  // per query: the class with the most (weighted) votes
  std::vector<double> proba{};             // queries x classes: each class's share of the votes
};

/// neighbour_classes[id] is the class (< classes) of reference row id. Ties between classes go to the smaller
/// class index, whatever the order of the neighbours. Distance weighting: a neighbour at distance 0 makes
/// the zero-distance neighbours the only voters (as sklearn), otherwise weights are 1 / distance.
KnnVotes knn_vote(const Neighbours& neighbours, std::span<const std::uint32_t> neighbour_classes, std::size_t classes,
                  bool distance_weighted);

}  // namespace semspace
