#include "analysis/classify/knn_vote.hpp"

#include "semspace/status.hpp"

namespace semspace {

KnnVotes knn_vote(const Neighbours& neighbours, std::span<const std::uint32_t> neighbour_classes, std::size_t classes,
                  bool distance_weighted) {
  KnnVotes out{.predicted = std::vector<std::uint32_t>(neighbours.rows),
               .proba = std::vector<double>(neighbours.rows * classes, 0.0)};
  for (std::size_t q = 0; q < neighbours.rows; ++q) {
    auto ids = neighbours.ids_of(q);
    auto distances = neighbours.distances_of(q);
    bool exact_match = false;
    for (float d : distances) exact_match = exact_match || d == 0.0f;
    double* votes = out.proba.data() + q * classes;
    double total = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      SEMSPACE_CHECK(ids[i] < neighbour_classes.size(), "neighbour {} has no class", ids[i]);
      double weight = 1.0;
      if (distance_weighted) weight = exact_match ? (distances[i] == 0.0f ? 1.0 : 0.0) : 1.0 / distances[i];
      votes[neighbour_classes[ids[i]]] += weight;
      total += weight;
    }
    std::uint32_t best = 0;
    for (std::size_t c = 1; c < classes; ++c) {
      if (votes[c] > votes[best]) best = static_cast<std::uint32_t>(c);
    }
    for (std::size_t c = 0; c < classes; ++c) votes[c] /= total;
    out.predicted[q] = best;
  }
  return out;
}

}  // namespace semspace
