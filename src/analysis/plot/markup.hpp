// Text from outside (words, point ids, labels, file names) made safe for the plots and pages we write: valid
// UTF-8 on one line for drawing, and entity-escaped for XML (SVG) and HTML.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace semspace::plot {

/// `text` as valid UTF-8 that XML 1.0 accepts and a text renderer can draw on one line: each maximal invalid
/// UTF-8 subsequence, each control character (C0 other than tab/newline/CR, DEL, C1) and U+FFFE/U+FFFF become
/// U+FFFD; tab, newline and carriage return become a space. Keeps at most `max_code_points` code points (0 = no
/// limit), ending a shortened text with "…".
std::string display_text(std::string_view text, std::size_t max_code_points = 0);

/// display_text(text) with &, <, >, " and ' written as entities: safe as XML and HTML element content and as a
/// quoted attribute value.
std::string escape_markup(std::string_view text, std::size_t max_code_points = 0);

/// Appends escape_markup(text) to `out`.
void append_escaped(std::string& out, std::string_view text, std::size_t max_code_points = 0);

}  // namespace semspace::plot
