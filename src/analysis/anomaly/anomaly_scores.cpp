#include "analysis/anomaly/anomaly_scores.hpp"

namespace semspace {

std::vector<double> knn_distance_scores(const Neighbours& neighbours, KnnDistanceScore mode) {
  std::vector<double> out(neighbours.rows);
  for (std::size_t r = 0; r < neighbours.rows; ++r) {
    auto d = neighbours.distances_of(r);
    if (mode == KnnDistanceScore::kKth) {
      out[r] = d.back();  // sorted nearest first
    } else {
      double sum = 0;
      for (float v : d) sum += v;
      out[r] = sum / static_cast<double>(d.size());
    }
  }
  return out;
}

std::vector<double> lof_scores(const Neighbours& neighbours) {
  const std::size_t n = neighbours.rows, k = neighbours.k;
  std::vector<double> lrd(n);
  for (std::size_t a = 0; a < n; ++a) {
    auto ids = neighbours.ids_of(a);
    auto d = neighbours.distances_of(a);
    double reach = 0;
    for (std::size_t i = 0; i < k; ++i) reach += std::max<double>(neighbours.distances_of(ids[i]).back(), d[i]);
    // The 1e-10 is scikit-learn's guard against duplicates (a zero mean reachability distance).
    lrd[a] = 1.0 / (reach / static_cast<double>(k) + 1e-10);
  }
  std::vector<double> out(n);
  for (std::size_t a = 0; a < n; ++a) {
    double sum = 0;
    for (auto b : neighbours.ids_of(a)) sum += lrd[b];
    out[a] = sum / static_cast<double>(k) / lrd[a];
  }
  return out;
}

}  // namespace semspace
