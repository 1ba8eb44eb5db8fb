#include "analysis/classify/classification_metrics.hpp"

#include "semspace/status.hpp"

namespace semspace {

ClassificationScores score_classification(std::span<const std::uint32_t> truth, std::span<const std::uint32_t> predicted,
                                          std::size_t classes) {
  SEMSPACE_CHECK(truth.size() == predicted.size() && !truth.empty(), "{} true classes, {} predicted", truth.size(),
                 predicted.size());
  ClassificationScores out{.classes = classes, .confusion = std::vector<std::size_t>(classes * classes, 0)};
  std::size_t correct = 0;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    SEMSPACE_CHECK(truth[i] < classes && predicted[i] < classes, "class out of range at {}", i);
    ++out.confusion[truth[i] * classes + predicted[i]];
    correct += truth[i] == predicted[i];
  }
  out.accuracy = static_cast<double>(correct) / static_cast<double>(truth.size());
  double f1_sum = 0;
  std::size_t present = 0;
  for (std::size_t c = 0; c < classes; ++c) {
    std::size_t row = 0, column = 0;
    for (std::size_t o = 0; o < classes; ++o) {
      row += out.count(c, o);
      column += out.count(o, c);
    }
    if (row == 0 && column == 0) continue;
    const double tp = static_cast<double>(out.count(c, c));
    f1_sum += 2 * tp / static_cast<double>(row + column);  // 2tp + fp + fn = row + column
    ++present;
  }
  out.macro_f1 = f1_sum / static_cast<double>(present);
  return out;
}

}  // namespace semspace
