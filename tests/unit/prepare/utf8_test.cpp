#include "prepare/text/utf8.hpp"

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace semspace {
namespace {

// Scalar reference, written independently of Table 3-7: decode by bit arithmetic, then reject overlongs,
// surrogates and values above U+10FFFF. Returns the length of the valid character at text[pos], or nullopt.
std::optional<std::size_t> reference_char_length(std::string_view text, std::size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  std::size_t length;
  std::uint32_t cp;
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) { length = 2; cp = lead & 0x1F; }
  else if ((lead & 0xF0) == 0xE0) { length = 3; cp = lead & 0x0F; }
  else if ((lead & 0xF8) == 0xF0) { length = 4; cp = lead & 0x07; }
  else return std::nullopt;
  if (pos + length > text.size()) return std::nullopt;
  for (std::size_t i = 1; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(text[pos + i]);
    if ((byte & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (byte & 0x3F);
  }
  const std::uint32_t min_for_length[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_length[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  return length;
}

bool reference_is_valid(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    auto length = reference_char_length(text, pos);
    if (!length) return false;
    pos += *length;
  }
  return true;
}

// A prefix is the start of some valid character when completing its next byte with some continuation
// byte (and the rest with 0x80) gives one; only the second byte has a range that depends on the lead.
bool reference_is_valid_prefix(std::string_view prefix) {
  if (reference_char_length(std::string(prefix) + std::string(4, '\x80'), 0).value_or(0) == prefix.size())
    return true;
  for (int second = 0x80; second <= 0xBF; ++second) {
    std::string candidate(prefix.substr(0, 1));
    candidate.push_back(static_cast<char>(second));
    if (prefix.size() >= 2 && static_cast<unsigned char>(prefix[1]) != second) continue;
    candidate.append(prefix.size() > 2 ? prefix.substr(2) : std::string_view());
    const std::string padded = candidate + std::string(4, '\x80');
    for (std::size_t length = 2; length <= 4; ++length) {
      if (length >= prefix.size() && reference_char_length(padded.substr(0, length), 0) == length) return true;
    }
  }
  return false;
}

// Reference replacement by maximal subparts: the longest prefix that could still become a character.
std::pair<std::string, std::size_t> reference_sanitize(std::string_view text) {
  std::string out;
  std::size_t replacements = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    if (auto length = reference_char_length(text, pos)) {
      out.append(text.substr(pos, *length));
      pos += *length;
      continue;
    }
    std::size_t subpart = 1;
    while (subpart < 4 && pos + subpart < text.size() && reference_is_valid_prefix(text.substr(pos, subpart + 1)))
      ++subpart;
    out.append(kReplacementUtf8);
    ++replacements;
    pos += subpart;
  }
  return {out, replacements};
}

std::string random_bytes(std::mt19937_64& rng, std::size_t length) {
  static constexpr std::array<unsigned char, 14> kInteresting = {0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
                                                                 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x9F};
  std::string out;
  while (out.size() < length) {
    switch (rng() % 4) {
      case 0: out.push_back(static_cast<char>(rng() % 128)); break;
      case 1: out.push_back(static_cast<char>(rng() % 256)); break;
      case 2: out.push_back(static_cast<char>(kInteresting[rng() % kInteresting.size()])); break;
      default: {
        auto cp = static_cast<char32_t>(rng() % 0x110000);
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xE9;
        append_utf8(cp, out);
      }
    }
  }
  return out;
}

TEST(Utf8, ValidationMatchesScalarReferenceOnRandomBytes) {
  std::mt19937_64 rng(7);
  int valid_count = 0;
  for (int round = 0; round < 20000; ++round) {
    const std::string text = random_bytes(rng, rng() % 40);
    const bool expected = reference_is_valid(text);
    valid_count += expected;
    ASSERT_EQ(is_valid_utf8(text), expected) << ::testing::PrintToString(text);
  }
  EXPECT_GT(valid_count, 1000);  // the generator produces both outcomes
}

TEST(Utf8, SanitizeMatchesMaximalSubpartReferenceOnRandomBytes) {
  std::mt19937_64 rng(11);
  std::string out;
  for (int round = 0; round < 20000; ++round) {
    const std::string text = random_bytes(rng, rng() % 40);
    const auto [expected, expected_count] = reference_sanitize(text);
    ASSERT_EQ(sanitize_utf8(text, out), expected_count) << ::testing::PrintToString(text);
    ASSERT_EQ(out, expected) << ::testing::PrintToString(text);
    ASSERT_TRUE(is_valid_utf8(out));
  }
}

TEST(Utf8, AsciiFastPathAtEveryAlignment) {
  std::string text(64, 'a');
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    std::string copy = text;
    copy[pos] = '\xFF';
    EXPECT_FALSE(is_valid_utf8(copy)) << pos;
    EXPECT_EQ(find_non_ascii(copy), pos);
    EXPECT_TRUE(is_valid_utf8(std::string_view(copy).substr(0, pos)));
  }
  EXPECT_EQ(find_non_ascii(text), text.size());
  EXPECT_TRUE(is_valid_utf8(""));
}

struct InvalidCase {
  std::string input;
  std::string expected;
  std::size_t replacements;
};

TEST(Utf8, KnownInvalidSequences) {
  const std::string r(kReplacementUtf8);
  const std::vector<InvalidCase> cases = {
      {"\xC0\xAF", r + r, 2},                      // overlong '/': C0 never starts a character
      {"\xE0\x80\xAF", r + r + r, 3},              // overlong 3-byte: E0 needs A0..BF next
      {"\xF0\x80\x80\xAF", r + r + r + r, 4},      // overlong 4-byte
      {"\xED\xA0\x80", r + r + r, 3},              // surrogate U+D800
      {"\xF4\x90\x80\x80", r + r + r + r, 4},      // U+110000
      {"\xF5\x80", r + r, 2},                      // lead byte above F4
      {"a\xE2\x82", "a" + r, 1},                   // truncated at the end: one maximal subpart
      {"\xE2\x82" "b", r + "b", 1},                // truncated before ASCII
      {"\xF0\x9F\x98", r, 1},                      // truncated emoji
      {"\x80\xBF", r + r, 2},                      // lone continuation bytes, one each
      {"\xFF", r, 1},
      // Unicode §3.9, Table 3-8: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64.
      {"\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", "a" + r + r + r + "b" + r + "c" + r + r + "d", 6},
  };
  std::string out;
  for (const auto& c : cases) {
    EXPECT_FALSE(is_valid_utf8(c.input)) << ::testing::PrintToString(c.input);
    EXPECT_EQ(sanitize_utf8(c.input, out), c.replacements) << ::testing::PrintToString(c.input);
    EXPECT_EQ(out, c.expected) << ::testing::PrintToString(c.input);
  }
}

TEST(Utf8, ValidInputIsCopiedUnchanged) {
  const std::string text = "plain, café, Ωmega, 中文, \xF0\x9F\x98\x80, \xF4\x8F\xBF\xBF, \xEF\xBF\xBF";
  std::string out = "previous content";
  EXPECT_TRUE(is_valid_utf8(text));
  EXPECT_EQ(sanitize_utf8(text, out), 0u);
  EXPECT_EQ(out, text);
}

TEST(Utf8, DecodeAndAppendRoundTrip) {
  for (char32_t cp : {U'\0', U'a', U'\x7F', U'\x80', U'\x7FF', U'\x800', U'\xFFFD', U'\x10000', U'\x10FFFF'}) {
    std::string encoded;
    append_utf8(cp, encoded);
    char32_t decoded = 0;
    EXPECT_EQ(decode_valid_utf8(encoded.data(), decoded), encoded.size());
    EXPECT_EQ(decoded, cp);
    EXPECT_TRUE(is_valid_utf8(encoded));
  }
}

}  // namespace
}  // namespace semspace
