// semspace anomaly: a score per row (k-NN distance or Local Outlier Factor, higher = more anomalous), and
// their ROC-AUC when --labels says which rows are anomalies.
#include <algorithm>
#include <numeric>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "analysis/anomaly/anomaly_scores.hpp"
#include "analysis/anomaly/roc_auc.hpp"
#include "analysis/classify/knn_search.hpp"
#include "cli/analysis_input.hpp"
#include "cli/cli_common.hpp"
#include "core/progress.hpp"

namespace semspace::cli {
namespace {

struct AnomalyFlags {
  AnalysisInputFlags input;
  std::string method = "lof", metric = "l2", score = "mean", output;
  int k = 20, threads = 0, top = 10;
  bool json = false;
};

constexpr std::size_t kJsonScoresMax = 100000;  // beyond this, --json leaves the scores to --output

Status write_scores(const std::string& path, const std::vector<double>& scores) {
  std::string text;
  for (double s : scores) text += fmt::format("{:.9g}\n", s);
  return write_text_file(path, text);
}

int run_anomaly(const AnomalyFlags& f) {
  auto in = load_analysis_input(f.input);
  if (!in) return report(in.error());
  const std::size_t rows = in->vectors.rows();
  if (static_cast<std::size_t>(f.k) >= rows) {
    return report(Error{ErrorCode::kInvalidArgument,
                        fmt::format("--k {} must be below the number of rows of {} ({})", f.k, in->source, rows)});
  }
  std::optional<std::vector<std::uint8_t>> is_anomaly;
  if (in->labels) {
    auto flags = parse_anomaly_labels(*in->labels);
    if (!flags) return report(Error{ErrorCode::kCorrupt, fmt::format("{}: {}", f.input.labels, flags.error().message)});
    is_anomaly = std::move(*flags);
  }
  const int threads = f.threads > 0 ? f.threads : default_threads();
  const KnnMetric metric = f.metric == "cosine" ? KnnMetric::kCosine : KnnMetric::kL2;
  core::Progress progress(fmt::format("anomaly: {} nearest neighbours", f.k),
                          core::Progress::stderr_is_terminal() && rows > 20000);
  auto neighbours = knn_search_self(in->vectors.view(),
                                    {.k = f.k, .metric = metric, .threads = threads, .on_progress = [&](std::size_t done) {
                                       progress.update(static_cast<double>(done) / static_cast<double>(rows),
                                                       fmt::format("{} rows", core::human_count(static_cast<double>(done))));
                                     }});
  if (!neighbours) return report(neighbours.error());
  progress.finish(fmt::format("{} rows", core::human_count(static_cast<double>(rows))));
  const auto scores = f.method == "lof"
                          ? lof_scores(*neighbours)
                          : knn_distance_scores(*neighbours, f.score == "kth" ? KnnDistanceScore::kKth : KnnDistanceScore::kMean);
  std::optional<double> auc;
  if (is_anomaly) {
    auto a = roc_auc(scores, *is_anomaly);
    if (!a) return report(Error{ErrorCode::kInvalidArgument, fmt::format("{}: {}", f.input.labels, a.error().message)});
    auc = *a;
  }
  if (!f.output.empty()) {
    if (auto ok = write_scores(f.output, scores); !ok) {
      report(ok.error());
      return kExitError;
    }
  }
  std::vector<std::size_t> order(rows);
  std::iota(order.begin(), order.end(), 0);
  const std::size_t shown = std::min<std::size_t>(static_cast<std::size_t>(f.top), rows);
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(shown), order.end(),
                    [&](std::size_t a, std::size_t b) { return scores[a] > scores[b] || (scores[a] == scores[b] && a < b); });
  const std::string method = f.method == "lof" ? "lof" : fmt::format("knn ({} distance)", f.score == "kth" ? "k-th" : "mean");
  if (f.json) {
    nlohmann::json top = nlohmann::json::array();
    for (std::size_t i = 0; i < shown; ++i) top.push_back({{"row", order[i]}, {"name", in->names[order[i]]}, {"score", scores[order[i]]}});
    nlohmann::json out = {{"method", f.method}, {"k", f.k}, {"metric", f.metric}, {"rows", rows}, {"top", top}};
    if (f.method == "knn") out["score"] = f.score;
    if (rows <= kJsonScoresMax) out["scores"] = scores;
    if (auc) out["roc_auc"] = *auc;
    if (is_anomaly) out["anomalies"] = std::count(is_anomaly->begin(), is_anomaly->end(), 1);
    if (!f.output.empty()) out["output"] = f.output;
    print_json(out);
    return kExitOk;
  }
  fmt::print("anomaly scores ({}, k={}, {}) of {} rows of dimension {}\n", method, f.k, f.metric, rows, in->vectors.cols());
  if (auc) fmt::print("roc_auc {:.4f} ({} anomalies)\n", *auc, std::count(is_anomaly->begin(), is_anomaly->end(), 1));
  for (std::size_t i = 0; i < shown; ++i) fmt::print("{}\t{}\t{:.6g}\n", order[i], in->names[order[i]], scores[order[i]]);
  if (!f.output.empty()) fmt::print("wrote {} scores to {}\n", rows, f.output);
  return kExitOk;
}

}  // namespace

void register_anomaly(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<AnomalyFlags>();
  auto* cmd = app.add_subcommand(
      "anomaly", "Anomaly scores (k-NN distance or local outlier factor; higher = more anomalous), ROC-AUC with --labels");
  add_analysis_input_options(*cmd, f->input);
  cmd->add_option("--method", f->method, "lof (local outlier factor, as scikit-learn) or knn (distance to the neighbours)")
      ->check(CLI::IsMember({"lof", "knn"}))
      ->capture_default_str();
  cmd->add_option("--k", f->k, "Neighbours (scikit-learn's LOF n_neighbors)")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--metric", f->metric, "l2 (Euclidean) or cosine (1 - cosine similarity)")
      ->check(CLI::IsMember({"l2", "cosine"}))
      ->capture_default_str();
  cmd->add_option("--score", f->score, "knn: mean of the k distances, or the k-th (kth)")
      ->check(CLI::IsMember({"mean", "kth"}))
      ->capture_default_str();
  cmd->add_option("--top", f->top, "Rows listed, most anomalous first")->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--output", f->output, "Write one score per line, in row order");
  cmd->add_option("--threads", f->threads, "Threads (default: all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", f->json, "Print one JSON object");
  cmd->footer("--labels: one per row; 1/anomaly/outlier/true mark anomalies, 0/normal/inlier/false normal rows.");
  cmd->callback([f, &exit_code] { exit_code = run_anomaly(*f); });
}

}  // namespace semspace::cli
