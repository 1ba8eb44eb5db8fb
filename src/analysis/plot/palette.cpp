#include "analysis/plot/palette.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

namespace semspace::plot {
namespace {

bool is_number(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view without_leading_zeros(std::string_view digits) {
  const auto first = digits.find_first_not_of('0');
  return digits.substr(first == std::string_view::npos ? digits.size() : first);
}

}  // namespace

std::string hex(Rgb color) { return fmt::format("#{:02x}{:02x}{:02x}", color.r, color.g, color.b); }

// Numbers first, then everything else: mixing the two orders pairwise would not be transitive.
bool category_name_less(const std::string& a, const std::string& b) {
  const bool a_number = is_number(a), b_number = is_number(b);
  if (a_number != b_number) return a_number;
  if (a_number) {
    const auto va = without_leading_zeros(a), vb = without_leading_zeros(b);
    if (va.size() != vb.size()) return va.size() < vb.size();
    if (va != vb) return va < vb;
  }
  return a < b;
}

CategoryColors assign_category_colors(std::span<const std::string> labels, std::size_t max_colors) {
  max_colors = std::clamp<std::size_t>(max_colors, 1, kCategoryColors.size());
  std::unordered_map<std::string, std::size_t> index;
  std::vector<CategoryEntry> distinct;
  std::vector<std::uint32_t> distinct_of_point(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) {
    auto [it, inserted] = index.try_emplace(labels[i], distinct.size());
    if (inserted) distinct.push_back({labels[i], 0, {}, false});
    ++distinct[it->second].count;
    distinct_of_point[i] = static_cast<std::uint32_t>(it->second);
  }
  std::vector<bool> coloured(distinct.size(), true);
  std::size_t others = 0, other_points = 0;
  if (distinct.size() > max_colors) {
    std::vector<std::size_t> by_count(distinct.size());
    for (std::size_t i = 0; i < by_count.size(); ++i) by_count[i] = i;
    std::sort(by_count.begin(), by_count.end(), [&](std::size_t a, std::size_t b) {
      return distinct[a].count != distinct[b].count ? distinct[a].count > distinct[b].count
                                                    : category_name_less(distinct[a].name, distinct[b].name);
    });
    for (std::size_t rank = max_colors - 1; rank < by_count.size(); ++rank) {
      coloured[by_count[rank]] = false;
      ++others;
      other_points += distinct[by_count[rank]].count;
    }
  }
  std::vector<std::size_t> named;
  for (std::size_t i = 0; i < distinct.size(); ++i) {
    if (coloured[i]) named.push_back(i);
  }
  std::sort(named.begin(), named.end(),
            [&](std::size_t a, std::size_t b) { return category_name_less(distinct[a].name, distinct[b].name); });

  CategoryColors out;
  std::vector<std::uint32_t> entry_of_distinct(distinct.size());
  for (std::size_t i : named) {
    entry_of_distinct[i] = static_cast<std::uint32_t>(out.entries.size());
    distinct[i].color = kCategoryColors[out.entries.size()];
    out.entries.push_back(std::move(distinct[i]));
  }
  if (others > 0) {
    for (std::size_t i = 0; i < distinct.size(); ++i) {
      if (!coloured[i]) entry_of_distinct[i] = static_cast<std::uint32_t>(out.entries.size());
    }
    out.entries.push_back({fmt::format("{} other labels", others), other_points, kOtherColor, true});
  }
  out.entry_of_point.resize(labels.size());
  for (std::size_t i = 0; i < labels.size(); ++i) out.entry_of_point[i] = entry_of_distinct[distinct_of_point[i]];
  return out;
}

}  // namespace semspace::plot
