// The SVG renderer; plot_scene.hpp says why it is text rather than cairo's SVG surface.
#include <fmt/format.h>

#include "analysis/plot/markup.hpp"
#include "analysis/plot/plot_scene.hpp"

namespace semspace::plot {
namespace {

// Two decimals: a hundredth of a pixel is below what any screen shows, and keeps 100,000 points to a few MB.
std::string num(double value) {
  std::string text = fmt::format("{:.2f}", value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

const char* anchor_name(TextAnchor anchor) {
  switch (anchor) {
    case TextAnchor::kStart: return "start";
    case TextAnchor::kMiddle: return "middle";
    case TextAnchor::kEnd: return "end";
  }
  return "start";
}

void append_circle(std::string& out, const SceneMarker& marker, double radius) {
  out += fmt::format(R"(<circle cx="{}" cy="{}" r="{}" fill="{}")", num(marker.x), num(marker.y), num(radius),
                     hex(marker.color));
}

}  // namespace

std::string render_svg(const PlotScene& scene) {
  std::string out;
  out.reserve(512 + scene.markers.size() * 96);
  out += fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" )"
      R"(font-family="{2}, Verdana, Arial, sans-serif">)"
      "\n",
      scene.width, scene.height, kFontFamily);
  out += fmt::format(R"(<rect width="{}" height="{}" fill="{}"/>)"
                     "\n",
                     scene.width, scene.height, hex(scene.background));
  for (const auto& line : scene.lines) {
    out += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"/>)"
                       "\n",
                       num(line.x0), num(line.y0), num(line.x1), num(line.y1), hex(line.color), num(line.width));
  }
  if (scene.frame.width() > 0) {
    out += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{}"/>)"
                       "\n",
                       num(scene.frame.x0), num(scene.frame.y0), num(scene.frame.width()),
                       num(scene.frame.height()), hex(scene.frame_color));
  }
  out += fmt::format(R"(<g id="points" fill-opacity="{}">)"
                     "\n",
                     num(scene.marker_alpha));
  for (const auto& marker : scene.markers) {
    append_circle(out, marker, scene.marker_radius);
    if (marker.row < scene.tooltips.size()) {
      out += "><title>";
      append_escaped(out, scene.tooltips[marker.row]);
      out += "</title></circle>\n";
    } else {
      out += "/>\n";
    }
  }
  out += "</g>\n";
  for (const auto& swatch : scene.swatches) {
    append_circle(out, swatch, scene.swatch_radius);
    out += "/>\n";
  }
  for (const auto& text : scene.texts) {
    out += fmt::format(R"(<text x="{}" y="{}" font-size="{}" fill="{}")", num(text.x), num(text.y), num(text.size),
                       hex(text.color));
    if (text.anchor != TextAnchor::kStart) out += fmt::format(R"( text-anchor="{}")", anchor_name(text.anchor));
    if (text.bold) out += R"( font-weight="bold")";
    if (text.vertical) out += fmt::format(R"svg( transform="rotate(-90 {} {})")svg", num(text.x), num(text.y));
    out += '>';
    append_escaped(out, text.text);
    out += "</text>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace semspace::plot
