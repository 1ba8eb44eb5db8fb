// A drawing as a list of primitives in pixel coordinates (y down), and the renderers that turn it into files:
// PNG and PDF through cairo, SVG written as text. Plots build a scene once; every format then shows the same
// geometry.
//
// Why SVG is not cairo's: cairo's SVG surface writes glyphs as paths and has no way to attach a <title>
// (the tooltip a browser shows on hover) to a shape. Writing the SVG ourselves keeps one <circle> with one
// <title> per point and real <text> (searchable, selectable, small), at the cost of the browser's font
// standing in for the one the layout measured with; labels keep a margin for that.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "analysis/plot/label_placement.hpp"
#include "analysis/plot/palette.hpp"
#include "semspace/status.hpp"

namespace semspace::plot {

enum class TextAnchor { kStart, kMiddle, kEnd };

struct SceneText {
  double x = 0, y = 0;  // the anchor point on the baseline
  std::string text;     // valid UTF-8 without control characters (see display_text)
  double size = 10;     // font size, pixels
  TextAnchor anchor = TextAnchor::kStart;
  bool bold = false;
  bool vertical = false;  // rotated a quarter turn anticlockwise about (x, y), read bottom to top
  Rgb color;
};

struct SceneLine {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  Rgb color;
  double width = 1;
};

struct SceneMarker {
  double x = 0, y = 0;  // centre
  Rgb color;
  std::uint32_t row = 0;  // the data row it shows (its tooltip)
};

struct PlotScene {
  int width = 0, height = 0;
  Rgb background{255, 255, 255};
  std::vector<SceneLine> lines;  // grid and ticks, drawn first
  Box frame;                     // outline of the plot area, drawn over the grid
  Rgb frame_color{0x99, 0x99, 0x99};
  std::vector<SceneMarker> markers;  // data points in drawing order (later ones on top)
  double marker_radius = 3, marker_alpha = 1;
  std::vector<std::string> tooltips;  // per data row, valid UTF-8 (see display_text); empty = no tooltips
  std::vector<SceneMarker> swatches;  // legend samples, opaque
  double swatch_radius = 5;
  std::vector<SceneText> texts;  // drawn last
};

/// The font every renderer names and the layout measures with; SVG lists fallbacks after it.
inline constexpr const char* kFontFamily = "DejaVu Sans";

/// Text extents in the plot font, through cairo's text API on a scratch surface. Not thread-safe (one per
/// thread).
class TextMeasurer {
 public:
  TextMeasurer();
  ~TextMeasurer();
  TextMeasurer(const TextMeasurer&) = delete;
  TextMeasurer& operator=(const TextMeasurer&) = delete;

  /// Advance width of `text` (valid UTF-8) at `size` pixels.
  double width(const std::string& text, double size, bool bold = false);
  /// Distance from the baseline up to the top of tall glyphs / down to the bottom of descenders.
  double ascent(double size);
  double descent(double size);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The scene as a standalone SVG document (no XML declaration, so it also embeds in HTML as is): text escaped,
/// each marker a <circle> holding a <title> with its row's tooltip when tooltips is not empty.
std::string render_svg(const PlotScene& scene);

/// PNG bytes (24-bit RGB, width x height pixels), or kIo with cairo's message.
Expected<std::string> render_png(const PlotScene& scene);

/// PDF bytes (one page of width x height points), or kIo with cairo's message.
Expected<std::string> render_pdf(const PlotScene& scene);

}  // namespace semspace::plot
