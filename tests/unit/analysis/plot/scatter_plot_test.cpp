#include "analysis/plot/scatter_plot.hpp"

#include <cairo.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/random.hpp"
#include "support/python_reference.hpp"

namespace semspace::plot {
namespace {

Matrix points(std::initializer_list<std::pair<float, float>> xy) {
  Matrix m(xy.size(), 2);
  std::size_t r = 0;
  for (auto [x, y] : xy) {
    m.row(r)[0] = x;
    m.row(r)[1] = y;
    ++r;
  }
  return m;
}

struct Png {
  int width = 0, height = 0;
  std::vector<Rgb> pixels;
  Rgb at(double x, double y) const {
    return pixels[static_cast<std::size_t>(std::lround(y - 0.5)) * width + static_cast<std::size_t>(std::lround(x - 0.5))];
  }
};

// Decodes with cairo's own PNG reader (libpng underneath), not with anything the plot code uses to write.
Png read_png(const std::filesystem::path& path) {
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
      cairo_image_surface_create_from_png(path.c_str()), cairo_surface_destroy);
  Png png;
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) return png;
  cairo_surface_flush(surface.get());
  png.width = cairo_image_surface_get_width(surface.get());
  png.height = cairo_image_surface_get_height(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  for (int y = 0; y < png.height; ++y) {
    const auto* row = reinterpret_cast<const std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
    for (int x = 0; x < png.width; ++x) {
      png.pixels.push_back({static_cast<std::uint8_t>(row[x] >> 16), static_cast<std::uint8_t>(row[x] >> 8),
                            static_cast<std::uint8_t>(row[x])});
    }
  }
  return png;
}

void expect_near(Rgb actual, double r, double g, double b, int tolerance, const std::string& where) {
  EXPECT_NEAR(actual.r, r, tolerance) << where;
  EXPECT_NEAR(actual.g, g, tolerance) << where;
  EXPECT_NEAR(actual.b, b, tolerance) << where;
}

// What a browser would see: the SVG parsed by Python's XML parser (tests/reference/markup_check.py).
nlohmann::json parse_markup(const std::filesystem::path& path) {
  auto run = testing::run_python(testing::reference_script("markup_check.py"), {path.string()});
  EXPECT_EQ(run.status, 0) << run.output;
  return run.status == 0 ? nlohmann::json::parse(run.output) : nlohmann::json::object();
}

TEST(ScatterPlot, PngDecodesWithTheSizeAndEachPointsColour) {
  const auto dir = testing::scratch_dir("ScatterPng");
  // Off the tick values, so no grid line runs under a point's centre.
  const Matrix xy = points({{0.13f, 0.17f}, {4.21f, 0.11f}, {0.27f, 2.93f}, {3.93f, 3.07f}, {2.07f, 1.43f}});
  const std::vector<std::string> categories = {"a", "b", "c", "a", "b"};
  for (double alpha : {1.0, 0.5}) {
    const ScatterPlotOptions options{.width = 640, .height = 480, .title = "five", .marker_radius = 6,
                                     .marker_alpha = alpha};
    const ScatterData data{.coordinates = xy.view(), .categories = categories};
    auto scene = scatter_scene(data, options);
    ASSERT_TRUE(scene) << scene.error().message;
    const auto path = dir / "five.png";
    ASSERT_TRUE(write_scatter_plot(path, data, options));
    const Png png = read_png(path);
    ASSERT_EQ(png.width, 640);
    ASSERT_EQ(png.height, 480);
    ASSERT_EQ(scene->markers.size(), 5u);
    for (const auto& marker : scene->markers) {
      const Rgb expected = kCategoryColors[categories[marker.row][0] - 'a'];  // a, b, c: legend order
      const auto where = "point " + std::to_string(marker.row) + " alpha " + std::to_string(alpha);
      // Over the white background: colour * alpha + white * (1 - alpha).
      auto blend = [&](std::uint8_t c) { return c * alpha + 255 * (1 - alpha); };
      expect_near(png.at(marker.x, marker.y), blend(expected.r), blend(expected.g), blend(expected.b), 2, where);
      // Beside the marker (inside the plot, no other point within reach) only background or grid remains.
      const Rgb beside = png.at(marker.x < 320 ? marker.x + 10 : marker.x - 10, marker.y);
      EXPECT_GE(std::min({beside.r, beside.g, beside.b}), 0xE0) << where;
    }
    // Legend swatches are opaque, in legend order.
    ASSERT_EQ(scene->swatches.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
      const Rgb c = kCategoryColors[i];
      expect_near(png.at(scene->swatches[i].x, scene->swatches[i].y), c.r, c.g, c.b, 2, "swatch");
    }
  }
}

TEST(ScatterPlot, BothAxesShareOneScaleAndKeepOrientation) {
  const Matrix xy = points({{0, 0}, {10, 0}, {0, 1}});
  auto scene = scatter_scene({.coordinates = xy.view()}, {});
  ASSERT_TRUE(scene) << scene.error().message;
  PixelPoint p[3];
  for (const auto& m : scene->markers) p[m.row] = {m.x, m.y};
  const double x_scale = (p[1].x - p[0].x) / 10, y_scale = (p[0].y - p[2].y) / 1;  // pixel y grows downwards
  EXPECT_GT(x_scale, 0);
  EXPECT_NEAR(x_scale, y_scale, 1e-9);
  EXPECT_NEAR(p[0].y, p[1].y, 1e-9);
  for (const auto& m : scene->markers) EXPECT_TRUE(scene->frame.contains({m.x - 3, m.y - 3, m.x + 3, m.y + 3}));
}

TEST(ScatterPlot, SvgIsWellFormedWithOneEscapedTooltipPerPoint) {
  const auto dir = testing::scratch_dir("ScatterSvg");
  const Matrix xy = points({{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0.5, 0.2}});
  const std::vector<std::string> names = {"a<b", "Tom & \"Jerry\"", "'quoted'", "caf\xC3\xA9", "bad\x80" "byte\x01"};
  const std::vector<std::string> categories = {"x", "y", "x", "<z>", "x"};
  const ScatterData data{.coordinates = xy.view(), .names = names, .categories = categories};
  const ScatterPlotOptions options{.title = "Words <PCA> & more", .x_label = "PC1", .y_label = "PC2",
                                   .legend_title = "label", .text_labels = true};
  auto scene = scatter_scene(data, options);
  ASSERT_TRUE(scene) << scene.error().message;
  ASSERT_TRUE(write_scatter_plot(dir / "p.svg", data, options));
  const auto svg = parse_markup(dir / "p.svg");
  ASSERT_EQ(svg.value("root", ""), "svg");
  const auto& shown = svg["points"];
  ASSERT_EQ(shown.size(), 5u);
  const std::vector<std::string> tooltips = {"a<b (label x)", "Tom & \"Jerry\" (label y)", "'quoted' (label x)",
                                             "caf\xC3\xA9 (label <z>)", "bad\xEF\xBF\xBD" "byte\xEF\xBF\xBD (label x)"};
  for (std::size_t i = 0; i < shown.size(); ++i) {
    const auto& marker = scene->markers[i];  // the SVG draws in the scene's order
    EXPECT_EQ(shown[i]["titles"], 1);
    EXPECT_EQ(shown[i]["title"], tooltips[marker.row]);
    EXPECT_NEAR(shown[i]["cx"].get<double>(), marker.x, 0.006);
    EXPECT_NEAR(shown[i]["cy"].get<double>(), marker.y, 0.006);
    EXPECT_EQ(shown[i]["fill"], hex(marker.color));
  }
  std::vector<std::string> texts = svg["texts"];
  auto has = [&](const std::string& t) { return std::find(texts.begin(), texts.end(), t) != texts.end(); };
  EXPECT_TRUE(has("Words <PCA> & more"));
  EXPECT_TRUE(has("PC1"));
  EXPECT_TRUE(has("<z> (1)"));  // legend: name (count)
  EXPECT_TRUE(has("Tom & \"Jerry\""));  // sparse points: every name is drawn beside its point
  EXPECT_TRUE(has("'quoted'"));
}

TEST(ScatterPlot, PdfIsWritten) {
  const auto dir = testing::scratch_dir("ScatterPdf");
  const Matrix xy = points({{0, 0}, {1, 2}});
  ASSERT_TRUE(write_scatter_plot(dir / "p.PDF", {.coordinates = xy.view()}, {.title = "pdf"}));
  std::ifstream in(dir / "p.PDF", std::ios::binary);
  std::string head(5, '\0');
  in.read(head.data(), 5);
  EXPECT_EQ(head, "%PDF-");
  EXPECT_GT(std::filesystem::file_size(dir / "p.PDF"), 500u);
}

TEST(ScatterPlot, RejectsBadInputWithAReason) {
  const Matrix xy = points({{0, 0}, {1, std::nanf("")}});
  auto nan = scatter_scene({.coordinates = xy.view()}, {});
  ASSERT_FALSE(nan);
  EXPECT_EQ(nan.error().message, "point 1 has a non-finite coordinate (1, nan)");
  const Matrix three(2, 3);
  auto wide = scatter_scene({.coordinates = three.view()}, {});
  ASSERT_FALSE(wide);
  EXPECT_EQ(wide.error().message, "a scatter plot needs 2 coordinates per point, got 3");
  const Matrix ok = points({{0, 0}, {1, 1}});
  const std::vector<std::string> one = {"x"};
  EXPECT_FALSE(scatter_scene({.coordinates = ok.view(), .names = one}, {}));
  EXPECT_FALSE(scatter_scene({.coordinates = ok.view(), .categories = one}, {}));
  EXPECT_FALSE(scatter_scene({.coordinates = ok.view()}, {.width = 50}));
  EXPECT_FALSE(scatter_scene({.coordinates = ok.view()}, {.marker_alpha = 2}));
  auto extension = write_scatter_plot("plot.jpg", {.coordinates = ok.view()}, {});
  ASSERT_FALSE(extension);
  EXPECT_EQ(extension.error().message, "plot.jpg: a plot is written as .png, .svg or .pdf");
  EXPECT_EQ(plot_format_of("a/b.Svg"), PlotFormat::kSvg);
  EXPECT_EQ(plot_format_of("b.npy"), std::nullopt);
  // One point, or all points equal: still a plot, the point in the middle.
  const Matrix same = points({{3, 3}, {3, 3}});
  auto scene = scatter_scene({.coordinates = same.view()}, {});
  ASSERT_TRUE(scene) << scene.error().message;
  EXPECT_NEAR(scene->markers[0].x, (scene->frame.x0 + scene->frame.x1) / 2, 1e-9);
}

TEST(ScatterPlot, MarkersShrinkAndFadeAsPointsGrow) {
  EXPECT_DOUBLE_EQ(auto_marker_radius(10), 5);
  EXPECT_DOUBLE_EQ(auto_marker_radius(100), 5);
  EXPECT_DOUBLE_EQ(auto_marker_radius(100'000), 1);
  EXPECT_DOUBLE_EQ(auto_marker_alpha(10), 0.9);
  EXPECT_NEAR(auto_marker_alpha(100'000), 0.18, 0.01);
  EXPECT_DOUBLE_EQ(auto_marker_alpha(1'000'000), 0.15);
  for (std::size_t n = 100; n < 100'000; n *= 2) {
    EXPECT_GT(auto_marker_radius(n), auto_marker_radius(n * 2)) << n;
    EXPECT_GE(auto_marker_alpha(n), auto_marker_alpha(n * 2)) << n;
  }
}

// 100,000 points with 12 classes and names: everything is drawn, and dense regions get no names.
TEST(ScatterPlot, HundredThousandPoints) {
  const auto dir = testing::scratch_dir("ScatterLarge");
  const std::size_t n = 100'000;
  Matrix xy(n, 2);
  std::vector<std::string> names(n), categories(n);
  core::Rng rng(7);
  for (std::size_t r = 0; r < n; ++r) {
    const auto cls = rng.below(12);
    xy.row(r)[0] = static_cast<float>(std::cos(cls)) * 10 + rng.uniform() * 3;
    xy.row(r)[1] = static_cast<float>(std::sin(cls)) * 10 + rng.uniform() * 3;
    names[r] = fmt::format("w{}", r);
    categories[r] = fmt::format("class{}", cls);
  }
  const ScatterData data{.coordinates = xy.view(), .names = names, .categories = categories};
  auto scene = scatter_scene(data, {.text_labels = true});
  ASSERT_TRUE(scene) << scene.error().message;
  EXPECT_EQ(scene->markers.size(), n);
  EXPECT_EQ(scene->swatches.size(), 8u);  // 7 classes and "other"
  ASSERT_TRUE(write_scatter_plot(dir / "large.png", data, {.text_labels = true}));
  EXPECT_EQ(read_png(dir / "large.png").width, 900);
}

}  // namespace
}  // namespace semspace::plot
