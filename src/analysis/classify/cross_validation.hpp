// Stratified k-fold cross-validation: rows split into folds that keep each class's share, then each fold
// predicted by a model fitted on the others.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "analysis/classify/classification_metrics.hpp"
#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace {

/// The fold (0..folds-1) of each row: each class's rows, shuffled by seed, are dealt round-robin, continuing
/// where the previous class stopped, so every fold holds floor or ceil of class_count / folds rows of each
/// class and fold sizes differ by at most one. kInvalidArgument when folds < 2 or folds > rows.
Expected<std::vector<std::uint32_t>> stratified_folds(std::span<const std::uint32_t> y, std::size_t classes, int folds,
                                                      std::uint64_t seed);

/// Fits on (train_x, train_y) and returns one predicted class per row of test_x.
using FitPredict = std::function<Expected<std::vector<std::uint32_t>>(MatrixView train_x,
                                                                      std::span<const std::uint32_t> train_y,
                                                                      MatrixView test_x)>;

struct CrossValidation {
  std::vector<std::uint32_t> predicted;  // per row, by the model that did not see it
  std::vector<double> fold_accuracy{};     // per fold
  ClassificationScores scores{};           // over all rows' out-of-fold predictions
};

/// Runs fit_predict once per fold (fold_done(f) after each, for progress). Errors of fit_predict pass through.
Expected<CrossValidation> cross_validate(MatrixView x, std::span<const std::uint32_t> y, std::size_t classes,
                                         int folds, std::uint64_t seed, const FitPredict& fit_predict,
                                         const std::function<void(int fold)>& fold_done = {});

}  // namespace semspace
