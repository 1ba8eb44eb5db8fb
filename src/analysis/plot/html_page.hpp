// One self-contained HTML page (inline CSS and SVG, no scripts, no external assets) from a simple document
// model: titled sections holding paragraphs, an optional figure and tables. Every text is escaped here; only
// figures, which our own SVG renderer produced, are inlined as they are. The page is also well-formed XML
// (XHTML syntax), so XML tools can check it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/plot/palette.hpp"

namespace semspace::plot {

struct PageCell {
  std::string text;
  std::optional<Rgb> swatch{};  // a colour dot before the text (a cluster's colour in the plot)
  bool number = false;          // right-aligned
};

struct PageTable {
  std::vector<std::string> header;
  std::vector<std::vector<PageCell>> rows;
};

struct PageSection {
  std::string id;  // fragment for the table of contents; letters, digits and '-' only (others become '-')
  std::string heading;
  std::vector<std::string> paragraphs{};
  std::string figure_svg{};  // an <svg> element from render_svg, inlined unescaped; "" = none
  std::string figure_caption{};
  std::vector<PageTable> tables{};
};

struct Page {
  std::string title;
  std::string subtitle{};  // one line under the title
  std::vector<PageSection> sections{};
};

/// The page as UTF-8 HTML5 (see the file comment).
std::string render_html(const Page& page);

}  // namespace semspace::plot
