#include "analysis/plot/palette.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace semspace::plot {
namespace {

TEST(Palette, EachOfAFewLabelsGetsItsOwnColourInNameOrder) {
  const std::vector<std::string> labels = {"10", "2", "2", "b", "a", "10", "2"};
  const auto colors = assign_category_colors(labels);
  ASSERT_EQ(colors.entries.size(), 4u);
  EXPECT_EQ(colors.entries[0].name, "2");  // numbers by value, then names
  EXPECT_EQ(colors.entries[1].name, "10");
  EXPECT_EQ(colors.entries[2].name, "a");
  EXPECT_EQ(colors.entries[3].name, "b");
  EXPECT_EQ(colors.entries[0].count, 3u);
  EXPECT_EQ(colors.entries[1].count, 2u);
  std::set<std::tuple<int, int, int>> distinct;
  for (std::size_t i = 0; i < colors.entries.size(); ++i) {
    EXPECT_EQ(colors.entries[i].color, kCategoryColors[i]);
    EXPECT_FALSE(colors.entries[i].other);
    distinct.insert({colors.entries[i].color.r, colors.entries[i].color.g, colors.entries[i].color.b});
  }
  EXPECT_EQ(distinct.size(), 4u);
  for (std::size_t i = 0; i < labels.size(); ++i) EXPECT_EQ(colors.entries[colors.entry_of_point[i]].name, labels[i]);
}

TEST(Palette, LabelsBeyondThePaletteShareOther) {
  // 12 labels: label k appears 20 - k times, so 0..6 are the 7 most frequent.
  std::vector<std::string> labels;
  for (int k = 0; k < 12; ++k) labels.insert(labels.end(), 20 - k, fmt::format("L{}", k));
  const auto colors = assign_category_colors(labels);
  ASSERT_EQ(colors.entries.size(), kCategoryColors.size());
  const auto& other = colors.entries.back();
  EXPECT_TRUE(other.other);
  EXPECT_EQ(other.color, kOtherColor);
  EXPECT_EQ(other.name, "5 other labels");
  EXPECT_EQ(other.count, 13u + 12 + 11 + 10 + 9);
  for (std::size_t i = 0; i + 1 < colors.entries.size(); ++i) {
    EXPECT_EQ(colors.entries[i].name, fmt::format("L{}", i));
    EXPECT_NE(colors.entries[i].color, kOtherColor);
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const bool frequent = labels[i] < "L7" && labels[i].size() == 2;
    EXPECT_EQ(colors.entries[colors.entry_of_point[i]].other, !frequent) << labels[i];
  }
  EXPECT_TRUE(assign_category_colors({}).entries.empty());
}

TEST(Palette, NameOrderIsAStrictWeakOrdering) {
  const std::vector<std::string> names = {"", "0", "00", "007", "7", "10", "9", "1a", "9a", "a", "B", "10.5", "-1"};
  for (const auto& a : names) {
    EXPECT_FALSE(category_name_less(a, a)) << a;
    for (const auto& b : names) {
      EXPECT_FALSE(category_name_less(a, b) && category_name_less(b, a)) << a << " " << b;
      for (const auto& c : names) {
        EXPECT_FALSE(category_name_less(a, b) && category_name_less(b, c) && !category_name_less(a, c)) << a << b << c;
      }
    }
  }
  EXPECT_TRUE(category_name_less("9", "10"));
  EXPECT_TRUE(category_name_less("10", "1a"));
}

}  // namespace
}  // namespace semspace::plot
