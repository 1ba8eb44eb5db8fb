#include "analysis/classify/classifier.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "analysis/classify/knn_vote.hpp"
#include "analysis/row_blocks.hpp"

namespace semspace {

EncodedLabels encode_labels(std::span<const std::string> labels) {
  EncodedLabels out{.classes = std::vector<std::string>(labels.begin(), labels.end())};
  std::sort(out.classes.begin(), out.classes.end());
  out.classes.erase(std::unique(out.classes.begin(), out.classes.end()), out.classes.end());
  out.indices.reserve(labels.size());
  for (const auto& label : labels) {
    out.indices.push_back(static_cast<std::uint32_t>(
        std::lower_bound(out.classes.begin(), out.classes.end(), label) - out.classes.begin()));
  }
  return out;
}

namespace {

Status check_training_set(MatrixView x, std::span<const std::uint32_t> y, const std::vector<std::string>& classes) {
  if (y.size() != x.rows) return make_error(ErrorCode::kInvalidArgument, fmt::format("{} labels for {} rows", y.size(), x.rows));
  std::vector<bool> seen(classes.size(), false);
  for (auto c : y) {
    SEMSPACE_CHECK(c < classes.size(), "class {} of {}", c, classes.size());
    seen[c] = true;
  }
  if (std::count(seen.begin(), seen.end(), true) < 2) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("the labels hold a single class{}: a classifier needs at least 2",
                                  classes.empty() ? "" : fmt::format(" ('{}')", classes[y.empty() ? 0 : y[0]])));
  }
  return analysis_detail::check_finite(x, "classifier input");
}

}  // namespace

Expected<Classifier> fit_knn_classifier(MatrixView x, std::span<const std::uint32_t> y, std::vector<std::string> classes,
                                        const KnnClassifierOptions& options) {
  if (auto ok = check_training_set(x, y, classes); !ok) return tl::unexpected(ok.error());
  if (options.k < 1 || static_cast<std::size_t>(options.k) > x.rows) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("k = {} must be between 1 and the number of training rows ({})", options.k, x.rows));
  }
  Classifier out{.method = ClassifierMethod::kKnn, .classes = std::move(classes), .dim = x.cols, .knn = options,
                 .reference = Matrix(x.rows, x.cols), .reference_classes = std::vector<std::uint32_t>(y.begin(), y.end())};
  for (std::size_t r = 0; r < x.rows; ++r) std::copy(x.row(r).begin(), x.row(r).end(), out.reference.row(r).begin());
  return out;
}

Expected<Classifier> fit_logistic_classifier(MatrixView x, std::span<const std::uint32_t> y,
                                             std::vector<std::string> classes, const LogisticOptions& options) {
  if (auto ok = check_training_set(x, y, classes); !ok) return tl::unexpected(ok.error());
  auto model = fit_logistic(x, y, classes.size(), options);
  if (!model) return tl::unexpected(model.error());
  return Classifier{.method = ClassifierMethod::kLogistic, .classes = std::move(classes), .dim = x.cols,
                    .logistic = std::move(*model)};
}

Expected<Predictions> predict(const Classifier& classifier, MatrixView x, int threads) {
  if (x.cols != classifier.dim) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("the input has dimension {} but the classifier was trained on dimension {}",
                                                               x.cols, classifier.dim));
  }
  if (classifier.method == ClassifierMethod::kLogistic) {
    Predictions out{.proba = classifier.logistic.predict_proba(x, threads)};
    const std::size_t c = classifier.classes.size();
    out.classes.resize(x.rows);
    for (std::size_t r = 0; r < x.rows; ++r) {
      const double* p = out.proba.data() + r * c;
      out.classes[r] = static_cast<std::uint32_t>(std::max_element(p, p + c) - p);
    }
    return out;
  }
  auto neighbours = knn_search(x, classifier.reference.view(),
                               {.k = classifier.knn.k, .metric = classifier.knn.metric, .threads = threads});
  if (!neighbours) return tl::unexpected(neighbours.error());
  auto votes = knn_vote(*neighbours, classifier.reference_classes, classifier.classes.size(),
                        classifier.knn.distance_weighted);
  return Predictions{.classes = std::move(votes.predicted), .proba = std::move(votes.proba)};
}

}  // namespace semspace
