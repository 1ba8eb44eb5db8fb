// How well predicted classes match the true ones: accuracy, macro-averaged F1 and the confusion matrix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace semspace {

struct ClassificationScores {
  std::size_t classes = 0;
  double accuracy = 0;
  /// Unweighted mean over the classes that occur in truth or predictions of F1 = 2 tp / (2 tp + fp + fn)
  /// (scikit-learn's f1_score(average="macro")).
  double macro_f1 = 0;
  std::vector<std::size_t> confusion;  // classes x classes, row = true class, column = predicted class
  std::size_t count(std::size_t truth, std::size_t predicted) const { return confusion[truth * classes + predicted]; }
};

/// truth and predicted have equal sizes (> 0) and values below classes (throws InternalError otherwise).
ClassificationScores score_classification(std::span<const std::uint32_t> truth, std::span<const std::uint32_t> predicted,
                                          std::size_t classes);

}  // namespace semspace
