#include "prepare/text/subword.hpp"

#include <gtest/gtest.h>

namespace semspace {
namespace {

TEST(Subword, NgramsOfShortWordFollowFastTextOrder) {
  SubwordOptions options{.minn = 3, .maxn = 4, .buckets = 100};
  auto grams = subword_strings("cat", options);
  std::vector<std::string> expected = {"<ca", "<cat", "cat", "cat>", "at>"};
  EXPECT_EQ(grams, expected);
}

TEST(Subword, MultibyteCharactersCountOnce) {
  SubwordOptions options{.minn = 1, .maxn = 1, .buckets = 100};
  // Single characters at the ends ('<' and '>') are skipped; "é" is one character of two bytes.
  auto grams = subword_strings("é", options);
  ASSERT_EQ(grams.size(), 1u);
  EXPECT_EQ(grams[0], "é");
}

TEST(Subword, HashIsFnv1aWithSignExtendedBytes) {
  // FNV-1a of the empty string is the offset basis; of "a" a known value.
  EXPECT_EQ(fasttext_hash(""), 2166136261u);
  EXPECT_EQ(fasttext_hash("a"), 0xe40c292cu);
  // A byte >= 0x80 is sign-extended: xor with 0xffffff80 rather than 0x80.
  std::uint32_t h = 2166136261u;
  h ^= 0xffffff80u;
  h *= 16777619u;
  EXPECT_EQ(fasttext_hash("\x80"), h);
}

TEST(Subword, DisabledGivesNothing) {
  std::vector<std::uint32_t> out;
  append_subword_buckets("word", SubwordOptions{.minn = 0, .maxn = 0, .buckets = 0}, out);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace semspace
