// `--output FILE.png|FILE.svg|FILE.pdf` for commands that produce 2-D coordinates (project): the flags that shape
// the picture and the call that draws it from the analysed rows.
#pragma once

#include <string>

#include "cli/analysis_input.hpp"
#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace CLI {
class App;
}

namespace semspace::cli {

struct PlotFlags {
  bool point_labels = false;  // draw row names beside points
  std::string title;          // "" = the command's default
};

/// Adds --point-labels and --title to `cmd`.
void add_plot_options(CLI::App& cmd, PlotFlags& flags);

/// True when `output` names a plot by its extension (.png, .svg, .pdf, any case).
bool is_plot_output(const std::string& output);

/// kInvalidArgument (exit 2) when plot flags were given but `output` is not a plot.
Status check_plot_flags(const PlotFlags& flags, const std::string& output);

struct PlotText {
  std::string title;            // used when flags.title is empty
  std::string x_label, y_label;
};

/// Draws `coordinates` (in.vectors.rows() x 2) to `output`: each point's tooltip is its row name, colours follow
/// in.labels when given (legend "label"), names are drawn with --point-labels. kInvalidArgument (exit 2) when
/// the coordinates are not 2-D; kIo naming the file when it cannot be written.
Status write_plot(const std::string& output, MatrixView coordinates, const AnalysisInput& in, const PlotFlags& flags,
                  const PlotText& text);

}  // namespace semspace::cli
