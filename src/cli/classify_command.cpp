// semspace classify train | predict: k-NN or logistic regression over vectors with class labels;
// cross-validated scores, then a model fitted on every row and saved (SSCLF001), applied later to new rows.
#include <algorithm>
#include <chrono>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "analysis/classify/classifier.hpp"
#include "analysis/classify/classifier_file.hpp"
#include "analysis/classify/cross_validation.hpp"
#include "cli/analysis_input.hpp"
#include "cli/cli_common.hpp"
#include "core/progress.hpp"

namespace semspace::cli {
namespace {

struct TrainFlags {
  AnalysisInputFlags input;
  std::string method = "knn", output, metric = "cosine";
  int folds = 5, k = KnnClassifierOptions{}.k, max_iter = LogisticOptions{}.max_iter, threads = 0;
  double C = LogisticOptions{}.C, tol = LogisticOptions{}.tol;
  bool weighted = false, standardize = false, json = false;
  std::uint64_t seed = 1;
};

struct PredictFlags {
  AnalysisInputFlags input;
  std::string classifier, output;
  int threads = 0;
  bool json = false;
};

// Wall seconds of the library call alone (no reading or writing), for --json and the benchmarks.
double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int usage(std::string message) { return report(Error{ErrorCode::kInvalidArgument, std::move(message)}); }

int runtime(const Error& error) {
  report(error);
  return kExitError;
}

nlohmann::json confusion_json(const ClassificationScores& s) {
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t t = 0; t < s.classes; ++t) {
    rows.push_back(std::vector<std::size_t>(s.confusion.begin() + t * s.classes, s.confusion.begin() + (t + 1) * s.classes));
  }
  return rows;
}

void print_confusion(const ClassificationScores& s, const std::vector<std::string>& classes) {
  std::size_t width = 4;
  for (const auto& c : classes) width = std::max(width, c.size());
  fmt::print("confusion (rows: true class, columns: predicted)\n{:>{}}", "", width);
  for (const auto& c : classes) fmt::print(" {:>{}}", c, width);
  fmt::print("\n");
  for (std::size_t t = 0; t < s.classes; ++t) {
    fmt::print("{:>{}}", classes[t], width);
    for (std::size_t p = 0; p < s.classes; ++p) fmt::print(" {:>{}}", s.count(t, p), width);
    fmt::print("\n");
  }
}

int run_train(const TrainFlags& f) {
  auto in = load_analysis_input(f.input);
  if (!in) return report(in.error());
  if (!in->labels) return usage("classify train needs --labels FILE (one class per input row)");
  const std::size_t rows = in->vectors.rows();
  const bool knn = f.method == "knn";
  auto encoded = encode_labels(*in->labels);
  if (encoded.classes.size() < 2) {
    return usage(fmt::format("{} holds a single class ('{}'): a classifier needs at least 2", f.input.labels,
                             encoded.classes.empty() ? "" : encoded.classes[0]));
  }
  if (f.folds > 0 && static_cast<std::size_t>(f.folds) > rows) {
    return usage(fmt::format("--folds {} is more than the {} rows of {}", f.folds, rows, in->source));
  }
  // Each cross-validation model trains on (folds - 1) / folds of the rows: k must fit there too.
  const std::size_t smallest_training = f.folds > 1 ? rows - (rows + f.folds - 1) / f.folds : rows;
  if (knn && static_cast<std::size_t>(f.k) > smallest_training) {
    return usage(fmt::format("--k {} is too large for {} rows{} (at most {})", f.k, rows,
                             f.folds > 1 ? fmt::format(" in {} folds", f.folds) : "", smallest_training));
  }
  const int threads = f.threads > 0 ? f.threads : default_threads();
  const KnnClassifierOptions knn_options{.k = f.k,
                                         .metric = f.metric == "l2" ? KnnMetric::kL2 : KnnMetric::kCosine,
                                         .distance_weighted = f.weighted};
  const LogisticOptions logistic_options{.C = f.C, .max_iter = f.max_iter, .tol = f.tol, .standardize = f.standardize,
                                         .threads = threads};
  if (auto ok = logistic_options.validate(); !ok) return report(ok.error());
  auto fit = [&](MatrixView x, std::span<const std::uint32_t> y) {
    return knn ? fit_knn_classifier(x, y, encoded.classes, knn_options)
               : fit_logistic_classifier(x, y, encoded.classes, logistic_options);
  };

  std::optional<CrossValidation> cv;
  if (f.folds > 1) {
    core::Progress progress(fmt::format("classify {} cross-validation", f.method),
                            core::Progress::stderr_is_terminal() && rows > 2000);
    auto result = cross_validate(
        in->vectors.view(), encoded.indices, encoded.classes.size(), f.folds, f.seed,
        [&](MatrixView train_x, std::span<const std::uint32_t> train_y, MatrixView test_x)
            -> Expected<std::vector<std::uint32_t>> {
          auto model = fit(train_x, train_y);
          if (!model) return tl::unexpected(model.error());
          auto predicted = predict(*model, test_x, threads);
          if (!predicted) return tl::unexpected(predicted.error());
          return std::move(predicted->classes);
        },
        [&](int fold) { progress.update(static_cast<double>(fold + 1) / f.folds, fmt::format("fold {}/{}", fold + 1, f.folds)); });
    if (!result) return runtime(Error{result.error().code, fmt::format("{}: {}", in->source, result.error().message)});
    progress.finish(fmt::format("{} folds", f.folds));
    cv = std::move(*result);
  }
  const auto fit_start = std::chrono::steady_clock::now();
  auto model = fit(in->vectors.view(), encoded.indices);
  const double fit_seconds = seconds_since(fit_start);
  if (!model) return runtime(Error{model.error().code, fmt::format("{}: {}", in->source, model.error().message)});
  if (auto ok = save_classifier(*model, f.output); !ok) return runtime(ok.error());

  const bool logistic = !knn;
  if (f.json) {
    nlohmann::json out = {{"method", f.method}, {"rows", rows}, {"dim", in->vectors.cols()},
                          {"classes", encoded.classes}, {"output", f.output}, {"fit_seconds", fit_seconds}};
    if (knn) {
      out["k"] = f.k;
      out["metric"] = knn_metric_name(knn_options.metric);
      out["weights"] = f.weighted ? "distance" : "uniform";
    } else {
      out["C"] = f.C;
      out["iterations"] = model->logistic.iterations;
      out["converged"] = model->logistic.converged;
      out["standardize"] = f.standardize;
    }
    if (cv) {
      out["cross_validation"] = {{"folds", f.folds},
                                 {"seed", f.seed},
                                 {"accuracy", cv->scores.accuracy},
                                 {"macro_f1", cv->scores.macro_f1},
                                 {"fold_accuracy", cv->fold_accuracy},
                                 {"confusion", confusion_json(cv->scores)}};
    }
    print_json(out);
    return kExitOk;
  }
  fmt::print("classify {} on {} rows of dimension {}, {} classes\n", f.method, rows, in->vectors.cols(),
             encoded.classes.size());
  if (cv) {
    fmt::print("{}-fold cross-validation: accuracy {:.4f}, macro-F1 {:.4f}\n", f.folds, cv->scores.accuracy,
               cv->scores.macro_f1);
    print_confusion(cv->scores, encoded.classes);
  }
  if (logistic && !model->logistic.converged) {
    fmt::print(stderr, "semspace: warning: logistic regression did not converge in {} iterations (raise --max-iter)\n",
               f.max_iter);
  }
  fmt::print("wrote the {} classifier fitted on all {} rows to {}\n", f.method, rows, f.output);
  return kExitOk;
}

Status write_predictions(const std::string& path, const std::vector<std::uint32_t>& predicted,
                         const std::vector<std::string>& classes) {
  std::string text;
  for (auto c : predicted) text += classes[c] + "\n";
  return write_text_file(path, text);
}

int run_predict(const PredictFlags& f) {
  auto classifier = load_classifier(f.classifier);
  if (!classifier) return runtime(classifier.error());
  auto in = load_analysis_input(f.input);
  if (!in) return report(in.error());
  if (in->vectors.cols() != classifier->dim) {
    return runtime(Error{ErrorCode::kInvalidArgument,
                         fmt::format("{} has dimension {} but the classifier {} was trained on dimension {}", in->source,
                                     in->vectors.cols(), f.classifier, classifier->dim)});
  }
  const int threads = f.threads > 0 ? f.threads : default_threads();
  const auto predict_start = std::chrono::steady_clock::now();
  auto predicted = predict(*classifier, in->vectors.view(), threads);
  const double predict_seconds = seconds_since(predict_start);
  if (!predicted) return runtime(predicted.error());
  const auto& classes = classifier->classes;
  // With --labels, the predictions are also scored (classes unknown to the classifier count as errors).
  std::optional<double> accuracy;
  if (in->labels) {
    std::size_t correct = 0;
    for (std::size_t r = 0; r < predicted->classes.size(); ++r) correct += classes[predicted->classes[r]] == (*in->labels)[r];
    accuracy = static_cast<double>(correct) / static_cast<double>(predicted->classes.size());
  }
  if (!f.output.empty()) {
    if (auto ok = write_predictions(f.output, predicted->classes, classes); !ok) return runtime(ok.error());
  }
  const bool logistic = classifier->method == ClassifierMethod::kLogistic;
  if (f.json) {
    nlohmann::json labels = nlohmann::json::array(), proba = nlohmann::json::array();
    for (std::size_t r = 0; r < predicted->classes.size(); ++r) {
      labels.push_back(classes[predicted->classes[r]]);
      const double* p = predicted->proba.data() + r * classes.size();
      proba.push_back(std::vector<double>(p, p + classes.size()));
    }
    nlohmann::json out = {{"method", logistic ? "logistic" : "knn"}, {"rows", predicted->classes.size()},
                          {"classes", classes}, {"labels", labels}, {"predict_seconds", predict_seconds}};
    out[logistic ? "probabilities" : "vote_shares"] = proba;
    if (accuracy) out["accuracy"] = *accuracy;
    if (!f.output.empty()) out["output"] = f.output;
    print_json(out);
    return kExitOk;
  }
  if (f.output.empty()) {
    for (auto c : predicted->classes) fmt::print("{}\n", classes[c]);
  } else {
    fmt::print("wrote {} predicted labels to {}\n", predicted->classes.size(), f.output);
  }
  if (accuracy) fmt::print(stderr, "accuracy against {}: {:.4f}\n", f.input.labels, *accuracy);
  return kExitOk;
}

}  // namespace

void register_classify(CLI::App& app, int& exit_code) {
  auto* group = app.add_subcommand("classify", "Train (k-NN, logistic regression) and apply classifiers on vectors");
  group->require_subcommand(1);
  {
    auto f = std::make_shared<TrainFlags>();
    auto* cmd = group->add_subcommand(
        "train", "Cross-validate (accuracy, macro-F1, confusion), then fit on every row and save the classifier");
    add_analysis_input_options(*cmd, f->input);
    cmd->add_option("--method", f->method, "knn or logistic (multinomial, L2, L-BFGS)")
        ->check(CLI::IsMember({"knn", "logistic"}))
        ->capture_default_str();
    cmd->add_option("--output", f->output, "The classifier file to write (SSCLF001)")->required();
    cmd->add_option("--folds", f->folds, "Stratified cross-validation folds (0 = skip cross-validation)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
    cmd->add_option("--seed", f->seed, "Seed of the fold assignment")->capture_default_str();
    cmd->add_option("--k", f->k, "knn: neighbours that vote")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--metric", f->metric, "knn: cosine or l2")->check(CLI::IsMember({"cosine", "l2"}))->capture_default_str();
    cmd->add_flag("--distance-weighted", f->weighted, "knn: votes weighted by 1 / distance");
    cmd->add_option("--C", f->C, "logistic: inverse regularisation strength (scikit-learn's C)")->capture_default_str();
    cmd->add_option("--max-iter", f->max_iter, "logistic: L-BFGS iterations")->check(CLI::PositiveNumber)->capture_default_str();
    cmd->add_option("--tol", f->tol, "logistic: stop when the largest gradient component is below this")
        ->capture_default_str();
    cmd->add_flag("--standardize", f->standardize, "logistic: fit on columns scaled to zero mean, unit variance");
    cmd->add_option("--threads", f->threads, "Threads (default: all cores)")->check(CLI::NonNegativeNumber);
    cmd->add_flag("--json", f->json, "Print one JSON object");
    cmd->callback([f, &exit_code] {
      exit_code = f->folds == 1 ? usage("--folds must be 0 (no cross-validation) or at least 2") : run_train(*f);
    });
  }
  {
    auto f = std::make_shared<PredictFlags>();
    auto* cmd = group->add_subcommand("predict", "Apply a saved classifier: one label per input row");
    add_analysis_input_options(*cmd, f->input);
    cmd->add_option("--classifier", f->classifier, "A file written by classify train")->required();
    cmd->add_option("--output", f->output, "Write the labels here, one per line (default: stdout)");
    cmd->add_option("--threads", f->threads, "Threads (default: all cores)")->check(CLI::NonNegativeNumber);
    cmd->add_flag("--json", f->json, "Print one JSON object (labels, and probabilities for logistic)");
    cmd->callback([f, &exit_code] { exit_code = run_predict(*f); });
  }
}

}  // namespace semspace::cli
