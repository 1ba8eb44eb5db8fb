#include "analysis/plot/html_page.hpp"

#include <fmt/format.h>

#include "analysis/plot/markup.hpp"

namespace semspace::plot {
namespace {

// No '<' or '&' in here: the style sheet is element content, and the page must stay well-formed XML.
constexpr const char* kStyle = R"css(
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; color: #222; margin: 2em auto; max-width: 1000px;
       padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 1.8em; }
.subtitle { color: #555; margin-top: 0; }
nav a { margin-right: 1em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border-bottom: 1px solid #e5e5e5; padding: 0.3em 0.7em; text-align: left; vertical-align: top; }
th { background: #f6f6f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 50%; margin-right: 0.4em;
          vertical-align: baseline; }
figure { margin: 1em 0; }
figcaption { color: #555; font-size: 0.9em; }
svg { max-width: 100%; height: auto; }
)css";

std::string fragment(const std::string& id) {
  std::string out;
  for (char c : id) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    out += keep ? c : '-';
  }
  return out.empty() ? "section" : out;
}

void append_table(std::string& out, const PageTable& table) {
  out += "<table>\n";
  if (!table.header.empty()) {
    out += "<thead><tr>";
    for (const auto& h : table.header) out += "<th>" + escape_markup(h) + "</th>";
    out += "</tr></thead>\n";
  }
  out += "<tbody>\n";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (const auto& cell : row) {
      out += cell.number ? R"(<td class="num">)" : "<td>";
      if (cell.swatch) out += fmt::format(R"(<span class="swatch" style="background: {}"></span>)", hex(*cell.swatch));
      append_escaped(out, cell.text);
      out += "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
}

}  // namespace

std::string render_html(const Page& page) {
  std::string out;
  out += "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n";
  out += "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n";
  out += "<title>" + escape_markup(page.title) + "</title>\n";
  out += fmt::format("<style>{}</style>\n</head>\n<body>\n", kStyle);
  out += "<h1>" + escape_markup(page.title) + "</h1>\n";
  if (!page.subtitle.empty()) out += "<p class=\"subtitle\">" + escape_markup(page.subtitle) + "</p>\n";
  if (page.sections.size() > 1) {
    out += "<nav>";
    for (const auto& section : page.sections) {
      out += fmt::format("<a href=\"#{}\">{}</a>", fragment(section.id), escape_markup(section.heading));
    }
    out += "</nav>\n";
  }
  for (const auto& section : page.sections) {
    out += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n", fragment(section.id), escape_markup(section.heading));
    for (const auto& paragraph : section.paragraphs) out += "<p>" + escape_markup(paragraph) + "</p>\n";
    if (!section.figure_svg.empty()) {
      out += "<figure>\n" + section.figure_svg;
      if (!section.figure_caption.empty()) {
        out += "<figcaption>" + escape_markup(section.figure_caption) + "</figcaption>\n";
      }
      out += "</figure>\n";
    }
    for (const auto& table : section.tables) append_table(out, table);
    out += "</section>\n";
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace semspace::plot
