#include "prepare/text/wordpiece.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace semspace {
namespace {

using Strings = std::vector<std::string>;
using Ids = std::vector<std::int32_t>;

// ids: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3, then the rest in order.
const Strings kVocab = {"[PAD]", "[UNK]",  "[CLS]", "[SEP]", "un",  "unaff", "##aff", "##able", "a",    "##a",
                        "é",     "##é",    "hello", "world", "!",   ",",     "$",     "cafe",   "café", "Café",
                        "Cafe",  "中",     "文",    "abc",   "ο",   "##δ",   "##ο",   "##σ",    "##ς",  "i",
                        "##̇",    "stanbul", "##stanbul", "x",  "€"};

BertTokenizer make(BertTokenizerOptions options = {}) {
  auto tokenizer = BertTokenizer::create(kVocab, std::move(options));
  EXPECT_TRUE(tokenizer) << tokenizer.error().message;
  return std::move(*tokenizer);
}

Strings words(std::string_view text, BertTokenizerOptions options = {}) {
  return make(std::move(options)).basic_tokenize(text);
}

TEST(WordPiece, GreedyLongestMatchFirstWithContinuationPrefix) {
  const auto tokenizer = make();
  // "unaff" beats "un" + "##aff": the longest prefix in the vocabulary wins, then "##" pieces.
  EXPECT_EQ(tokenizer.tokenize("unaffable"), (Strings{"unaff", "##able"}));
  EXPECT_EQ(tokenizer.tokenize("unable"), (Strings{"un", "##able"}));
  EXPECT_EQ(tokenizer.tokenize("hello world!"), (Strings{"hello", "world", "!"}));
}

TEST(WordPiece, AnyMissingPieceMakesTheWholeWordUnknown) {
  const auto tokenizer = make();
  // "un" + "##able" match, "##x" does not: one [UNK], not "un ##able [UNK]".
  EXPECT_EQ(tokenizer.tokenize("unablex hello"), (Strings{"[UNK]", "hello"}));
  EXPECT_EQ(tokenizer.tokenize_ids("zzz"), (Ids{1}));
  // A continuation exists only with the prefix: "able" alone is unknown.
  EXPECT_EQ(tokenizer.tokenize("able"), (Strings{"[UNK]"}));
}

TEST(WordPiece, MaxInputCharsCountsCodePoints) {
  const auto tokenizer = make();
  EXPECT_EQ(tokenizer.tokenize_ids(std::string(100, 'a')).size(), 100u);  // "a" + 99 x "##a"
  EXPECT_EQ(tokenizer.tokenize(std::string(101, 'a')), (Strings{"[UNK]"}));
  std::string accented;
  for (int i = 0; i < 100; ++i) accented += "é";  // 200 bytes, 100 code points: still within the limit
  EXPECT_EQ(make({.strip_accents = false}).tokenize_ids(accented).size(), 100u);
  auto short_limit = make({.max_input_chars_per_word = 3});
  EXPECT_EQ(short_limit.tokenize("aaa aaaa"), (Strings{"a", "##a", "##a", "[UNK]"}));
}

// Candidates longer than the longest vocabulary entry are skipped unseen; that must not change any result.
TEST(WordPiece, LongWordsWithAHugeCharLimitStillMatchGreedily) {
  const auto tokenizer = make({.max_input_chars_per_word = 1000000});
  std::string word = "unaff";
  for (int i = 0; i < 5000; ++i) word += "a";
  const auto ids = tokenizer.tokenize_ids(word);
  ASSERT_EQ(ids.size(), 5001u);
  EXPECT_EQ(ids.front(), 5);  // "unaff"
  EXPECT_EQ(ids.back(), 9);   // "##a"
  EXPECT_EQ(tokenizer.tokenize(word + "b"), (Strings{"[UNK]"}));
}

TEST(BertNormalizer, StripAccentsFollowsLowercaseWhenUnset) {
  EXPECT_EQ(words("Café"), (Strings{"cafe"}));
  EXPECT_EQ(words("Café", {.strip_accents = false, .lowercase = true}), (Strings{"café"}));
  EXPECT_EQ(words("Café", {.lowercase = false}), (Strings{"Café"}));
  EXPECT_EQ(words("Café", {.strip_accents = true, .lowercase = false}), (Strings{"Cafe"}));
  // Decomposed input: the combining acute (Mn) goes when stripping, stays otherwise.
  EXPECT_EQ(words("Cafe\xCC\x81"), (Strings{"cafe"}));
  EXPECT_EQ(words("Cafe\xCC\x81", {.lowercase = false}), (Strings{"Cafe\xCC\x81"}));
}

TEST(BertNormalizer, LowercaseIsPerCodePoint) {
  // No final-sigma rule (Python's str.lower would end "οδος" with ς).
  EXPECT_EQ(words("ΟΔΟΣ"), (Strings{"οδοσ"}));
  // U+0130 lowercases to i + U+0307; stripping accents removes the dot again.
  EXPECT_EQ(words("İstanbul", {.strip_accents = false}), (Strings{"i\xCC\x87stanbul"}));
  EXPECT_EQ(words("İstanbul"), (Strings{"istanbul"}));
}

TEST(BertNormalizer, CjkIdeographsAreSplitButNotKanaOrHangul) {
  EXPECT_EQ(words("中文abc"), (Strings{"中", "文", "abc"}));
  EXPECT_EQ(words("中文abc", {.handle_chinese_chars = false}), (Strings{"中文abc"}));
  EXPECT_EQ(words("こんにちは世界"), (Strings{"こんにちは", "世", "界"}));
  // Hangul stays one word; stripping accents decomposes it (NFD) into conjoining jamo (Lo, so none dropped).
  EXPECT_EQ(words("한국어", {.strip_accents = false}), (Strings{"한국어"}));
  EXPECT_EQ(words("한국어"), (Strings{"\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB\xE1\x84\x80\xE1\x85\xAE\xE1\x86\xA8\xE1\x84\x8B"
                                    "\xE1\x85\xA5"}));
  EXPECT_TRUE(is_bert_cjk(U'中'));
  EXPECT_TRUE(is_bert_cjk(0x20000));   // extension B
  EXPECT_TRUE(is_bert_cjk(0xF900));    // compatibility ideograph
  EXPECT_FALSE(is_bert_cjk(0x3042));   // hiragana
  EXPECT_FALSE(is_bert_cjk(0xAC00));   // hangul syllable
  EXPECT_FALSE(is_bert_cjk(0x31350));  // extension H (Unicode 15) is not in BERT's ranges
  EXPECT_FALSE(is_bert_cjk(0x2B820));  // google-research/bert splits this one, HF's fast tokenizer does not
  EXPECT_TRUE(is_bert_cjk(0x2B920));
}

TEST(BertNormalizer, PunctuationIsAsciiRangesPlusUnicodeP) {
  EXPECT_EQ(words("a$b^c`d|e~f+g<h"), (Strings{"a", "$", "b", "^", "c", "`", "d", "|", "e", "~", "f", "+", "g", "<",
                                             "h"}));
  EXPECT_EQ(words("¿qué?¡sí!"), (Strings{"¿", "que", "?", "¡", "si", "!"}));
  EXPECT_EQ(words("!!!"), (Strings{"!", "!", "!"}));
  // € is a symbol (Sc) outside the ASCII ranges: part of the word.
  EXPECT_EQ(words("a€b"), (Strings{"a€b"}));
  EXPECT_FALSE(is_bert_punctuation(U'€'));
  EXPECT_TRUE(is_bert_punctuation(U'«'));
}

TEST(BertNormalizer, CleanTextDropsControlsAndMapsWhitespace) {
  EXPECT_EQ(words("a\x01" "b\x7f" "c"), (Strings{"abc"}));
  EXPECT_EQ(words(std::string_view("a\0b", 3)), (Strings{"ab"}));
  EXPECT_EQ(words("a\xE2\x80\x8B" "b"), (Strings{"ab"}));    // U+200B ZERO WIDTH SPACE is Cf
  EXPECT_EQ(words("a\xEF\xBF\xBD" "b"), (Strings{"ab"}));    // U+FFFD
  EXPECT_EQ(words("a\xFF\xFE" "b\xC3"), (Strings{"ab"}));    // invalid UTF-8 becomes U+FFFD, then goes
  EXPECT_EQ(words("a\x0b" "b"), (Strings{"ab"}));           // VT is Cc before it is whitespace
  EXPECT_EQ(words("a\xEE\x80\x80" "b"), (Strings{"ab"}));    // U+E000 private use (Co) goes
  EXPECT_EQ(words("a\xCD\xB8" "b"), (Strings{"a\xCD\xB8" "b"}));  // U+0378 unassigned (Cn) stays, as in HF
  EXPECT_EQ(words("a\xE2\x80\xA8" "b\t c\xE3\x80\x80" "d"), (Strings{"a", "b", "c", "d"}));  // U+2028, U+3000
  EXPECT_EQ(words("a\x01" "b", {.clean_text = false}), (Strings{"a\x01" "b"}));
  EXPECT_EQ(words("a\xE2\x80\xA8" "b", {.clean_text = false}), (Strings{"a", "b"}));  // splitting needs no cleaning
  EXPECT_TRUE(words("").empty());
  EXPECT_TRUE(words(" \t\r\n\x01 ").empty());
}

TEST(BertTokenizerSpecials, AreMatchedVerbatimBeforeNormalization) {
  const auto plain = make();
  EXPECT_EQ(plain.tokenize_ids("hello[SEP]"), (Ids{12, 1, 1, 1}));  // hello [ sep ]: no specials by default
  const auto tokenizer = make({.special_tokens = {"[SEP]", "[UNK]"}});
  EXPECT_EQ(tokenizer.tokenize_ids("hello[SEP]world"), (Ids{12, 3, 13}));
  EXPECT_EQ(tokenizer.basic_tokenize("Hello [SEP] [sep] [SEP"),
            (Strings{"hello", "[SEP]", "[", "sep", "]", "[", "sep"}));
  EXPECT_EQ(tokenizer.encode("[SEP][SEP]a").ids, (Ids{2, 3, 3, 8, 3}));
  EXPECT_EQ(tokenizer.tokenize("[[UNK]]"), (Strings{"[UNK]", "[UNK]", "[UNK]"}));  // "[", [UNK] matched, "]"
  auto missing = BertTokenizer::create(kVocab, {.special_tokens = {"[MASK]"}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "special token \"[MASK]\" is not in the vocabulary");
}

TEST(BertEncode, AddsClsSepAndTruncatesContent) {
  const auto tokenizer = make();
  auto e = tokenizer.encode("hello world ! a");
  EXPECT_EQ(e.ids, (Ids{2, 12, 13, 14, 8, 3}));
  EXPECT_EQ(e.type_ids, Ids(6, 0));
  EXPECT_EQ(e.attention_mask, Ids(6, 1));
  EXPECT_EQ(e.truncated, 0u);
  EXPECT_EQ(tokenizer.encode("hello world ! a", 4).ids, (Ids{2, 12, 13, 3}));
  EXPECT_EQ(tokenizer.encode("hello world ! a", 4).truncated, 2u) << "'!' and 'a' dropped";
  EXPECT_EQ(tokenizer.encode("hello world ! a", 6).truncated, 0u) << "exactly fits";
  EXPECT_EQ(tokenizer.encode("").ids, (Ids{2, 3}));
  // max_length above model_max_length is capped by it.
  auto small = make({.model_max_length = 5});
  EXPECT_EQ(small.encode("hello world ! a", 100).ids, (Ids{2, 12, 13, 14, 3}));
  EXPECT_EQ(small.encode("hello world ! a").ids.size(), 5u);
}

TEST(BertEncode, PairTruncatesTheLongerSideFirst) {
  const auto tokenizer = make();
  auto e = tokenizer.encode_pair("hello world", "a");
  EXPECT_EQ(e.ids, (Ids{2, 12, 13, 3, 8, 3}));
  EXPECT_EQ(e.type_ids, (Ids{0, 0, 0, 0, 1, 1}));
  EXPECT_EQ(e.attention_mask, Ids(6, 1));
  // 5 + 2 content tokens into a budget of 8 - 3 = 5: the shorter fits in half, the longer keeps 5 - 2.
  EXPECT_EQ(tokenizer.encode_pair("a a a a a", "hello world", 8).ids, (Ids{2, 8, 8, 8, 3, 12, 13, 3}));
  EXPECT_EQ(tokenizer.encode_pair("a a a a a", "hello world", 8).truncated, 2u);
  EXPECT_EQ(e.truncated, 0u);
  EXPECT_EQ(tokenizer.encode_pair("hello world", "a a a a a", 8).ids, (Ids{2, 12, 13, 3, 8, 8, 8, 3}));
  // Both must shrink: the shorter keeps 5 / 2 = 2, the longer 3; on equal lengths the first counts as shorter.
  EXPECT_EQ(tokenizer.encode_pair("a a a", "hello world !", 8).ids, (Ids{2, 8, 8, 3, 12, 13, 14, 3}));
  EXPECT_EQ(tokenizer.encode_pair("a a a a", "hello world !", 8).ids, (Ids{2, 8, 8, 8, 3, 12, 13, 3}));
  EXPECT_EQ(tokenizer.encode_pair("hello world ! a", "a a a", 8).ids, (Ids{2, 12, 13, 14, 3, 8, 8, 3}));
}

TEST(BertEncode, BatchPadsWithPadIdAndZeroMask) {
  const auto tokenizer = make();
  const std::vector<std::string> texts = {"hello", "hello world ! a"};
  auto batch = tokenizer.encode_batch(texts);
  ASSERT_EQ(batch.rows, 2u);
  ASSERT_EQ(batch.length, 6u);
  EXPECT_EQ(batch.ids, (Ids{2, 12, 3, 0, 0, 0, 2, 12, 13, 14, 8, 3}));
  EXPECT_EQ(batch.attention_mask, (Ids{1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1}));
  EXPECT_EQ(batch.type_ids, Ids(12, 0));

  auto left = make({.padding = {.multiple_of = 4, .left = true}}).encode_batch(texts);
  ASSERT_EQ(left.length, 8u);
  EXPECT_EQ(left.ids, (Ids{0, 0, 0, 0, 0, 2, 12, 3, 0, 0, 2, 12, 13, 14, 8, 3}));
  EXPECT_EQ(left.attention_mask, (Ids{0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1}));

  auto fixed = make({.padding = {.fixed_length = 7}}).encode_batch(texts, 4);
  EXPECT_EQ(fixed.length, 7u);
  EXPECT_EQ(fixed.ids, (Ids{2, 12, 3, 0, 0, 0, 0, 2, 12, 13, 3, 0, 0, 0}));
  EXPECT_EQ(tokenizer.encode_batch(std::vector<std::string>{}).rows, 0u);
}

TEST(BertTokenizerCreate, RejectsBadVocabulariesAndOptions) {
  auto duplicate = BertTokenizer::create({"[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "a"}, {});
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().message, "token \"a\" appears twice (ids 4 and 5)");
  auto missing = BertTokenizer::create({"[PAD]", "[CLS]", "[SEP]"}, {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "unk_token \"[UNK]\" is not in the vocabulary");
  auto empty = BertTokenizer::create({"[PAD]", "", "[UNK]", "[CLS]", "[SEP]"}, {});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "token id 1 is empty");
  auto short_max = BertTokenizer::create(kVocab, {.model_max_length = 2});
  ASSERT_FALSE(short_max);
  EXPECT_EQ(short_max.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(BertTokenizer::create(kVocab, {.sep_token = ""}));
  auto padding = BertTokenizer::create(kVocab, {.model_max_length = 16, .padding = {.fixed_length = 17}});
  ASSERT_FALSE(padding);
  EXPECT_EQ(padding.error().message, "padding to 17 (multiple of 0) exceeds the max length 16");
}

TEST(BertTokenizerCreate, LooksUpTokensBothWays) {
  const auto tokenizer = make();
  EXPECT_EQ(tokenizer.find("##able"), 7);
  EXPECT_FALSE(tokenizer.find("absent"));
  EXPECT_EQ(tokenizer.token(7), "##able");
  EXPECT_EQ(tokenizer.token(-1), "");
  EXPECT_EQ(tokenizer.token(static_cast<std::int32_t>(kVocab.size())), "");
  EXPECT_EQ(tokenizer.unk_id(), 1);
  EXPECT_EQ(tokenizer.cls_id(), 2);
  EXPECT_EQ(tokenizer.sep_id(), 3);
  EXPECT_EQ(tokenizer.pad_id(), 0);
}

}  // namespace
}  // namespace semspace
