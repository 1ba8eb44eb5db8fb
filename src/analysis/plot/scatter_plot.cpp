#include "analysis/plot/scatter_plot.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "analysis/plot/markup.hpp"
#include "core/random.hpp"
#include "io/atomic_file.hpp"

namespace semspace::plot {
namespace {

constexpr double kTitleSize = 16, kAxisTitleSize = 12, kTickSize = 10, kLegendSize = 11, kNameSize = 10;
constexpr Rgb kTextColor{0x22, 0x22, 0x22}, kTickColor{0x55, 0x55, 0x55}, kGridColor{0xEB, 0xEB, 0xEB};
constexpr std::size_t kLegendNameChars = 28;  // longer legend names are shortened with "…"
constexpr std::size_t kPointNameChars = 32;   // the same for names drawn beside points
constexpr std::size_t kTooltipChars = 300;
constexpr double kLegendRow = 18, kTickLength = 4;
constexpr std::size_t kNameTriesPerLabel = 20;  // names tried per name drawn: bounds the text measuring for 100k rows

tl::unexpected<Error> invalid(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

// A step of 1, 2 or 5 times a power of ten giving about `target` intervals over `span`.
double nice_step(double span, int target) {
  const double raw = span / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  return (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) * magnitude;
}

std::string tick_text(double value, double step) {
  if (std::abs(value) < step * 1e-6) return "0";
  if (step < 1e-4 || step >= 1e6) return fmt::format("{:.3g}", value);
  const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  return fmt::format("{:.{}f}", value, decimals);
}

struct Tick {
  double value;
  std::string text;
};

std::vector<Tick> ticks(double low, double high, int target) {
  std::vector<Tick> out;
  const double step = nice_step(high - low, target);
  for (double k = std::ceil(low / step); k * step <= high + step * 1e-9; k += 1) {
    out.push_back({k * step, tick_text(k * step, step)});
  }
  return out;
}

// One scale for both axes: the distances PCA and t-SNE preserve would be distorted by stretching one axis.
struct View {
  double x0 = 0, y0 = 0;  // data values at the plot area's left and bottom edges
  double scale = 1;       // pixels per data unit
  double x1 = 0, y1 = 0;  // data values at the right and top edges
};

View fit_view(MatrixView xy, const Box& area, double inset) {
  double x_min = std::numeric_limits<double>::infinity(), x_max = -x_min, y_min = x_min, y_max = -x_min;
  for (std::size_t r = 0; r < xy.rows; ++r) {
    const auto row = xy.row(r);
    x_min = std::min<double>(x_min, row[0]);
    x_max = std::max<double>(x_max, row[0]);
    y_min = std::min<double>(y_min, row[1]);
    y_max = std::max<double>(y_max, row[1]);
  }
  const double width = std::max(1.0, area.width() - 2 * inset), height = std::max(1.0, area.height() - 2 * inset);
  double x_span = x_max - x_min, y_span = y_max - y_min;
  if (!(x_span > 0) && !(y_span > 0)) x_span = y_span = std::max(1.0, std::abs(x_min) + std::abs(y_min));
  const double scale = std::min(x_span > 0 ? width / x_span : std::numeric_limits<double>::infinity(),
                                y_span > 0 ? height / y_span : std::numeric_limits<double>::infinity());
  View view;
  view.scale = scale;
  const double x_mid = (x_min + x_max) / 2, y_mid = (y_min + y_max) / 2;
  view.x0 = x_mid - area.width() / 2 / scale;
  view.x1 = x_mid + area.width() / 2 / scale;
  view.y0 = y_mid - area.height() / 2 / scale;
  view.y1 = y_mid + area.height() / 2 / scale;
  return view;
}

Status check_data(const ScatterData& data) {
  const MatrixView& xy = data.coordinates;
  if (xy.cols != 2) return invalid(fmt::format("a scatter plot needs 2 coordinates per point, got {}", xy.cols));
  if (xy.rows == 0) return invalid("a scatter plot needs at least one point");
  if (!data.names.empty() && data.names.size() != xy.rows) {
    return invalid(fmt::format("{} names for {} points", data.names.size(), xy.rows));
  }
  if (!data.categories.empty() && data.categories.size() != xy.rows) {
    return invalid(fmt::format("{} categories for {} points", data.categories.size(), xy.rows));
  }
  for (std::size_t r = 0; r < xy.rows; ++r) {
    const auto row = xy.row(r);
    if (!std::isfinite(row[0]) || !std::isfinite(row[1])) {
      return invalid(fmt::format("point {} has a non-finite coordinate ({}, {})", r, row[0], row[1]));
    }
  }
  return {};
}

double baseline_for_middle(TextMeasurer& measure, double middle, double size) {
  return middle + (measure.ascent(size) - measure.descent(size)) / 2;
}

}  // namespace

std::optional<PlotFormat> plot_format_of(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".png") return PlotFormat::kPng;
  if (extension == ".svg") return PlotFormat::kSvg;
  if (extension == ".pdf") return PlotFormat::kPdf;
  return std::nullopt;
}

Status ScatterPlotOptions::validate() const {
  if (width < 200 || width > 20000) return invalid(fmt::format("plot width {} is outside [200, 20000]", width));
  if (height < 150 || height > 20000) return invalid(fmt::format("plot height {} is outside [150, 20000]", height));
  if (!(marker_radius >= 0) || marker_radius > 100) {
    return invalid(fmt::format("marker radius {} is outside [0, 100]", marker_radius));
  }
  if (!(marker_alpha >= 0 && marker_alpha <= 1)) {
    return invalid(fmt::format("marker opacity {} is outside [0, 1]", marker_alpha));
  }
  return {};
}

// Both shrink with the fourth/third root of n: a tenfold increase in points halves the opacity roughly, so
// dense regions stay darker than sparse ones instead of saturating.
double auto_marker_radius(std::size_t points) {
  return std::clamp(5.0 * std::pow(100.0 / static_cast<double>(std::max<std::size_t>(points, 1)), 0.25), 1.0, 5.0);
}
double auto_marker_alpha(std::size_t points) {
  return std::clamp(0.9 * std::pow(1000.0 / static_cast<double>(std::max<std::size_t>(points, 1)), 0.35), 0.15, 0.9);
}

Expected<PlotScene> scatter_scene(const ScatterData& data, const ScatterPlotOptions& options) {
  if (auto ok = options.validate(); !ok) return tl::unexpected(ok.error());
  if (auto ok = check_data(data); !ok) return tl::unexpected(ok.error());
  const MatrixView& xy = data.coordinates;
  const std::size_t n = xy.rows;
  TextMeasurer measure;
  PlotScene scene;
  scene.width = options.width;
  scene.height = options.height;
  scene.marker_radius = options.marker_radius > 0 ? options.marker_radius : auto_marker_radius(n);
  scene.marker_alpha = options.marker_alpha > 0 ? options.marker_alpha : auto_marker_alpha(n);

  const CategoryColors colors = assign_category_colors(data.categories);
  std::vector<std::string> legend_texts;
  double legend_width = 0;
  for (const auto& entry : colors.entries) {
    legend_texts.push_back(fmt::format("{} ({})", display_text(entry.name, kLegendNameChars), entry.count));
    legend_width = std::max(legend_width, measure.width(legend_texts.back(), kLegendSize));
  }
  const std::string legend_title = display_text(options.legend_title, kLegendNameChars);
  const double legend_text_x = 2 * scene.swatch_radius + 6;  // entries: swatch, gap, text
  if (!legend_texts.empty()) {
    legend_width = std::max(legend_text_x + legend_width, measure.width(legend_title, kLegendSize, true));
  }

  // Margins around the plot area: title above, tick labels and axis titles left and below, legend right.
  const std::string title = display_text(options.title, 200), x_title = display_text(options.x_label, 100),
                    y_title = display_text(options.y_label, 100);
  const double tick_height = measure.ascent(kTickSize) + measure.descent(kTickSize);
  const double axis_title_height = measure.ascent(kAxisTitleSize) + measure.descent(kAxisTitleSize);
  const double top = title.empty() ? 14 : 14 + measure.ascent(kTitleSize) + measure.descent(kTitleSize) + 8;
  const double bottom = 10 + kTickLength + 4 + tick_height + (x_title.empty() ? 0 : axis_title_height + 6);
  const double right = legend_texts.empty() ? 16 : 16 + legend_width + 16;
  const double inset = scene.marker_radius + 6;
  // The left margin depends on the widest y tick label, which depends on the plot area: measure the labels of a
  // provisional area; the final ticks have the same step or a neighbouring one.
  const double left_fixed = 10 + (y_title.empty() ? 0 : axis_title_height + 6) + kTickLength + 4;
  double y_tick_width = 0;
  {
    const Box provisional{left_fixed + 40, top, options.width - right, options.height - bottom};
    const View view = fit_view(xy, provisional, inset);
    for (const auto& t : ticks(view.y0, view.y1, std::max(2, static_cast<int>(provisional.height() / 70)))) {
      y_tick_width = std::max(y_tick_width, measure.width(t.text, kTickSize));
    }
  }
  const Box area{left_fixed + y_tick_width, top, options.width - right, options.height - bottom};
  if (area.width() < 60 || area.height() < 60) {
    return invalid(fmt::format("a {} x {} plot leaves no room for the points beside its legend and axes; make it "
                               "larger",
                               options.width, options.height));
  }
  scene.frame = area;
  const View view = fit_view(xy, area, inset);
  auto to_x = [&](double x) { return area.x0 + (x - view.x0) * view.scale; };
  auto to_y = [&](double y) { return area.y1 - (y - view.y0) * view.scale; };

  // Grid, ticks and their labels.
  for (const auto& t : ticks(view.x0, view.x1, std::max(2, static_cast<int>(area.width() / 90)))) {
    const double x = to_x(t.value);
    scene.lines.push_back({x, area.y0, x, area.y1, kGridColor, 1});
    scene.lines.push_back({x, area.y1, x, area.y1 + kTickLength, kTickColor, 1});
    scene.texts.push_back({x, area.y1 + kTickLength + 3 + measure.ascent(kTickSize), t.text, kTickSize,
                           TextAnchor::kMiddle, false, false, kTickColor});
  }
  for (const auto& t : ticks(view.y0, view.y1, std::max(2, static_cast<int>(area.height() / 70)))) {
    const double y = to_y(t.value);
    scene.lines.push_back({area.x0, y, area.x1, y, kGridColor, 1});
    scene.lines.push_back({area.x0 - kTickLength, y, area.x0, y, kTickColor, 1});
    scene.texts.push_back({area.x0 - kTickLength - 3, baseline_for_middle(measure, y, kTickSize), t.text, kTickSize,
                           TextAnchor::kEnd, false, false, kTickColor});
  }
  if (!title.empty()) {
    scene.texts.push_back({(area.x0 + area.x1) / 2, 10 + measure.ascent(kTitleSize), title, kTitleSize,
                           TextAnchor::kMiddle, true, false, kTextColor});
  }
  if (!x_title.empty()) {
    scene.texts.push_back({(area.x0 + area.x1) / 2, options.height - 8 - measure.descent(kAxisTitleSize), x_title,
                           kAxisTitleSize, TextAnchor::kMiddle, false, false, kTextColor});
  }
  if (!y_title.empty()) {
    scene.texts.push_back({10 + measure.ascent(kAxisTitleSize), (area.y0 + area.y1) / 2, y_title, kAxisTitleSize,
                           TextAnchor::kMiddle, false, true, kTextColor});
  }

  // Points, in a seeded random order.
  std::vector<PixelPoint> pixels(n);
  for (std::size_t r = 0; r < n; ++r) pixels[r] = {to_x(xy.row(r)[0]), to_y(xy.row(r)[1])};
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  core::Rng rng(options.seed);
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(static_cast<std::uint32_t>(i))]);
  scene.markers.reserve(n);
  for (std::uint32_t r : order) {
    const Rgb color = colors.entries.empty() ? kCategoryColors[0] : colors.entries[colors.entry_of_point[r]].color;
    scene.markers.push_back({pixels[r].x, pixels[r].y, color, r});
  }
  if (!data.names.empty()) {
    scene.tooltips.reserve(n);
    for (std::size_t r = 0; r < n; ++r) {
      std::string tip = data.names[r];
      if (!data.categories.empty() && data.categories[r] != data.names[r]) {
        tip += options.legend_title.empty() ? fmt::format(" ({})", data.categories[r])
                                            : fmt::format(" ({} {})", options.legend_title, data.categories[r]);
      }
      scene.tooltips.push_back(display_text(tip, kTooltipChars));
    }
  }

  // Names beside points, in row order, where they fit.
  if (options.text_labels && !data.names.empty() && options.max_text_labels > 0) {
    const std::size_t tries = std::min(n, options.max_text_labels * kNameTriesPerLabel);
    const double ascent = measure.ascent(kNameSize), height = ascent + measure.descent(kNameSize);
    std::vector<std::string> texts;
    std::vector<LabelRequest> requests;
    for (std::size_t r = 0; r < tries; ++r) {
      std::string text = display_text(data.names[r], kPointNameChars);
      if (text.empty()) continue;
      // A little slack: the SVG viewer's font may run slightly wider than the one measured here.
      requests.push_back({static_cast<std::uint32_t>(r), measure.width(text, kNameSize) * 1.05 + 1, height});
      texts.push_back(std::move(text));
    }
    const auto boxes = place_labels(pixels, requests,
                                    {.bounds = {area.x0 + 1, area.y0 + 1, area.x1 - 1, area.y1 - 1},
                                     .point_radius = scene.marker_radius,
                                     .gap = 2,
                                     .max_labels = options.max_text_labels});
    for (std::size_t i = 0; i < boxes.size(); ++i) {
      if (!boxes[i]) continue;
      scene.texts.push_back({boxes[i]->x0, boxes[i]->y0 + ascent, std::move(texts[i]), kNameSize,
                             TextAnchor::kStart, false, false, kTextColor});
    }
  }

  // Legend right of the plot area.
  if (!legend_texts.empty()) {
    const double x = area.x1 + 16;
    double y = area.y0 + 4;
    if (!legend_title.empty()) {
      scene.texts.push_back({x, y + measure.ascent(kLegendSize), legend_title, kLegendSize, TextAnchor::kStart, true,
                             false, kTextColor});
      y += kLegendRow + 2;
    }
    for (std::size_t i = 0; i < legend_texts.size(); ++i) {
      const double middle = y + kLegendRow / 2;
      scene.swatches.push_back({x + scene.swatch_radius, middle, colors.entries[i].color, 0});
      scene.texts.push_back({x + legend_text_x, baseline_for_middle(measure, middle, kLegendSize),
                             legend_texts[i], kLegendSize, TextAnchor::kStart, false, false, kTextColor});
      y += kLegendRow;
    }
  }
  return scene;
}

Expected<std::string> scatter_svg(const ScatterData& data, const ScatterPlotOptions& options) {
  auto scene = scatter_scene(data, options);
  if (!scene) return tl::unexpected(scene.error());
  return render_svg(*scene);
}

Status write_scatter_plot(const std::filesystem::path& path, const ScatterData& data,
                          const ScatterPlotOptions& options) {
  const auto format = plot_format_of(path);
  if (!format) return invalid(fmt::format("{}: a plot is written as .png, .svg or .pdf", path.string()));
  auto scene = scatter_scene(data, options);
  if (!scene) return tl::unexpected(scene.error());
  Expected<std::string> bytes = *format == PlotFormat::kSvg   ? Expected<std::string>(render_svg(*scene))
                                : *format == PlotFormat::kPng ? render_png(*scene)
                                                              : render_pdf(*scene);
  if (!bytes) return make_error(bytes.error().code, fmt::format("{}: {}", path.string(), bytes.error().message));
  auto file = io::AtomicFileWriter::create(path);
  if (!file) return tl::unexpected(file.error());
  if (auto ok = file->write(*bytes); !ok) return ok;
  return file->commit();
}

}  // namespace semspace::plot
