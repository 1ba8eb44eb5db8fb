#include "cli/plot_output.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "analysis/plot/scatter_plot.hpp"

namespace semspace::cli {

void add_plot_options(CLI::App& cmd, PlotFlags& flags) {
  cmd.add_flag("--point-labels", flags.point_labels,
               "With a plot --output: write row names (words, ids) beside the points where they fit without overlap");
  cmd.add_option("--title", flags.title, "With a plot --output: the title above the plot");
}

bool is_plot_output(const std::string& output) { return !output.empty() && plot::plot_format_of(output).has_value(); }

Status check_plot_flags(const PlotFlags& flags, const std::string& output) {
  if ((flags.point_labels || !flags.title.empty()) && !is_plot_output(output)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--point-labels and --title shape a plot: give --output FILE.png, FILE.svg or FILE.pdf");
  }
  return {};
}

Status write_plot(const std::string& output, MatrixView coordinates, const AnalysisInput& in, const PlotFlags& flags,
                  const PlotText& text) {
  if (coordinates.cols != 2) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("--output {}: a plot shows 2 dimensions, not {}; use --dim 2", output, coordinates.cols));
  }
  const plot::ScatterData data{.coordinates = coordinates,
                               .names = in.names,
                               .categories = in.labels ? std::span<const std::string>(*in.labels)
                                                       : std::span<const std::string>()};
  return plot::write_scatter_plot(output, data,
                                  {.title = flags.title.empty() ? text.title : flags.title,
                                   .x_label = text.x_label,
                                   .y_label = text.y_label,
                                   .legend_title = in.labels ? "label" : "",
                                   .text_labels = flags.point_labels});
}

}  // namespace semspace::cli
