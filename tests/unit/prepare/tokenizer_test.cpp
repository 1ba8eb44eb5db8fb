#include "prepare/text/tokenizer.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "prepare/text/utf8.hpp"

namespace semspace {
namespace {

using Tokens = std::vector<std::string>;

Tokens words(std::string_view text, TokenizerOptions options = {}) { return WordTokenizer(options).tokenize(text); }
Tokens with_punctuation(std::string_view text) { return words(text, {.keep_punctuation = true}); }

TEST(Tokenizer, SplitsOnWhitespaceAndPunctuationAndLowercases) {
  EXPECT_EQ(words("Hello, World!  The\tend.\n"), (Tokens{"hello", "world", "the", "end"}));
  EXPECT_EQ(words("Hello", {.normalize = false}), (Tokens{"Hello"}));
}

TEST(Tokenizer, EmptyAndSeparatorOnlyInput) {
  EXPECT_TRUE(words("").empty());
  EXPECT_TRUE(words(" \t\r\n ").empty());
  EXPECT_TRUE(words("!!! ... ???").empty());
  EXPECT_TRUE(with_punctuation("").empty());
}

TEST(Tokenizer, ApostropheBetweenLettersStaysInside) {
  EXPECT_EQ(words("Don't stop rock'n'roll"), (Tokens{"don't", "stop", "rock'n'roll"}));
  EXPECT_EQ(words("don\xE2\x80\x99t"), (Tokens{"don't"}));  // U+2019 becomes '
  EXPECT_EQ(words("'quoted' students' 'tis"), (Tokens{"quoted", "students", "tis"}));
  EXPECT_EQ(words("it''s 5'6"), (Tokens{"it", "s", "5", "6"}));
}

TEST(Tokenizer, HyphenBetweenLettersStaysInside) {
  EXPECT_EQ(words("well-known e-mail"), (Tokens{"well-known", "e-mail"}));
  EXPECT_EQ(words("covid-19 -dash- a--b 2-3"), (Tokens{"covid", "19", "dash", "a", "b", "2", "3"}));
}

TEST(Tokenizer, PointAndCommaBetweenDigitsStayInside) {
  EXPECT_EQ(words("pi is 3.14, about 1,000.5 times"), (Tokens{"pi", "is", "3.14", "about", "1,000.5", "times"}));
  EXPECT_EQ(words("end. 3. .5 a.b 1.a"), (Tokens{"end", "3", "5", "a", "b", "1", "a"}));
}

TEST(Tokenizer, LettersAndDigitsFormOneRun) {
  EXPECT_EQ(words("mp3 h2o 2024abc"), (Tokens{"mp3", "h2o", "2024abc"}));
  EXPECT_EQ(words("snake_case"), (Tokens{"snake", "case"}));
}

TEST(Tokenizer, KeepPunctuationEmitsEachCharacter) {
  EXPECT_EQ(with_punctuation("Wait... what?!"), (Tokens{"wait", ".", ".", ".", "what", "?", "!"}));
  EXPECT_EQ(with_punctuation("don't -x- 3.14."), (Tokens{"don't", "-", "x", "-", "3.14", "."}));
  EXPECT_EQ(with_punctuation("a+b=$5"), (Tokens{"a", "+", "b", "=", "$", "5"}));
}

TEST(Tokenizer, UnicodeLettersMarksAndDigits) {
  EXPECT_EQ(words("Ça va? Ελληνικά, русский язык"), (Tokens{"ça", "va", "ελληνικά", "русский", "язык"}));
  EXPECT_EQ(words("Ça va", {.normalize = false}), (Tokens{"Ça", "va"}));
  // A combining mark stays with its letter (unnormalized, so the mark is kept as a separate code point).
  EXPECT_EQ(words("cafe\xCC\x81 bar", {.normalize = false}), (Tokens{"cafe\xCC\x81", "bar"}));
  EXPECT_EQ(words("हिन्दी भाषा"), (Tokens{"हिन्दी", "भाषा"}));  // Devanagari vowel signs are marks
  EXPECT_EQ(words("٣٤٥ abc"), (Tokens{"٣٤٥", "abc"}));      // Arabic-Indic digits
}

TEST(Tokenizer, NormalizationAppliesBeforeSplitting) {
  EXPECT_EQ(words("ﬁnal STRASSE Straße ＡＢＣ"), (Tokens{"final", "strasse", "strasse", "abc"}));
  EXPECT_EQ(words("co\xC2\xAD" "operate"), (Tokens{"cooperate"}));  // soft hyphen is ignorable
}

TEST(Tokenizer, CjkIdeographsAreOneTokenEach) {
  EXPECT_EQ(words("我爱北京"), (Tokens{"我", "爱", "北", "京"}));
  EXPECT_EQ(words("abc中文def"), (Tokens{"abc", "中", "文", "def"}));
  EXPECT_EQ(words("日本語のテキスト"), (Tokens{"日", "本", "語", "のテキスト"}));  // kana are letters: a run
  EXPECT_EQ(words("𠀀x"), (Tokens{"𠀀", "x"}));  // extension B, 4-byte UTF-8
}

TEST(Tokenizer, EmojiAndSymbolsAreDroppedUnlessKept) {
  EXPECT_EQ(words("I ❤️ NY 😀!"), (Tokens{"i", "ny"}));
  EXPECT_EQ(with_punctuation("I ❤️ NY 😀!"), (Tokens{"i", "❤", "ny", "😀", "!"}));
  // Unnormalized, the variation selector (a mark) stays with its emoji.
  EXPECT_EQ(words("❤️x", {.normalize = false, .keep_punctuation = true}), (Tokens{"❤️", "x"}));
  EXPECT_EQ(words("a→b ©2024 €5"), (Tokens{"a", "b", "2024", "5"}));
}

TEST(Tokenizer, InvalidUtf8IsReplacedAndCounted) {
  WordTokenizer tokenizer;
  std::vector<std::string_view> tokens;
  std::string scratch;
  std::size_t replaced = 99;
  tokenizer.tokenize("ab\xFF" "cd \xE2\x82", tokens, scratch, &replaced);
  EXPECT_EQ(replaced, 2u);
  EXPECT_EQ(tokens, (std::vector<std::string_view>{"ab", "cd"}));  // U+FFFD is a symbol: separates
  tokenizer.tokenize("valid", tokens, scratch, &replaced);
  EXPECT_EQ(replaced, 0u);
  EXPECT_EQ(with_punctuation("a\xFF"), (Tokens{"a", "\xEF\xBF\xBD"}));
}

TEST(Tokenizer, VeryLongWordIsOneToken) {
  const std::string word(1 << 20, 'x');
  const Tokens tokens = words(" " + word + " y");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0], word);
  EXPECT_EQ(tokens[1], "y");
}

TEST(Tokenizer, TokensPointIntoScratchAndBuffersAreReused) {
  WordTokenizer tokenizer;
  std::vector<std::string_view> tokens;
  std::string scratch;
  tokenizer.tokenize("One two THREE café", tokens, scratch);
  ASSERT_EQ(tokens.size(), 4u);
  for (auto token : tokens) {
    EXPECT_GE(token.data(), scratch.data());
    EXPECT_LE(token.data() + token.size(), scratch.data() + scratch.size());
  }
  const auto capacity = scratch.capacity();
  const auto* data = scratch.data();
  tokenizer.tokenize("short one", tokens, scratch);
  EXPECT_EQ(scratch.capacity(), capacity);
  EXPECT_EQ(scratch.data(), data);
  EXPECT_EQ(tokens, (std::vector<std::string_view>{"short", "one"}));
}

// The ASCII fast path (table only) must agree with the reference path (whole-string utf8proc
// normalization, utf8proc categories for every character).
TEST(Tokenizer, AsciiFastPathMatchesReferenceOnRandomAscii) {
  std::mt19937_64 rng(5);
  const std::string alphabet = "aZ09'-.,_ \t!?\"$é";  // weighted towards the characters with rules
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const std::size_t length = rng() % 24;
    for (std::size_t i = 0; i < length; ++i) {
      text.push_back(rng() % 3 == 0 ? static_cast<char>(rng() % 128) : alphabet[rng() % 14]);
    }
    for (bool normalize : {true, false}) {
      for (bool keep : {true, false}) {
        const TokenizerOptions options{.normalize = normalize, .keep_punctuation = keep};
        ASSERT_EQ(words(text, options), tokenize_reference(text, options)) << ::testing::PrintToString(text);
      }
    }
  }
}

TEST(Tokenizer, UnicodePathMatchesReferenceOnRandomMixedText) {
  const std::vector<std::string> pieces = {"a", "B", "7", "'", "-", ".", ",", " ", "é", "E\xCC\x81", "ß", "ﬁ",
                                           "中", "😀", "\xE2\x80\x99", "\xC2\xAD", "\xFF", "\xE2\x82", "Ω", "!",
                                           "\xEF\xB8\x8F", "２", "ǅ"};
  std::mt19937_64 rng(9);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    const std::size_t count = rng() % 16;
    for (std::size_t i = 0; i < count; ++i) text += pieces[rng() % pieces.size()];
    for (bool normalize : {true, false}) {
      for (bool keep : {true, false}) {
        const TokenizerOptions options{.normalize = normalize, .keep_punctuation = keep};
        const Tokens tokens = words(text, options);
        ASSERT_EQ(tokens, tokenize_reference(text, options)) << ::testing::PrintToString(text);
        for (const auto& token : tokens) ASSERT_TRUE(!token.empty() && is_valid_utf8(token));
      }
    }
  }
}

}  // namespace
}  // namespace semspace
