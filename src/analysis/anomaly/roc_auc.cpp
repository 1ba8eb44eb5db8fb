#include "analysis/anomaly/roc_auc.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

namespace semspace {

Expected<double> roc_auc(std::span<const double> scores, std::span<const std::uint8_t> is_anomaly) {
  SEMSPACE_CHECK(scores.size() == is_anomaly.size(), "{} scores, {} labels", scores.size(), is_anomaly.size());
  const std::size_t n = scores.size();
  const std::size_t positives = static_cast<std::size_t>(std::count(is_anomaly.begin(), is_anomaly.end(), 1));
  const std::size_t negatives = n - positives;
  if (positives == 0 || negatives == 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("ROC-AUC needs both anomalies and normal rows; the labels have {} anomalies and {} normal rows",
                                  positives, negatives));
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  // Sum of the anomalies' ranks (1-based, tied scores sharing their mean rank).
  double rank_sum = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && scores[order[j]] == scores[order[i]]) ++j;
    const double mean_rank = 0.5 * static_cast<double>(i + 1 + j);
    for (std::size_t t = i; t < j; ++t) rank_sum += is_anomaly[order[t]] ? mean_rank : 0.0;
    i = j;
  }
  const double p = static_cast<double>(positives), q = static_cast<double>(negatives);
  return (rank_sum - p * (p + 1) / 2) / (p * q);
}

Expected<std::vector<std::uint8_t>> parse_anomaly_labels(std::span<const std::string> labels) {
  std::vector<std::uint8_t> out;
  out.reserve(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    std::string word = labels[i];
    std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (word == "1" || word == "anomaly" || word == "outlier" || word == "true") {
      out.push_back(1);
    } else if (word == "0" || word == "normal" || word == "inlier" || word == "false") {
      out.push_back(0);
    } else {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("line {}: label '{}' is not an anomaly label (1, anomaly, outlier, true; 0, normal, inlier, false)",
                                    i + 1, labels[i]));
    }
  }
  return out;
}

}  // namespace semspace
