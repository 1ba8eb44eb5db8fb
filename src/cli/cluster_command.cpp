// semspace cluster: k-means over vectors, with inertia, silhouette and (given class labels) purity.
#include <algorithm>
#include <chrono>
#include <cmath>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "analysis/cluster_quality.hpp"
#include "analysis/kmeans.hpp"
#include "cli/analysis_input.hpp"
#include "cli/cli_common.hpp"

namespace semspace::cli {
namespace {

struct ClusterFlags {
  AnalysisInputFlags input;
  int k = 0, n_init = KMeansOptions{}.n_init, max_iter = KMeansOptions{}.max_iter, threads = 0;
  double tol = KMeansOptions{}.tol;
  std::string algorithm = "auto", output;
  std::size_t batch_size = KMeansOptions{}.batch_size, silhouette_sample = SilhouetteOptions{}.sample_size;
  std::uint64_t seed = 1;
  bool json = false;
};

constexpr std::size_t kExampleNames = 8;  // members shown per cluster in the text summary

int runtime(const Error& error) {
  report(error);
  return kExitError;
}

Status write_labels(const std::string& path, const std::vector<std::uint32_t>& labels) {
  std::string text;
  for (auto label : labels) text += fmt::format("{}\n", label);
  return write_text_file(path, text);
}

nlohmann::json number_or_null(std::optional<double> value) {
  return value && std::isfinite(*value) ? nlohmann::json(*value) : nlohmann::json();
}

int run_cluster(const ClusterFlags& f) {
  auto in = load_analysis_input(f.input);
  if (!in) return report(in.error());
  const std::size_t rows = in->vectors.rows();
  if (static_cast<std::size_t>(f.k) > rows) {
    return report(Error{ErrorCode::kInvalidArgument,
                        fmt::format("--k {} is larger than the number of rows of {} ({})", f.k, in->source, rows)});
  }
  const int threads = f.threads > 0 ? f.threads : default_threads();
  KMeansOptions options{.k = f.k,
                        .n_init = f.n_init,
                        .max_iter = f.max_iter,
                        .tol = f.tol,
                        .algorithm = f.algorithm == "lloyd"       ? KMeansAlgorithm::kLloyd
                                     : f.algorithm == "minibatch" ? KMeansAlgorithm::kMiniBatch
                                                                  : KMeansAlgorithm::kAuto,
                        .batch_size = f.batch_size,
                        .seed = f.seed,
                        .threads = threads};
  const auto start = std::chrono::steady_clock::now();
  auto result = kmeans(in->vectors.view(), options);
  const double fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!result) return runtime(Error{result.error().code, fmt::format("{}: {}", in->source, result.error().message)});

  // The silhouette is undefined for one cluster (or one row per cluster): reported as null, not an error.
  std::optional<SilhouetteResult> silhouette;
  std::string silhouette_note;
  if (f.silhouette_sample > 0) {
    auto s = silhouette_score(in->vectors.view(), result->labels,
                              {.max_exact_rows = f.silhouette_sample, .sample_size = f.silhouette_sample,
                               .seed = f.seed, .threads = threads});
    if (s) {
      silhouette = *s;
    } else {
      silhouette_note = s.error().message;
    }
  }
  std::optional<double> purity;
  if (in->labels) {
    auto p = cluster_purity(result->labels, *in->labels);
    if (!p) return runtime(p.error());
    purity = *p;
  }
  if (!f.output.empty()) {
    if (auto ok = write_labels(f.output, result->labels); !ok) return runtime(ok.error());
  }

  if (f.json) {
    nlohmann::json out = {{"k", f.k},
                          {"rows", rows},
                          {"dim", in->vectors.cols()},
                          {"algorithm", kmeans_algorithm_name(result->algorithm)},
                          {"inertia", result->inertia},
                          {"iterations", result->iterations},
                          {"converged", result->converged},
                          {"fit_seconds", fit_seconds},
                          {"cluster_sizes", result->cluster_sizes},
                          {"silhouette", number_or_null(silhouette ? std::optional(silhouette->score) : std::nullopt)}};
    if (silhouette) {
      out["silhouette_rows"] = silhouette->rows_used;
      out["silhouette_sampled"] = silhouette->sampled;
    }
    if (purity) out["purity"] = *purity;
    if (!f.output.empty()) out["output"] = f.output;
    print_json(out);
    return kExitOk;
  }
  fmt::print("k-means ({}) k={} on {} rows of dimension {}: inertia {:.6g}, {} {}{}\n",
             kmeans_algorithm_name(result->algorithm), f.k, rows, in->vectors.cols(), result->inertia,
             result->iterations, result->algorithm == KMeansAlgorithm::kMiniBatch ? "batches" : "iterations",
             result->converged ? "" : " (not converged)");
  if (silhouette) {
    fmt::print("silhouette {:.4f}{}\n", silhouette->score,
               silhouette->sampled ? fmt::format(" (sample of {} rows)", silhouette->rows_used) : "");
  } else if (!silhouette_note.empty()) {
    fmt::print("silhouette undefined: {}\n", silhouette_note);
  }
  if (purity) fmt::print("purity {:.4f}\n", *purity);
  std::vector<std::vector<std::size_t>> members(static_cast<std::size_t>(f.k));
  for (std::size_t r = 0; r < rows; ++r) {
    auto& m = members[result->labels[r]];
    if (m.size() < kExampleNames) m.push_back(r);
  }
  for (std::size_t c = 0; c < members.size(); ++c) {
    std::string names;
    for (auto r : members[c]) names += (names.empty() ? "" : ", ") + in->names[r];
    if (result->cluster_sizes[c] > members[c].size()) names += ", ...";
    fmt::print("cluster {}: {} rows: {}\n", c, result->cluster_sizes[c], names);
  }
  if (!f.output.empty()) fmt::print("wrote {} cluster labels to {}\n", rows, f.output);
  return kExitOk;
}

}  // namespace

void register_cluster(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<ClusterFlags>();
  auto* cmd = app.add_subcommand("cluster", "k-means clustering: inertia, silhouette, purity against --labels");
  add_analysis_input_options(*cmd, f->input);
  cmd->add_option("--k", f->k, "Number of clusters")->required()->check(CLI::PositiveNumber);
  cmd->add_option("--n-init", f->n_init, "Restarts from different seedings; the lowest inertia is kept")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--max-iter", f->max_iter, "Lloyd iterations (mini-batch: epochs)")->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--tol", f->tol, "Stop when centres move less than this, relative to the data's variance")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--algorithm", f->algorithm,
                  fmt::format("lloyd, minibatch, or auto (minibatch from {} rows)", kKMeansMiniBatchMinRows))
      ->check(CLI::IsMember({"auto", "lloyd", "minibatch"}))
      ->capture_default_str();
  cmd->add_option("--batch-size", f->batch_size, "Mini-batch size")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--seed", f->seed, "Seed of the seeding, the batches and the silhouette sample")->capture_default_str();
  cmd->add_option("--silhouette-sample", f->silhouette_sample,
                  "Silhouette exactly up to N rows, on a sample of N rows above (0 = skip it)")
      ->capture_default_str();
  cmd->add_option("--threads", f->threads, "Threads (default: all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--output", f->output, "Write each row's cluster (0..k-1), one per line in row order");
  cmd->add_flag("--json", f->json, "Print one JSON object");
  cmd->callback([f, &exit_code] { exit_code = run_cluster(*f); });
}

}  // namespace semspace::cli
