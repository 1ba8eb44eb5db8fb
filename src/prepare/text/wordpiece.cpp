#include "prepare/text/wordpiece.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <tuple>
#include <utility>

#include <fmt/format.h>
#include <utf8proc.h>

#include "prepare/text/utf8.hpp"

namespace semspace {
namespace {

utf8proc_category_t category(char32_t cp) noexcept {
  return static_cast<utf8proc_category_t>(utf8proc_category(static_cast<utf8proc_int32_t>(cp)));
}

// The Unicode White_Space property, which HF tests (Rust char::is_whitespace) both when cleaning text and when
// splitting words; it includes U+2028/U+2029 (Zl/Zp), which a Zs-only test would leave inside words.
bool is_white_space(char32_t cp) noexcept {
  return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

// HF tokenizers' controls are Cc, Cf and Co (its category crate's "other" leaves out Cn and Cs); google-research/bert
// drops only Cc and Cf, transformers' slow tokenizer every C*. So private-use characters go and unassigned ones
// stay, as in the fast tokenizers that produce the embeddings users compare with. Tab, LF and CR are whitespace.
bool is_control(char32_t cp) noexcept {
  if (cp == '\t' || cp == '\n' || cp == '\r') return false;
  switch (category(cp)) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CO:
      return true;
    default:
      return false;
  }
}

template <class F>
void for_each_code_point(std::string_view valid, F&& f) {
  for (std::size_t pos = 0; pos < valid.size();) {
    char32_t cp = 0;
    const std::size_t length = decode_valid_utf8(valid.data() + pos, cp);
    f(cp, valid.substr(pos, length));
    pos += length;
  }
}

// NFD (canonical decomposition + canonical ordering) of valid UTF-8, then every Mn dropped.
std::string strip_accents(std::string_view valid) {
  utf8proc_uint8_t* raw = nullptr;
  const utf8proc_ssize_t length =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(valid.data()), static_cast<utf8proc_ssize_t>(valid.size()),
                   &raw, static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_DECOMPOSE));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(raw, &std::free);
  // The input was repaired before, so utf8proc has nothing to reject short of running out of memory.
  SEMSPACE_CHECK(length >= 0, "utf8proc_map(NFD) failed: {}", utf8proc_errmsg(length));
  const std::string_view decomposed(reinterpret_cast<const char*>(raw), static_cast<std::size_t>(length));
  std::string out;
  out.reserve(decomposed.size());
  for_each_code_point(decomposed, [&](char32_t cp, std::string_view bytes) {
    if (category(cp) != UTF8PROC_CATEGORY_MN) out.append(bytes);
  });
  return out;
}

// Full lowercase mapping one code point at a time (as HF does; so no final-sigma rule). utf8proc_tolower is the
// simple mapping; the one unconditional multi-character lowercase mapping of SpecialCasing.txt is U+0130.
std::string lowercase(std::string_view valid) {
  std::string out;
  out.reserve(valid.size());
  for_each_code_point(valid, [&](char32_t cp, std::string_view bytes) {
    if (cp < 0x80) {
      out.push_back(cp >= 'A' && cp <= 'Z' ? static_cast<char>(cp + ('a' - 'A')) : static_cast<char>(cp));
    } else if (cp == 0x130) {
      out.append("i\xCC\x87");  // i + U+0307 COMBINING DOT ABOVE
    } else {
      const auto lower = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
      if (lower == cp) {
        out.append(bytes);
      } else {
        append_utf8(lower, out);
      }
    }
  });
  return out;
}

// BertPreTokenizer: whitespace separates words and is dropped; each punctuation character is a word of its own.
void split_words(std::string_view normalized, std::vector<std::string>& words) {
  std::string current;
  auto flush = [&] {
    if (!current.empty()) words.push_back(std::move(current));
    current.clear();
  };
  for_each_code_point(normalized, [&](char32_t cp, std::string_view bytes) {
    if (is_white_space(cp)) {
      flush();
    } else if (is_bert_punctuation(cp)) {
      flush();
      words.emplace_back(bytes);
    } else {
      current.append(bytes);
    }
  });
  flush();
}

}  // namespace

// HF tokenizers' ranges. google-research/bert and transformers' slow tokenizer start the sixth range at 0x2B820;
// HF's fast tokenizer at 0x2B920, so U+2B820..U+2B91F (the start of extension E) stay inside words there and here.
bool is_bert_cjk(char32_t cp) noexcept {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
         (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

bool is_bert_punctuation(char32_t cp) noexcept {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
    return true;
  }
  if (cp < 0x80) return false;
  switch (category(cp)) {
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
      return true;
    default:
      return false;
  }
}

Status BertTokenizerOptions::validate() const {
  for (const auto& [name, value] : {std::pair<const char*, const std::string&>{"unk_token", unk_token},
                                    {"cls_token", cls_token},
                                    {"sep_token", sep_token},
                                    {"pad_token", pad_token}}) {
    if (value.empty()) return make_error(ErrorCode::kInvalidArgument, fmt::format("{} must not be empty", name));
  }
  if (model_max_length < 3) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("max length {} leaves no room for [CLS] text [SEP]; expected >= 3", model_max_length));
  }
  // Bounded so that a padded batch cannot be made to allocate without limit by a tokenizer file.
  if (padding.fixed_length > model_max_length || padding.multiple_of > model_max_length) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("padding to {} (multiple of {}) exceeds the max length {}", padding.fixed_length,
                                  padding.multiple_of, model_max_length));
  }
  for (const auto& special : special_tokens) {
    if (special.empty()) return make_error(ErrorCode::kInvalidArgument, "special tokens must not be empty");
  }
  if (max_input_chars_per_word == 0) {
    return make_error(ErrorCode::kInvalidArgument, "max_input_chars_per_word must be > 0");
  }
  return {};
}

std::string bert_normalize(std::string_view text, const BertTokenizerOptions& options) {
  std::string sanitized;
  sanitize_utf8(text, sanitized);
  std::string out;
  out.reserve(sanitized.size());
  for_each_code_point(sanitized, [&](char32_t cp, std::string_view bytes) {
    if (options.clean_text) {
      if (cp == 0 || cp == 0xFFFD || is_control(cp)) return;
      if (is_white_space(cp)) {
        out.push_back(' ');
        return;
      }
    }
    if (options.handle_chinese_chars && is_bert_cjk(cp)) {
      out.push_back(' ');
      out.append(bytes);
      out.push_back(' ');
      return;
    }
    out.append(bytes);
  });
  if (options.strips_accents()) out = strip_accents(out);
  if (options.lowercase) out = lowercase(out);
  return out;
}

Expected<BertTokenizer> BertTokenizer::create(std::vector<std::string> vocab, BertTokenizerOptions options) {
  if (auto status = options.validate(); !status) return tl::unexpected(status.error());
  if (vocab.size() > static_cast<std::size_t>(INT32_MAX)) {
    return make_error(ErrorCode::kCorrupt, fmt::format("vocabulary of {} tokens exceeds int32 ids", vocab.size()));
  }
  BertTokenizer tokenizer;
  tokenizer.index_.reserve(vocab.size());
  for (std::size_t id = 0; id < vocab.size(); ++id) {
    if (vocab[id].empty()) return make_error(ErrorCode::kCorrupt, fmt::format("token id {} is empty", id));
    tokenizer.longest_token_ = std::max(tokenizer.longest_token_, vocab[id].size());
    auto [it, inserted] = tokenizer.index_.emplace(vocab[id], static_cast<std::int32_t>(id));
    if (!inserted) {
      return make_error(ErrorCode::kCorrupt,
                        fmt::format("token \"{}\" appears twice (ids {} and {})", vocab[id], it->second, id));
    }
  }
  tokenizer.vocab_ = std::move(vocab);
  tokenizer.options_ = std::move(options);
  for (auto [name, token, id] : {std::tuple{"unk_token", &tokenizer.options_.unk_token, &tokenizer.unk_id_},
                                 std::tuple{"cls_token", &tokenizer.options_.cls_token, &tokenizer.cls_id_},
                                 std::tuple{"sep_token", &tokenizer.options_.sep_token, &tokenizer.sep_id_},
                                 std::tuple{"pad_token", &tokenizer.options_.pad_token, &tokenizer.pad_id_}}) {
    auto found = tokenizer.find(*token);
    if (!found) {
      return make_error(ErrorCode::kCorrupt, fmt::format("{} \"{}\" is not in the vocabulary", name, *token));
    }
    *id = *found;
  }
  for (const auto& special : tokenizer.options_.special_tokens) {
    auto found = tokenizer.find(special);
    if (!found) {
      return make_error(ErrorCode::kCorrupt, fmt::format("special token \"{}\" is not in the vocabulary", special));
    }
    tokenizer.specials_.emplace_back(special, *found);
  }
  return tokenizer;
}

std::optional<std::int32_t> BertTokenizer::find(std::string_view token) const {
  auto it = index_.find(token);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

std::string_view BertTokenizer::token(std::int32_t id) const noexcept {
  if (id < 0 || static_cast<std::size_t>(id) >= vocab_.size()) return {};
  return vocab_[static_cast<std::size_t>(id)];
}

// Cuts `text` at the special tokens (leftmost, longest first, compared byte for byte before any normalization, as
// HF matches its non-normalized added tokens): on_text gets each stretch between them, on_special each match's id.
template <class OnText, class OnSpecial>
void BertTokenizer::split_specials(std::string_view text, OnText&& on_text, OnSpecial&& on_special) const {
  std::size_t segment_start = 0;
  for (std::size_t pos = 0; pos < text.size() && !specials_.empty();) {
    std::size_t best_length = 0;
    std::int32_t best_id = 0;
    for (const auto& [special, id] : specials_) {
      if (special.size() > best_length && text.substr(pos).starts_with(special)) {
        best_length = special.size();
        best_id = id;
      }
    }
    if (best_length == 0) {
      ++pos;
      continue;
    }
    on_text(text.substr(segment_start, pos - segment_start));
    on_special(best_id);
    pos += best_length;
    segment_start = pos;
  }
  on_text(text.substr(segment_start));
}

std::vector<std::string> BertTokenizer::basic_tokenize(std::string_view text) const {
  std::vector<std::string> words;
  split_specials(
      text, [&](std::string_view segment) { split_words(bert_normalize(segment, options_), words); },
      [&](std::int32_t id) { words.emplace_back(token(id)); });
  return words;
}

// Greedy longest-match-first over code point boundaries; a word with any piece missing is one unk_token.
void BertTokenizer::wordpiece(std::string_view word, std::vector<std::int32_t>& ids, std::string& scratch) const {
  std::vector<std::size_t> bounds;  // byte offset of each code point, then word.size()
  for_each_code_point(word, [&](char32_t, std::string_view bytes) {
    bounds.push_back(static_cast<std::size_t>(bytes.data() - word.data()));
  });
  const std::size_t chars = bounds.size();
  bounds.push_back(word.size());
  if (chars > options_.max_input_chars_per_word) {
    ids.push_back(unk_id_);
    return;
  }
  const std::size_t first_piece = ids.size();
  std::size_t start = 0;
  while (start < chars) {
    std::optional<std::int32_t> match;
    // No vocabulary entry is longer than longest_token_ bytes, so longer candidates need no lookup: this keeps a
    // long word (max_input_chars_per_word is the file's to choose) linear in its length, not cubic.
    const std::size_t prefix = start == 0 ? 0 : options_.continuing_subword_prefix.size();
    const std::size_t max_bytes = longest_token_ > prefix ? longest_token_ - prefix : 0;
    const auto first = bounds.begin() + static_cast<std::ptrdiff_t>(start);
    const auto last = bounds.begin() + static_cast<std::ptrdiff_t>(chars) + 1;
    // The last boundary at most max_bytes after start; start itself at worst, which ends the search unmatched.
    std::size_t end = static_cast<std::size_t>(std::upper_bound(first, last, bounds[start] + max_bytes) - first) +
                      start - 1;
    for (; end > start; --end) {
      const std::string_view piece = word.substr(bounds[start], bounds[end] - bounds[start]);
      if (start == 0) {
        match = find(piece);
      } else {
        scratch.assign(options_.continuing_subword_prefix);
        scratch.append(piece);
        match = find(scratch);
      }
      if (match) break;
    }
    if (!match) {
      ids.resize(first_piece);
      ids.push_back(unk_id_);
      return;
    }
    ids.push_back(*match);
    start = end;
  }
}

std::vector<std::int32_t> BertTokenizer::tokenize_ids(std::string_view text) const {
  std::vector<std::int32_t> ids;
  std::string scratch;
  std::vector<std::string> words;
  split_specials(
      text,
      [&](std::string_view segment) {
        words.clear();
        split_words(bert_normalize(segment, options_), words);
        for (const auto& word : words) wordpiece(word, ids, scratch);
      },
      [&](std::int32_t id) { ids.push_back(id); });
  return ids;
}

std::vector<std::string> BertTokenizer::tokenize(std::string_view text) const {
  std::vector<std::string> tokens;
  for (std::int32_t id : tokenize_ids(text)) tokens.emplace_back(token(id));
  return tokens;
}

std::size_t BertTokenizer::effective_max_length(std::size_t max_length) const noexcept {
  if (max_length == 0 || max_length > options_.model_max_length) return options_.model_max_length;
  return std::max<std::size_t>(max_length, 3);  // room for [CLS] [SEP] and the pair's second [SEP]
}

BertEncoding BertTokenizer::encode(std::string_view text, std::size_t max_length) const {
  std::vector<std::int32_t> content = tokenize_ids(text);
  const std::size_t limit = effective_max_length(max_length);
  BertEncoding encoding;
  if (content.size() > limit - 2) {
    encoding.truncated = content.size() - (limit - 2);
    content.resize(limit - 2);
  }
  encoding.ids.reserve(content.size() + 2);
  encoding.ids.push_back(cls_id_);
  encoding.ids.insert(encoding.ids.end(), content.begin(), content.end());
  encoding.ids.push_back(sep_id_);
  encoding.type_ids.assign(encoding.ids.size(), 0);
  encoding.attention_mask.assign(encoding.ids.size(), 1);
  return encoding;
}

BertEncoding BertTokenizer::encode_pair(std::string_view first, std::string_view second,
                                        std::size_t max_length) const {
  std::vector<std::int32_t> a = tokenize_ids(first);
  std::vector<std::int32_t> b = tokenize_ids(second);
  const std::size_t budget = effective_max_length(max_length) - 3;
  // HF tokenizers' LongestFirst (what transformers' fast tokenizers run): when the shorter side fits in half the
  // budget only the longer one is cut, to the rest; otherwise the shorter (the first, on ties) keeps budget / 2 and
  // the other the remaining budget - budget / 2.
  std::size_t truncated = 0;
  if (a.size() + b.size() > budget) {
    truncated = a.size() + b.size() - budget;
    const bool first_is_shorter = a.size() <= b.size();
    std::vector<std::int32_t>& shorter = first_is_shorter ? a : b;
    std::vector<std::int32_t>& longer = first_is_shorter ? b : a;
    if (shorter.size() > budget / 2) shorter.resize(budget / 2);
    longer.resize(budget - shorter.size());
  }
  BertEncoding encoding;
  encoding.truncated = truncated;
  encoding.ids.push_back(cls_id_);
  encoding.ids.insert(encoding.ids.end(), a.begin(), a.end());
  encoding.ids.push_back(sep_id_);
  encoding.type_ids.assign(encoding.ids.size(), 0);
  encoding.ids.insert(encoding.ids.end(), b.begin(), b.end());
  encoding.ids.push_back(sep_id_);
  encoding.type_ids.resize(encoding.ids.size(), 1);
  encoding.attention_mask.assign(encoding.ids.size(), 1);
  return encoding;
}

BertBatch BertTokenizer::pad(std::vector<BertEncoding> encodings) const {
  const BertPadding& padding = options_.padding;
  std::size_t length = padding.fixed_length;
  for (const auto& e : encodings) length = std::max(length, e.ids.size());
  if (padding.multiple_of > 1 && length % padding.multiple_of != 0) {
    length += padding.multiple_of - length % padding.multiple_of;
  }
  BertBatch batch;
  batch.rows = encodings.size();
  batch.length = length;
  batch.ids.reserve(batch.rows * length);
  batch.type_ids.reserve(batch.rows * length);
  batch.attention_mask.reserve(batch.rows * length);
  for (const auto& e : encodings) {
    const std::size_t fill = length - e.ids.size();
    auto add_padding = [&] {
      batch.ids.insert(batch.ids.end(), fill, pad_id_);
      batch.type_ids.insert(batch.type_ids.end(), fill, options_.pad_type_id);
      batch.attention_mask.insert(batch.attention_mask.end(), fill, 0);
    };
    if (padding.left) add_padding();
    batch.ids.insert(batch.ids.end(), e.ids.begin(), e.ids.end());
    batch.type_ids.insert(batch.type_ids.end(), e.type_ids.begin(), e.type_ids.end());
    batch.attention_mask.insert(batch.attention_mask.end(), e.attention_mask.begin(), e.attention_mask.end());
    if (!padding.left) add_padding();
  }
  return batch;
}

BertBatch BertTokenizer::encode_batch(std::span<const std::string_view> texts, std::size_t max_length) const {
  std::vector<BertEncoding> encodings;
  encodings.reserve(texts.size());
  for (std::string_view text : texts) encodings.push_back(encode(text, max_length));
  return pad(std::move(encodings));
}

BertBatch BertTokenizer::encode_batch(std::span<const std::string> texts, std::size_t max_length) const {
  std::vector<std::string_view> views(texts.begin(), texts.end());
  return encode_batch(std::span<const std::string_view>(views), max_length);
}

}  // namespace semspace
