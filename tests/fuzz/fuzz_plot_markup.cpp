// Any bytes as point names and labels (words, ids and label files come from outside) must give an SVG plot and
// an HTML page that are valid UTF-8, free of the control characters XML forbids, with every '<' starting markup
// we wrote, never a crash. The input's lines are the names; their lengths give the coordinates.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/plot/html_page.hpp"
#include "analysis/plot/markup.hpp"
#include "analysis/plot/scatter_plot.hpp"
#include "prepare/text/utf8.hpp"

namespace {

void check_text(const std::string& text) {
  if (!semspace::is_valid_utf8(text)) __builtin_trap();
  for (unsigned char c : text) {
    if (c < 0x20 && c != '\n') __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> names;
  for (std::size_t start = 0; start <= bytes.size() && names.size() < 200;) {
    const std::size_t end = std::min(bytes.find('\n', start), bytes.size());
    names.emplace_back(bytes.substr(start, end - start));
    start = end + 1;
  }
  const std::string escaped = semspace::plot::escape_markup(bytes);
  check_text(escaped);
  if (escaped.find_first_of("<>\"'") != std::string::npos) __builtin_trap();

  semspace::Matrix xy(names.size(), 2);
  for (std::size_t r = 0; r < names.size(); ++r) {
    xy.row(r)[0] = static_cast<float>(names[r].size() % 7);
    xy.row(r)[1] = static_cast<float>(r % 5);
  }
  auto svg = semspace::plot::scatter_svg({.coordinates = xy.view(), .names = names, .categories = names},
                                         {.title = names.front(), .legend_title = names.back(), .text_labels = true});
  if (!svg) __builtin_trap();
  check_text(*svg);
  semspace::plot::Page page{names.front(), names.back()};
  page.sections.push_back({names.back(), names.front(), {std::string(bytes)}, *svg});
  page.sections.back().tables.push_back({names, {{{names.front()}}}});
  check_text(semspace::plot::render_html(page));
  return 0;
}
