// Classifier: what `classify train` fits and saves and `classify predict` loads and applies. Either a k-NN
// classifier (the reference rows and their classes, k, metric, weighting) or a multinomial logistic regression,
// with the class names in sorted order (class index i is classes[i], as scikit-learn's classes_).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analysis/classify/knn_search.hpp"
#include "analysis/classify/logistic_regression.hpp"
#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace {

enum class ClassifierMethod : std::uint32_t { kKnn = 0, kLogistic = 1 };

struct KnnClassifierOptions {
  int k = 10;
  KnnMetric metric = KnnMetric::kCosine;
  bool distance_weighted = false;
};

struct Classifier {
  ClassifierMethod method = ClassifierMethod::kKnn;
  std::vector<std::string> classes{};  // sorted, unique
  std::size_t dim = 0;
  // k-NN
  KnnClassifierOptions knn{};
  Matrix reference{};                           // rows x dim
  std::vector<std::uint32_t> reference_classes{};  // per reference row
  // logistic
  LogisticModel logistic{};
};

struct Predictions {
  std::vector<std::uint32_t> classes{};  // per row
  std::vector<double> proba;           // rows x classes: logistic probabilities, or k-NN vote shares
};

/// Sorted unique class names, and each label's index among them.
struct EncodedLabels {
  std::vector<std::string> classes{};
  std::vector<std::uint32_t> indices{};
};
EncodedLabels encode_labels(std::span<const std::string> labels);

/// Fits a k-NN classifier (stores the rows) or a logistic regression on x with classes y (indices into
/// `classes`). kInvalidArgument: fewer than 2 classes, k >= rows (k-NN), bad options.
Expected<Classifier> fit_knn_classifier(MatrixView x, std::span<const std::uint32_t> y, std::vector<std::string> classes,
                                        const KnnClassifierOptions& options);
Expected<Classifier> fit_logistic_classifier(MatrixView x, std::span<const std::uint32_t> y,
                                             std::vector<std::string> classes, const LogisticOptions& options);

/// kInvalidArgument when x.cols != classifier.dim.
Expected<Predictions> predict(const Classifier& classifier, MatrixView x, int threads);

}  // namespace semspace
