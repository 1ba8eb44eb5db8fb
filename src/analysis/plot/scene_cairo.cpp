#include <cairo.h>
#include <cairo-pdf.h>

#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "analysis/plot/plot_scene.hpp"

namespace semspace::plot {
namespace {

struct SurfaceCloser {
  void operator()(cairo_surface_t* surface) const noexcept { cairo_surface_destroy(surface); }
};
struct ContextCloser {
  void operator()(cairo_t* cr) const noexcept { cairo_destroy(cr); }
};
using SurfaceHandle = std::unique_ptr<cairo_surface_t, SurfaceCloser>;
using ContextHandle = std::unique_ptr<cairo_t, ContextCloser>;

void set_font(cairo_t* cr, double size, bool bold) {
  cairo_select_font_face(cr, kFontFamily, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

void set_color(cairo_t* cr, Rgb color, double alpha = 1) {
  cairo_set_source_rgba(cr, color.r / 255.0, color.g / 255.0, color.b / 255.0, alpha);
}

void draw_disc(cairo_t* cr, double x, double y, double radius) {
  cairo_new_sub_path(cr);
  cairo_arc(cr, x, y, radius, 0, 2 * std::numbers::pi);
  cairo_fill(cr);
}

void draw(cairo_t* cr, const PlotScene& scene) {
  set_color(cr, scene.background);
  cairo_paint(cr);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
  for (const auto& line : scene.lines) {
    set_color(cr, line.color);
    cairo_set_line_width(cr, line.width);
    cairo_move_to(cr, line.x0, line.y0);
    cairo_line_to(cr, line.x1, line.y1);
    cairo_stroke(cr);
  }
  if (scene.frame.width() > 0) {
    set_color(cr, scene.frame_color);
    cairo_set_line_width(cr, 1);
    cairo_rectangle(cr, scene.frame.x0, scene.frame.y0, scene.frame.width(), scene.frame.height());
    cairo_stroke(cr);
  }
  for (const auto& marker : scene.markers) {
    set_color(cr, marker.color, scene.marker_alpha);
    draw_disc(cr, marker.x, marker.y, scene.marker_radius);
  }
  for (const auto& swatch : scene.swatches) {
    set_color(cr, swatch.color);
    draw_disc(cr, swatch.x, swatch.y, scene.swatch_radius);
  }
  for (const auto& text : scene.texts) {
    set_font(cr, text.size, text.bold);
    set_color(cr, text.color);
    cairo_text_extents_t extents;
    cairo_text_extents(cr, text.text.c_str(), &extents);
    const double shift = text.anchor == TextAnchor::kStart    ? 0
                         : text.anchor == TextAnchor::kMiddle ? extents.x_advance / 2
                                                              : extents.x_advance;
    cairo_save(cr);
    cairo_translate(cr, text.x, text.y);
    if (text.vertical) cairo_rotate(cr, -std::numbers::pi / 2);
    cairo_move_to(cr, -shift, 0);
    cairo_show_text(cr, text.text.c_str());
    cairo_restore(cr);
  }
}

Status check(cairo_status_t status, const char* what) {
  if (status == CAIRO_STATUS_SUCCESS) return {};
  return make_error(ErrorCode::kIo, fmt::format("cannot draw the {}: cairo: {}", what, cairo_status_to_string(status)));
}

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

// fontconfig, which cairo asks for fonts, keeps allocations for the life of the process that only FcFini()
// releases; no library may call that while others could still use fonts, so under AddressSanitizer every
// process that drew text would fail its exit leak check. The sanitizer reads this hook; other builds ignore it.
#if defined(__SANITIZE_ADDRESS__)  // gcc
#define SEMSPACE_LEAK_CHECKED 1
#elif defined(__has_feature)  // clang
#if __has_feature(address_sanitizer)
#define SEMSPACE_LEAK_CHECKED 1
#endif
#endif
#ifdef SEMSPACE_LEAK_CHECKED
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
#endif

struct TextMeasurer::Impl {
  SurfaceHandle surface{cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1)};
  ContextHandle cr{cairo_create(surface.get())};
};

TextMeasurer::TextMeasurer() : impl_(std::make_unique<Impl>()) {}
TextMeasurer::~TextMeasurer() = default;

double TextMeasurer::width(const std::string& text, double size, bool bold) {
  set_font(impl_->cr.get(), size, bold);
  cairo_text_extents_t extents;
  cairo_text_extents(impl_->cr.get(), text.c_str(), &extents);
  return extents.x_advance;
}

double TextMeasurer::ascent(double size) {
  set_font(impl_->cr.get(), size, false);
  cairo_font_extents_t extents;
  cairo_font_extents(impl_->cr.get(), &extents);
  return extents.ascent;
}

double TextMeasurer::descent(double size) {
  set_font(impl_->cr.get(), size, false);
  cairo_font_extents_t extents;
  cairo_font_extents(impl_->cr.get(), &extents);
  return extents.descent;
}

Expected<std::string> render_png(const PlotScene& scene) {
  SurfaceHandle surface{cairo_image_surface_create(CAIRO_FORMAT_RGB24, scene.width, scene.height)};
  if (auto ok = check(cairo_surface_status(surface.get()), "PNG image"); !ok) return tl::unexpected(ok.error());
  {
    ContextHandle cr{cairo_create(surface.get())};
    draw(cr.get(), scene);
    if (auto ok = check(cairo_status(cr.get()), "PNG image"); !ok) return tl::unexpected(ok.error());
  }
  std::string bytes;
  if (auto ok = check(cairo_surface_write_to_png_stream(surface.get(), append_bytes, &bytes), "PNG image"); !ok) {
    return tl::unexpected(ok.error());
  }
  return bytes;
}

Expected<std::string> render_pdf(const PlotScene& scene) {
  std::string bytes;
  SurfaceHandle surface{cairo_pdf_surface_create_for_stream(append_bytes, &bytes, scene.width, scene.height)};
  if (auto ok = check(cairo_surface_status(surface.get()), "PDF page"); !ok) return tl::unexpected(ok.error());
  {
    ContextHandle cr{cairo_create(surface.get())};
    draw(cr.get(), scene);
    if (auto ok = check(cairo_status(cr.get()), "PDF page"); !ok) return tl::unexpected(ok.error());
  }
  cairo_surface_finish(surface.get());
  if (auto ok = check(cairo_surface_status(surface.get()), "PDF page"); !ok) return tl::unexpected(ok.error());
  return bytes;
}

}  // namespace semspace::plot
