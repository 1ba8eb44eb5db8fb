// Colours for categories (class labels, clusters): the Okabe & Ito (2008) palette, distinguishable with the
// common colour-vision deficiencies, and one light grey for "other" when there are more categories than colours.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace semspace::plot {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;
};

/// Okabe-Ito, ordered so that the first few colours differ most (blue, orange, green, vermillion, ...).
inline constexpr std::array<Rgb, 8> kCategoryColors = {{{0x00, 0x72, 0xB2}, {0xE6, 0x9F, 0x00}, {0x00, 0x9E, 0x73},
                                                         {0xD5, 0x5E, 0x00}, {0xCC, 0x79, 0xA7}, {0x56, 0xB4, 0xE9},
                                                         {0xF0, 0xE4, 0x42}, {0x00, 0x00, 0x00}}};
/// Categories beyond the palette share this colour and one legend entry, "other".
inline constexpr Rgb kOtherColor{0xBB, 0xBB, 0xBB};

/// "#rrggbb".
std::string hex(Rgb color);

struct CategoryEntry {
  std::string name;  // the category, or "N other labels" for the shared entry
  std::size_t count = 0;  // points in it
  Rgb color;
  bool other = false;
};

struct CategoryColors {
  std::vector<CategoryEntry> entries;  // legend order: named categories by name (numbers by value), "other" last
  std::vector<std::uint32_t> entry_of_point;  // per point, an index into entries
};

/// Gives each distinct label a colour. With at most `max_colors` distinct labels (clamped to the palette size)
/// each has its own; otherwise the max_colors - 1 most frequent (ties: smaller name) keep theirs and the rest
/// share "other". Colours follow the legend order, so the same label set always gets the same colours.
/// Empty `labels` gives no entries.
CategoryColors assign_category_colors(std::span<const std::string> labels,
                                      std::size_t max_colors = kCategoryColors.size());

/// Orders names as people expect labels and cluster numbers: non-negative integers first, by value ("2" before
/// "10"), then the other names bytewise.
bool category_name_less(const std::string& a, const std::string& b);

}  // namespace semspace::plot
