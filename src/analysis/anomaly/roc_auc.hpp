// ROC-AUC of anomaly scores against known anomalies, and the label words that say which rows those are.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "semspace/status.hpp"

namespace semspace {

/// Area under the ROC curve: the probability that a random anomaly scores above a random normal row, ties
/// counting one half (the Mann-Whitney U statistic; equals scikit-learn's roc_auc_score). kInvalidArgument
/// unless both kinds of row are present; sizes must match (throws InternalError otherwise).
Expected<double> roc_auc(std::span<const double> scores, std::span<const std::uint8_t> is_anomaly);

/// Labels to anomaly flags: "1", "anomaly", "outlier", "true" mean anomalous; "0", "normal", "inlier",
/// "false" mean normal (case-insensitive). kInvalidArgument naming the line (row + 1) of the first other word.
Expected<std::vector<std::uint8_t>> parse_anomaly_labels(std::span<const std::string> labels);

}  // namespace semspace
