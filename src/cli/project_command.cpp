// semspace project: a low-dimensional view of vectors (PCA or t-SNE), as numbers or a plot.
#include <chrono>
#include <fstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "analysis/pca.hpp"
#include "analysis/tsne.hpp"
#include "cli/analysis_input.hpp"
#include "cli/cli_common.hpp"
#include "cli/plot_output.hpp"
#include "io/npy.hpp"

namespace semspace::cli {
namespace {

struct ProjectFlags {
  AnalysisInputFlags input;
  PlotFlags plot;
  std::string method = "pca", solver = "auto", tsne_method = "auto", output, save_pca, load_pca;
  int dim = 2, threads = 0;
  std::uint64_t seed = 1;  // PCA's sketch; t-SNE's default is TsneOptions::seed unless --seed is given
  bool seed_given = false;
  double perplexity = 30.0;
  std::size_t iterations = 1000;
  bool tsne_flags_given = false;  // --perplexity, --iterations or --tsne-method: t-SNE only
  bool json = false;
};

int usage(const std::string& message) { return report(Error{ErrorCode::kInvalidArgument, message}); }
// Problems of the data or files (not of the flags): exit 1 whatever the library's error code.
int runtime(const Error& error) {
  report(error);
  return kExitError;
}

// Writes what project computed: a plot, a .npy file, or the coordinates on stdout (text or, with --json, `out`
// plus the coordinates). `header` is the text mode's first line.
int write_projection(const ProjectFlags& f, const AnalysisInput& in, const Matrix& coords, const PlotText& text,
                     nlohmann::json out, const std::string& header) {
  const bool plot = is_plot_output(f.output);
  if (plot) {
    if (auto ok = write_plot(f.output, coords.view(), in, f.plot, text); !ok) return report(ok.error());
  } else if (!f.output.empty()) {
    if (auto ok = io::write_npy(coords.view(), f.output); !ok) return runtime(ok.error());
  }
  if (f.json) {
    if (!f.output.empty()) {
      out["output"] = f.output;
    } else {
      nlohmann::json rows = nlohmann::json::array();
      for (std::size_t r = 0; r < coords.rows(); ++r) {
        // Shortest text that reads back as the same float, not the 17 digits of its double widening.
        nlohmann::json values = nlohmann::json::array();
        for (float v : coords.row(r)) values.push_back(nlohmann::json::parse(fmt::format("{}", v)));
        rows.push_back(std::move(values));
      }
      out["names"] = in.names;
      out["coordinates"] = std::move(rows);
      if (in.labels) out["labels"] = *in.labels;
    }
    print_json(out);
    return kExitOk;
  }
  fmt::print("{}\n", header);
  if (plot) {
    fmt::print("wrote a scatter plot of {} points to {}\n", coords.rows(), f.output);
    return kExitOk;
  }
  if (!f.output.empty()) {
    fmt::print("wrote {} x {} coordinates to {}\n", coords.rows(), coords.cols(), f.output);
    return kExitOk;
  }
  for (std::size_t r = 0; r < coords.rows(); ++r) {
    fmt::print("{}", in.names[r]);
    if (in.labels) fmt::print("\t{}", (*in.labels)[r]);
    for (float v : coords.row(r)) fmt::print("\t{:.6g}", v);
    fmt::print("\n");
  }
  return kExitOk;
}

int run_tsne(const ProjectFlags& f, const AnalysisInput& in, int threads) {
  if (f.dim != 2 && f.dim != 3) return usage(fmt::format("--dim {}: t-SNE maps to 2 or 3 dimensions", f.dim));
  if (!f.save_pca.empty() || !f.load_pca.empty() || f.solver != "auto") {
    return usage("--save-pca, --load-pca and --solver are PCA options; t-SNE does not take them");
  }
  analysis::TsneOptions options{.dim = static_cast<std::size_t>(f.dim),
                                .perplexity = f.perplexity,
                                .iterations = f.iterations,
                                .threads = threads,
                                .method = f.tsne_method == "exact" ? analysis::TsneMethod::kExact
                                          : f.tsne_method == "fft" ? analysis::TsneMethod::kFft
                                                                   : analysis::TsneMethod::kAuto};
  options.exaggeration_iterations = std::min(options.exaggeration_iterations, options.iterations);
  if (f.seed_given) options.seed = f.seed;
  if (auto ok = options.validate(); !ok) return report(ok.error());
  core::Progress progress("t-SNE", core::Progress::stderr_is_terminal());
  const auto start = std::chrono::steady_clock::now();
  auto result = analysis::tsne(in.vectors.view(), options, &progress);
  if (!result) {
    const Error error{result.error().code, fmt::format("{}: {}", in.source, result.error().message)};
    // Too few rows for the perplexity is fixed by a flag (exit 2); NaN data is a problem of the input (exit 1).
    return result.error().message.find("--perplexity") != std::string::npos ? report(error) : runtime(error);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto method = analysis::tsne_method_name(result->method);
  nlohmann::json out = {{"method", "tsne"},
                        {"tsne_method", method},
                        {"kl_divergence", result->kl_divergence},
                        {"iterations", result->iterations},
                        {"perplexity", f.perplexity},
                        {"rows", in.vectors.rows()},
                        {"input_dim", in.vectors.cols()},
                        {"dim", f.dim},
                        {"seconds", seconds}};
  const PlotText text{fmt::format("t-SNE of {} (perplexity {:g})", in.source, f.perplexity), "t-SNE 1", "t-SNE 2"};
  return write_projection(f, in, result->embedding, text, std::move(out),
                          fmt::format("# tsne ({}) of {} rows of dimension {} to {}: KL divergence {:.4f} after {} "
                                      "iterations ({:.1f} s)",
                                      method, in.vectors.rows(), in.vectors.cols(), f.dim, result->kl_divergence,
                                      result->iterations, seconds));
}

int run_project(const ProjectFlags& f) {
  const std::string extension = std::filesystem::path(f.output).extension().string();
  const bool plot = is_plot_output(f.output);
  if (!f.output.empty() && !plot && extension != ".npy") {
    return usage(fmt::format("--output {}: expected a .npy file, or .png, .svg or .pdf for a plot", f.output));
  }
  if (f.method != "tsne" && f.tsne_flags_given) {
    return usage("--perplexity, --iterations and --tsne-method need --method tsne");
  }
  if (auto ok = check_plot_flags(f.plot, f.output); !ok) return report(ok.error());
  auto in = load_analysis_input(f.input);
  if (!in) return report(in.error());
  const int threads = f.threads > 0 ? f.threads : default_threads();
  if (f.method == "tsne") return run_tsne(f, *in, threads);

  Expected<PcaModel> model = tl::unexpected(Error{});
  double fit_seconds = 0;  // 0 when the model was loaded
  if (!f.load_pca.empty()) {
    model = load_pca(f.load_pca);
    if (!model) return runtime(model.error());
  } else {
    const PcaSolver solver = f.solver == "exact"        ? PcaSolver::kExact
                             : f.solver == "randomized" ? PcaSolver::kRandomized
                                                        : PcaSolver::kAuto;
    const std::size_t most = std::min(in->vectors.rows(), in->vectors.cols());
    if (static_cast<std::size_t>(f.dim) > most) {
      return usage(fmt::format("--dim {} is more than {} allows: {} rows of dimension {} give at most {} components",
                               f.dim, in->source, in->vectors.rows(), in->vectors.cols(), most));
    }
    const auto start = std::chrono::steady_clock::now();
    model = fit_pca(in->vectors.view(), {.components = f.dim, .solver = solver, .seed = f.seed, .threads = threads});
    fit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!model) return runtime(Error{model.error().code, fmt::format("{}: {}", in->source, model.error().message)});
  }
  auto coords = model->transform(in->vectors.view(), threads);
  if (!coords) {
    return runtime(Error{ErrorCode::kInvalidArgument, fmt::format("{}: {} (PCA model {})", in->source,
                                                                  coords.error().message, f.load_pca)});
  }
  if (!f.save_pca.empty()) {
    if (auto ok = save_pca(*model, f.save_pca); !ok) return runtime(ok.error());
  }
  const auto ratio = model->explained_variance_ratio();
  auto axis = [&](std::size_t c) { return fmt::format("PC{} ({:.1f}% of the variance)", c + 1, 100 * ratio[c]); };
  const PlotText text{fmt::format("PCA of {}", in->source), axis(0), ratio.size() > 1 ? axis(1) : std::string()};
  nlohmann::json out = {{"method", "pca"},
                        {"solver", pca_solver_name(model->solver())},
                        {"rows", in->vectors.rows()},
                        {"input_dim", in->vectors.cols()},
                        {"dim", model->components()},
                        {"explained_variance", model->explained_variance()},
                        {"explained_variance_ratio", ratio}};
  if (!f.load_pca.empty()) {
    out["pca_model"] = f.load_pca;
  } else {
    out["fit_seconds"] = fit_seconds;
  }
  if (!f.save_pca.empty()) out["saved_pca_model"] = f.save_pca;
  double ratio_total = 0;
  std::string header = fmt::format("# pca ({}) of {} rows of dimension {} to {}: explained variance ratio",
                                   pca_solver_name(model->solver()), in->vectors.rows(), in->vectors.cols(),
                                   model->components());
  for (double r : ratio) {
    header += fmt::format(" {:.4f}", r);
    ratio_total += r;
  }
  header += fmt::format(" (total {:.4f})", ratio_total);
  return write_projection(f, *in, *coords, text, std::move(out), header);
}

}  // namespace

void register_project(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<ProjectFlags>();
  auto* cmd = app.add_subcommand(
      "project", "Project vectors to a few dimensions (PCA, or a t-SNE map) for viewing or smaller storage");
  add_analysis_input_options(*cmd, f->input);
  cmd->add_option("--method", f->method,
                  "pca (linear; fit once, apply to new vectors) or tsne (a 2-D or 3-D map that keeps neighbours "
                  "together: exact below 2,000 rows, FFT-accelerated above)")
      ->check(CLI::IsMember({"pca", "tsne"}))
      ->capture_default_str();
  auto* dim = cmd->add_option("--dim", f->dim, "Output dimension (number of components)")
                  ->check(CLI::PositiveNumber)
                  ->capture_default_str();
  auto* solver = cmd->add_option("--solver", f->solver,
                                 "PCA solver: exact (covariance eigendecomposition), randomized (sketch), or auto "
                                 "(whichever is cheaper: randomized for dimensions in the thousands)")
                     ->check(CLI::IsMember({"auto", "exact", "randomized"}))
                     ->capture_default_str();
  auto* seed = cmd->add_option("--seed", f->seed, "Seed of the randomized PCA solver's sketch (default 1), or of t-SNE (default 42)");
  auto* perplexity = cmd->add_option("--perplexity", f->perplexity,
                                     "t-SNE: effective number of neighbours per point (needs 3 * perplexity + 1 rows)")
                         ->check(CLI::PositiveNumber)
                         ->capture_default_str();
  auto* iterations = cmd->add_option("--iterations", f->iterations, "t-SNE: iterations, the first 250 exaggerated")
                         ->check(CLI::PositiveNumber)
                         ->capture_default_str();
  auto* tsne_method =
      cmd->add_option("--tsne-method", f->tsne_method,
                      "t-SNE gradient: exact (all pairs, O(N^2) per iteration), fft (neighbour graph + FFT-accelerated "
                      "interpolation of the repulsion, O(N)), or auto (exact below 2,000 rows)")
          ->check(CLI::IsMember({"auto", "exact", "fft"}))
          ->capture_default_str();
  cmd->add_option("--threads", f->threads, "Threads (default: all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--output", f->output,
                  "Write the coordinates to FILE.npy (rows x dim float32) instead of stdout, or draw them (--dim 2) "
                  "as a scatter plot FILE.png, FILE.svg (a tooltip per point) or FILE.pdf, coloured by --labels");
  add_plot_options(*cmd, f->plot);
  auto* save = cmd->add_option("--save-pca", f->save_pca, "Save the fitted PCA model (mean, components, variances)");
  auto* load = cmd->add_option("--load-pca", f->load_pca, "Project with a PCA model saved earlier instead of fitting");
  load->excludes(dim)->excludes(solver)->excludes(save);
  cmd->add_flag("--json", f->json, "Print one JSON object");
  cmd->callback([f, seed, perplexity, iterations, tsne_method, &exit_code] {
    f->seed_given = seed->count() > 0;
    f->tsne_flags_given = perplexity->count() > 0 || iterations->count() > 0 || tsne_method->count() > 0;
    exit_code = run_project(*f);
  });
}

}  // namespace semspace::cli
