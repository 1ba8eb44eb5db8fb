// The BERT tokenizer: BasicTokenizer (clean, CJK split, accents, case, punctuation) + WordPiece + [CLS]/[SEP]
// encoding, as HuggingFace `tokenizers` runs it for BertNormalizer + BertPreTokenizer + WordPiece. Loading a
// model folder's tokenizer.json / vocab.txt is io's job (src/io/hf_tokenizer.hpp); this file knows no files.
// Where google-research/bert and HF's fast tokenizers differ (which controls are dropped, one CJK range, accents
// stripped before lowercasing, no final sigma) this follows HF, whose output sentence-transformers users compare
// with; tests/reference/bert_tokenizer.py is the independent reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "semspace/status.hpp"

namespace semspace {

/// Padding of a batch: to the longest row (fixed_length == 0) or to fixed_length, then up to a multiple.
struct BertPadding {
  std::size_t fixed_length = 0;  // 0: pad to the longest encoding in the batch (HF "BatchLongest")
  std::size_t multiple_of = 0;   // 0 or 1: no rounding up
  bool left = false;             // pad before the tokens (HF direction "Left")
};

/// The settings of HF BertNormalizer, WordPiece and BertProcessing. Defaults are bert-base-uncased's.
struct BertTokenizerOptions {
  // Normalizer. Order (HF): clean text, space out CJK ideographs, strip accents, lowercase.
  bool clean_text = true;              // drop NUL, U+FFFD and controls (Cc Cf Co); whitespace -> ' '
  bool handle_chinese_chars = true;    // each CJK ideograph becomes its own word
  std::optional<bool> strip_accents = std::nullopt;  // NFD + drop Mn; unset: follows `lowercase` (HF's rule)
  bool lowercase = true;               // full lowercase mapping, code point by code point
  // WordPiece.
  std::string unk_token = "[UNK]";
  std::string continuing_subword_prefix = "##";
  std::size_t max_input_chars_per_word = 100;  // longer words (in code points) become unk_token
  // Post-processing: [CLS] a [SEP] and [CLS] a [SEP] b [SEP].
  std::string cls_token = "[CLS]";
  std::string sep_token = "[SEP]";
  std::string pad_token = "[PAD]";
  std::int32_t pad_type_id = 0;
  /// Tokens recognised verbatim in the input before normalization and encoded as their own id (HF's added special
  /// tokens: "a [SEP] b" holds the [SEP] id, not "[", "sep", "]"). Each must be in the vocabulary. The loaders
  /// fill this in; empty here, so that create() with default options matches nothing.
  std::vector<std::string> special_tokens = {};
  /// The longest encoding, special tokens included (tokenizer.json truncation.max_length or
  /// tokenizer_config.json model_max_length; BERT's position table holds 512).
  std::size_t model_max_length = 512;
  BertPadding padding = {};

  /// kInvalidArgument when a special token is empty, model_max_length < 3 (room for [CLS] x [SEP] and pairs),
  /// padding.fixed_length or padding.multiple_of exceeds model_max_length, or max_input_chars_per_word == 0.
  Status validate() const;
  bool strips_accents() const noexcept { return strip_accents.value_or(lowercase); }
};

/// One encoded text (or pair): equal-length rows, ready for a BERT forward pass.
struct BertEncoding {
  std::vector<std::int32_t> ids;
  std::vector<std::int32_t> type_ids;        // 0 for the first text and its [CLS]/[SEP], 1 for the second
  std::vector<std::int32_t> attention_mask;  // 1 for real tokens (all of them here; padding comes in batches)
  std::size_t truncated = 0;                 // tokens dropped to fit the max length (0: the text fitted whole)
};

/// A padded batch, row-major: entry (row, position) is at row * length + position.
struct BertBatch {
  std::size_t rows = 0;
  std::size_t length = 0;  // tokens per row after padding
  std::vector<std::int32_t> ids;
  std::vector<std::int32_t> type_ids;
  std::vector<std::int32_t> attention_mask;  // 0 on padding
};

/// A loaded BERT tokenizer. Immutable after create(): every method may be called from many threads at once.
/// Invalid UTF-8 never fails: each maximal invalid subsequence becomes U+FFFD, which clean_text then drops.
class BertTokenizer {
 public:
  /// vocab[id] is the token with that id; ids are dense (0..size-1). Errors (kInvalidArgument / kCorrupt):
  /// options.validate() fails, a duplicate or empty token (naming it and its ids), or unk/cls/sep/pad
  /// missing from the vocabulary.
  static Expected<BertTokenizer> create(std::vector<std::string> vocab, BertTokenizerOptions options);

  /// The normalized, pre-tokenized words of `text` (BasicTokenizer output: what WordPiece sees); special tokens
  /// found in the input are words of their own.
  std::vector<std::string> basic_tokenize(std::string_view text) const;

  /// The WordPiece ids of `text` without [CLS]/[SEP] or truncation (special tokens written in the text included).
  std::vector<std::int32_t> tokenize_ids(std::string_view text) const;

  /// The WordPiece tokens of `text` as strings ("##" pieces included), without special tokens.
  std::vector<std::string> tokenize(std::string_view text) const;

  /// [CLS] text [SEP], truncated from the end to max_length tokens (0 or more than model_max_length:
  /// model_max_length; below 3: 3, as for pairs).
  BertEncoding encode(std::string_view text, std::size_t max_length = 0) const;

  /// [CLS] a [SEP] b [SEP] with type ids 0..0 1..1. Truncation as HF tokenizers' LongestFirst, from the ends,
  /// with budget = limit - 3: if the shorter text fits in budget / 2 only the longer is cut (to budget - shorter);
  /// else the shorter (a on ties) keeps budget / 2 tokens and the other budget - budget / 2.
  BertEncoding encode_pair(std::string_view first, std::string_view second, std::size_t max_length = 0) const;

  /// encode() of each text, padded per options().padding with the [PAD] id (attention 0, type pad_type_id).
  BertBatch encode_batch(std::span<const std::string_view> texts, std::size_t max_length = 0) const;
  BertBatch encode_batch(std::span<const std::string> texts, std::size_t max_length = 0) const;

  /// The token of `id`; empty when id is out of range.
  std::string_view token(std::int32_t id) const noexcept;
  /// The id of `token`, or std::nullopt.
  std::optional<std::int32_t> find(std::string_view token) const;

  const std::vector<std::string>& vocab() const noexcept { return vocab_; }
  std::size_t vocab_size() const noexcept { return vocab_.size(); }
  const BertTokenizerOptions& options() const noexcept { return options_; }
  std::int32_t unk_id() const noexcept { return unk_id_; }
  std::int32_t cls_id() const noexcept { return cls_id_; }
  std::int32_t sep_id() const noexcept { return sep_id_; }
  std::int32_t pad_id() const noexcept { return pad_id_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using Index = std::unordered_map<std::string, std::int32_t, Hash, std::equal_to<>>;

  BertTokenizer() = default;
  void wordpiece(std::string_view word, std::vector<std::int32_t>& ids, std::string& scratch) const;
  std::size_t effective_max_length(std::size_t max_length) const noexcept;
  BertBatch pad(std::vector<BertEncoding> encodings) const;
  template <class OnText, class OnSpecial>
  void split_specials(std::string_view text, OnText&& on_text, OnSpecial&& on_special) const;

  std::vector<std::string> vocab_;
  Index index_;
  BertTokenizerOptions options_;
  std::int32_t unk_id_ = 0, cls_id_ = 0, sep_id_ = 0, pad_id_ = 0;
  std::size_t longest_token_ = 0;  // bytes of the longest vocabulary entry
  std::vector<std::pair<std::string, std::int32_t>> specials_;  // options_.special_tokens with their ids
};

/// The BertNormalizer steps alone (clean text, CJK spacing, strip accents, lowercase) on `text` after UTF-8
/// repair; exposed for tests and for tools that show what the model sees.
std::string bert_normalize(std::string_view text, const BertTokenizerOptions& options);

/// True for the code points BERT spaces out as Chinese characters: CJK Unified Ideographs and extensions A-E
/// and the two Compatibility Ideographs blocks, not kana or hangul. The ranges are HF tokenizers', which begin
/// extension E at U+2B920 where google-research/bert begins it at U+2B820.
bool is_bert_cjk(char32_t code_point) noexcept;

/// BERT's punctuation: ASCII 33-47, 58-64, 91-96, 123-126 (so $ + < = > ^ ` | ~ count) or Unicode P*.
bool is_bert_punctuation(char32_t code_point) noexcept;

}  // namespace semspace
