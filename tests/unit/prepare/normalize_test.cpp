#include "prepare/text/normalize.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "prepare/text/utf8.hpp"

namespace semspace {
namespace {

std::string normalized(std::string_view text) {
  std::string out;
  normalize_nfkc_casefold(text, out);
  return out;
}

TEST(Normalize, CompatibilityAndFullCaseFolding) {
  EXPECT_EQ(normalized("ﬁ Straße"), "fi strasse");
  EXPECT_EQ(normalized("ÉCOLE"), "école");
  EXPECT_EQ(normalized("ＡＢＣ"), "abc");
  EXPECT_EQ(normalized("ΣΑΣ"), "σασ");
  EXPECT_EQ(normalized("x²"), "x2");
}

TEST(Normalize, ComposesAcrossTheAsciiBoundary) {
  EXPECT_EQ(normalized("Cafe\xCC\x81"), "café");  // 'e' + U+0301 -> U+00E9
  EXPECT_EQ(normalized("E\xCC\x81T\xCC\x81"), "\xC3\xA9t\xCC\x81");  // t + acute has no precomposed form
}

TEST(Normalize, StripsDefaultIgnorables) {
  EXPECT_EQ(normalized("co\xC2\xAD" "operate"), "cooperate");   // soft hyphen
  EXPECT_EQ(normalized("zero\xE2\x80\x8Bwidth"), "zerowidth");  // zero-width space
  EXPECT_EQ(normalized("\xE2\x9D\xA4\xEF\xB8\x8F"), "\xE2\x9D\xA4");  // variation selector 16
}

TEST(Normalize, AsciiIsLowercasedOnly) {
  EXPECT_EQ(normalized("Hello, World! 123 \t~"), "hello, world! 123 \t~");
  EXPECT_EQ(normalized(""), "");
}

TEST(Normalize, InvalidUtf8IsReplacedNotFatal) {
  const std::string out = normalized("A\xFF" "B\xE2\x82");
  EXPECT_EQ(out, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  EXPECT_TRUE(is_valid_utf8(out));
}

TEST(Normalize, SegmentedPathMatchesWholeStringUtf8proc) {
  // Pieces chosen to interact across segment boundaries: combining marks after ASCII, compatibility
  // characters, Hangul jamo, ignorables, case-folding expansions.
  const std::vector<std::string> pieces = {"a", "E", "=", " ", "\xCC\x81", "\xCC\xB8", "\xCC\xA3", "ß", "ﬁ",
                                           "Ǆ", "\xE1\x84\x80", "\xE1\x85\xA1", "\xE1\x86\xA8", "\xC2\xAD",
                                           "İ", "Å", "ＡＢ", "中", "\xF0\x9F\x98\x80", "'", "1"};
  std::mt19937_64 rng(3);
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    const std::size_t count = rng() % 12;
    for (std::size_t i = 0; i < count; ++i) text += pieces[rng() % pieces.size()];
    ASSERT_EQ(normalized(text), normalize_nfkc_casefold_reference(text)) << ::testing::PrintToString(text);
  }
}

TEST(Normalize, Idempotent) {
  for (const char* text : {"ﬁ Straße", "ÉCOLE", "ＡＢＣ", "Cafe\xCC\x81", "Ǆemal"}) {
    const std::string once = normalized(text);
    EXPECT_EQ(normalized(once), once) << text;
  }
}

}  // namespace
}  // namespace semspace
