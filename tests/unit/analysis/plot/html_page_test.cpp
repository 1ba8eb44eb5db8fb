#include "analysis/plot/html_page.hpp"

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "analysis/plot/scatter_plot.hpp"
#include "support/python_reference.hpp"

namespace semspace::plot {
namespace {

TEST(HtmlPage, IsWellFormedWithEscapedTextAndTheInlineFigure) {
  const auto dir = testing::scratch_dir("HtmlPage");
  Matrix xy(3, 2);
  const float values[] = {0, 0, 1, 0.5f, -1, 2};
  std::copy(std::begin(values), std::end(values), xy.data());
  const std::vector<std::string> names = {"<script>alert(1)</script>", "AT&T", "\"quote\""};
  auto svg = scatter_svg({.coordinates = xy.view(), .names = names}, {});
  ASSERT_TRUE(svg) << svg.error().message;

  Page page{"Report on <b>bold</b> & co", "3 rows"};
  page.sections.push_back({"projection", "Projection", {"Hover <here> & see"}, *svg, "caption"});
  page.sections.push_back({"clusters", "Clusters & more"});
  page.sections.back().tables.push_back(
      {{"cluster", "members"}, {{{"0", Rgb{0, 0x72, 0xB2}}, {names[0] + ", " + names[1]}}, {{"1"}, {"x\x01y"}}}});
  page.sections.push_back({"odd id!", "Odd"});
  const std::string html = render_html(page);
  std::ofstream(dir / "page.html") << html;

  auto run = testing::run_python(testing::reference_script("markup_check.py"), {(dir / "page.html").string()});
  ASSERT_EQ(run.status, 0) << run.output;
  const auto parsed = nlohmann::json::parse(run.output);
  EXPECT_EQ(parsed["root"], "html");
  EXPECT_EQ(parsed["sections"], nlohmann::json({"projection", "clusters", "odd-id-"}));
  EXPECT_EQ(parsed["headings"],
            nlohmann::json({"Report on <b>bold</b> & co", "Projection", "Clusters & more", "Odd"}));
  EXPECT_EQ(parsed["cells"], nlohmann::json({"0", "<script>alert(1)</script>, AT&T", "1", "x\xEF\xBF\xBDy"}));
  ASSERT_EQ(parsed["points"].size(), 3u);
  std::set<std::string> titles;
  for (const auto& p : parsed["points"]) titles.insert(p["title"].get<std::string>());
  EXPECT_EQ(titles, std::set<std::string>(names.begin(), names.end()));
  // Nothing is fetched from elsewhere and nothing runs.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"#clusters\">Clusters &amp; more</a>"), std::string::npos);
  EXPECT_NE(html.find("background: #0072b2"), std::string::npos);
}

}  // namespace
}  // namespace semspace::plot
