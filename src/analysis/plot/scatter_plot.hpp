// 2-D scatter plots of projected vectors (PCA, t-SNE): points coloured by class label or cluster with a
// legend, optional names beside the points placed without overlaps, axes with equal scales, a title. Written
// as PNG or PDF (cairo) or SVG (text, one tooltip per point; see plot_scene.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "analysis/plot/plot_scene.hpp"
#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace::plot {

enum class PlotFormat { kPng, kSvg, kPdf };

/// The format a file name asks for by its extension (.png, .svg, .pdf; any case), else nullopt.
std::optional<PlotFormat> plot_format_of(const std::filesystem::path& path);

struct ScatterPlotOptions {
  int width = 900, height = 650;  // pixels (PDF: points)
  std::string title{};            // above the plot; "" = none
  std::string x_label{}, y_label{};  // axis titles; "" = none
  std::string legend_title{};     // above the legend; "" = none
  bool text_labels = false;       // write each point's name beside it where it fits (see label_placement.hpp)
  std::size_t max_text_labels = 300;  // at most this many names; tried in row order among the first 20x as many
  double marker_radius = 0;       // pixels; 0 = from the number of points (5 for <= 100, down to 1 at 10,000+)
  double marker_alpha = 0;        // opacity; 0 = from the number of points (0.9 for <= 1,000, down to 0.15)
  std::uint64_t seed = 1;         // order in which points are drawn (shuffled, so no category always lies on top)
  /// kInvalidArgument for width outside [200, 20000], height outside [150, 20000], a negative radius, or an
  /// alpha outside [0, 1].
  Status validate() const;
};

struct ScatterData {
  MatrixView coordinates{};                   // rows x 2, finite
  std::span<const std::string> names{};       // per row, or empty: tooltips (SVG: "name (legend_title category)")
                                              // and text labels
  std::span<const std::string> categories{};  // per row, or empty: every point in one colour, no legend
};

/// The drawing, in pixels. kInvalidArgument when coordinates does not have 2 columns or has no rows, a value is
/// not finite (row named), names or categories have another length than the rows, or the options are invalid.
Expected<PlotScene> scatter_scene(const ScatterData& data, const ScatterPlotOptions& options);

/// The plot as an SVG document (see render_svg), e.g. to inline in an HTML page.
Expected<std::string> scatter_svg(const ScatterData& data, const ScatterPlotOptions& options);

/// Writes the plot to `path` in the format its extension names (crash-safe: a temporary file renamed over it).
/// kInvalidArgument for another extension and as scatter_scene; kIo naming the path when it cannot be written.
Status write_scatter_plot(const std::filesystem::path& path, const ScatterData& data,
                          const ScatterPlotOptions& options);

/// Automatic marker radius and opacity for n points (the defaults of ScatterPlotOptions).
double auto_marker_radius(std::size_t points);
double auto_marker_alpha(std::size_t points);

}  // namespace semspace::plot
