// semspace project: a low-dimensional view of vectors, as numbers or a plot (PCA now; t-SNE: later in issue 5).
#include <fstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "analysis/pca.hpp"
#include "cli/analysis_input.hpp"
#include "cli/cli_common.hpp"
#include "cli/plot_output.hpp"
#include "io/npy.hpp"

namespace semspace::cli {
namespace {

struct ProjectFlags {
  AnalysisInputFlags input;
  PlotFlags plot;
  std::string method = "pca", solver = "auto", output, save_pca, load_pca;
  int dim = 2, threads = 0;
  std::uint64_t seed = 1;
  bool json = false;
};

int usage(const std::string& message) { return report(Error{ErrorCode::kInvalidArgument, message}); }
// Problems of the data or files (not of the flags): exit 1 whatever the library's error code.
int runtime(const Error& error) {
  report(error);
  return kExitError;
}

int run_project(const ProjectFlags& f) {
  if (f.method == "tsne") {
    return usage("--method tsne is not implemented yet (t-SNE is a later step of issue 5); use --method pca");
  }
  const std::string extension = std::filesystem::path(f.output).extension().string();
  const bool plot = is_plot_output(f.output);
  if (!f.output.empty() && !plot && extension != ".npy") {
    return usage(fmt::format("--output {}: expected a .npy file, or .png, .svg or .pdf for a plot", f.output));
  }
  if (auto ok = check_plot_flags(f.plot, f.output); !ok) return report(ok.error());
  auto in = load_analysis_input(f.input);
  if (!in) return report(in.error());
  const int threads = f.threads > 0 ? f.threads : default_threads();

  Expected<PcaModel> model = tl::unexpected(Error{});
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
    model = fit_pca(in->vectors.view(), {.components = f.dim, .solver = solver, .seed = f.seed, .threads = threads});
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
  if (plot) {
    auto axis = [&](std::size_t c) { return fmt::format("PC{} ({:.1f}% of the variance)", c + 1, 100 * ratio[c]); };
    const PlotText text{fmt::format("PCA of {}", in->source), axis(0), axis(1)};
    if (auto ok = write_plot(f.output, coords->view(), *in, f.plot, text); !ok) return report(ok.error());
  } else if (!f.output.empty()) {
    if (auto ok = io::write_npy(coords->view(), f.output); !ok) return runtime(ok.error());
  }

  double ratio_total = 0;
  for (double r : ratio) ratio_total += r;
  if (f.json) {
    nlohmann::json out = {{"method", "pca"},
                          {"solver", pca_solver_name(model->solver())},
                          {"rows", in->vectors.rows()},
                          {"input_dim", in->vectors.cols()},
                          {"dim", model->components()},
                          {"explained_variance", model->explained_variance()},
                          {"explained_variance_ratio", ratio}};
    if (!f.load_pca.empty()) out["pca_model"] = f.load_pca;
    if (!f.save_pca.empty()) out["saved_pca_model"] = f.save_pca;
    if (!f.output.empty()) {
      out["output"] = f.output;
    } else {
      nlohmann::json rows = nlohmann::json::array();
      for (std::size_t r = 0; r < coords->rows(); ++r) {
        auto row = coords->row(r);
        // Shortest text that reads back as the same float, not the 17 digits of its double widening.
        nlohmann::json values = nlohmann::json::array();
        for (float v : row) values.push_back(nlohmann::json::parse(fmt::format("{}", v)));
        rows.push_back(std::move(values));
      }
      out["names"] = in->names;
      out["coordinates"] = std::move(rows);
      if (in->labels) out["labels"] = *in->labels;
    }
    print_json(out);
    return kExitOk;
  }
  fmt::print("# pca ({}) of {} rows of dimension {} to {}: explained variance ratio", pca_solver_name(model->solver()),
             in->vectors.rows(), in->vectors.cols(), model->components());
  for (double r : ratio) fmt::print(" {:.4f}", r);
  fmt::print(" (total {:.4f})\n", ratio_total);
  if (plot) {
    fmt::print("wrote a scatter plot of {} points to {}\n", coords->rows(), f.output);
    return kExitOk;
  }
  if (!f.output.empty()) {
    fmt::print("wrote {} x {} coordinates to {}\n", coords->rows(), coords->cols(), f.output);
    return kExitOk;
  }
  for (std::size_t r = 0; r < coords->rows(); ++r) {
    fmt::print("{}", in->names[r]);
    if (in->labels) fmt::print("\t{}", (*in->labels)[r]);
    for (float v : coords->row(r)) fmt::print("\t{:.6g}", v);
    fmt::print("\n");
  }
  return kExitOk;
}

}  // namespace

void register_project(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<ProjectFlags>();
  auto* cmd = app.add_subcommand("project", "Project vectors to a few dimensions (PCA) for viewing or smaller storage");
  add_analysis_input_options(*cmd, f->input);
  cmd->add_option("--method", f->method, "pca (tsne: a later step)")->check(CLI::IsMember({"pca", "tsne"}))
      ->capture_default_str();
  auto* dim = cmd->add_option("--dim", f->dim, "Output dimension (number of components)")
                  ->check(CLI::PositiveNumber)
                  ->capture_default_str();
  auto* solver = cmd->add_option("--solver", f->solver,
                                 "PCA solver: exact (covariance eigendecomposition), randomized (sketch), or auto "
                                 "(whichever is cheaper: randomized for dimensions in the thousands)")
                     ->check(CLI::IsMember({"auto", "exact", "randomized"}))
                     ->capture_default_str();
  cmd->add_option("--seed", f->seed, "Seed of the randomized solver's sketch")->capture_default_str();
  cmd->add_option("--threads", f->threads, "Threads (default: all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--output", f->output,
                  "Write the coordinates to FILE.npy (rows x dim float32) instead of stdout, or draw them (--dim 2) "
                  "as a scatter plot FILE.png, FILE.svg (a tooltip per point) or FILE.pdf, coloured by --labels");
  add_plot_options(*cmd, f->plot);
  auto* save = cmd->add_option("--save-pca", f->save_pca, "Save the fitted PCA model (mean, components, variances)");
  auto* load = cmd->add_option("--load-pca", f->load_pca, "Project with a PCA model saved earlier instead of fitting");
  load->excludes(dim)->excludes(solver)->excludes(save);
  cmd->add_flag("--json", f->json, "Print one JSON object");
  cmd->callback([f, &exit_code] { exit_code = run_project(*f); });
}

}  // namespace semspace::cli
