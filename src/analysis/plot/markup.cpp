#include "analysis/plot/markup.hpp"

#include "prepare/text/utf8.hpp"

namespace semspace::plot {
namespace {

// Characters XML 1.0 forbids (C0 controls but tab/LF/CR, the non-characters U+FFFE/U+FFFF) and those a renderer
// draws as boxes or treats as layout (DEL, C1 controls); a browser rejects a whole SVG for one forbidden byte.
bool is_unsafe(char32_t c) noexcept {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xFFFE || c == 0xFFFF;
}

}  // namespace

std::string display_text(std::string_view text, std::size_t max_code_points) {
  std::string valid;
  sanitize_utf8(text, valid);
  std::string out;
  out.reserve(valid.size());
  std::size_t code_points = 0;
  for (std::size_t at = 0; at < valid.size();) {
    char32_t c = 0;
    const std::size_t length = decode_valid_utf8(valid.data() + at, c);
    if (max_code_points != 0 && code_points + 1 == max_code_points && at + length < valid.size()) {
      out += "\xE2\x80\xA6";  // U+2026 HORIZONTAL ELLIPSIS
      break;
    }
    if (c == '\t' || c == '\n' || c == '\r') {
      out += ' ';
    } else if (is_unsafe(c)) {
      out += kReplacementUtf8;
    } else {
      out.append(valid, at, length);
    }
    at += length;
    ++code_points;
  }
  return out;
}

void append_escaped(std::string& out, std::string_view text, std::size_t max_code_points) {
  for (char c : display_text(text, max_code_points)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
}

std::string escape_markup(std::string_view text, std::size_t max_code_points) {
  std::string out;
  append_escaped(out, text, max_code_points);
  return out;
}

}  // namespace semspace::plot
