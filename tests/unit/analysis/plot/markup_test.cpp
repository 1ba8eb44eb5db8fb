#include "analysis/plot/markup.hpp"

#include <gtest/gtest.h>

#include "prepare/text/utf8.hpp"

namespace semspace::plot {
namespace {

TEST(Markup, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(escape_markup(R"(<a href="x">Tom & 'Jerry'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
  EXPECT_EQ(escape_markup("plain words"), "plain words");
  EXPECT_EQ(escape_markup("caf\xC3\xA9 \xE6\x97\xA5"), "caf\xC3\xA9 \xE6\x97\xA5");  // valid UTF-8 kept
}

TEST(Markup, ReplacesWhatXmlForbidsAndKeepsOneLine) {
  const std::string replacement(kReplacementUtf8);
  // Invalid UTF-8 (a lone continuation byte, a truncated sequence), NUL, ESC, DEL, a C1 control, U+FFFF.
  EXPECT_EQ(display_text("a\x80z"), "a" + replacement + "z");
  EXPECT_EQ(display_text("a\xE6\x97"), "a" + replacement);
  EXPECT_EQ(display_text(std::string("n\0l", 3)), "n" + replacement + "l");
  EXPECT_EQ(display_text("e\x1B" "d\x7F" "c\xC2\x85" "f\xEF\xBF\xBF"),
            "e" + replacement + "d" + replacement + "c" + replacement + "f" + replacement);
  EXPECT_EQ(display_text("two\tcolumns\r\nlines"), "two columns  lines");
  for (int byte = 0; byte < 256; ++byte) {
    const std::string text = display_text(std::string(1, static_cast<char>(byte)) + "x");
    EXPECT_TRUE(is_valid_utf8(text)) << byte;
    for (unsigned char c : text) EXPECT_GE(c, 0x20) << byte;
  }
}

TEST(Markup, ShortensByCodePointsWithAnEllipsis) {
  EXPECT_EQ(display_text("abcdef", 4), "abc\xE2\x80\xA6");
  EXPECT_EQ(display_text("abcd", 4), "abcd");  // fits: unchanged
  EXPECT_EQ(display_text("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xE2\x80\xA6");  // never splits a character
  EXPECT_EQ(escape_markup("<<<<", 3), "&lt;&lt;\xE2\x80\xA6");
}

}  // namespace
}  // namespace semspace::plot
