// Arbitrary bytes as text through BertTokenizer in every normalizer setting, and as a tokenizer.json: no crash,
// every error says something, and every encoding keeps its contract ([CLS] first, [SEP] last, ids in range,
// length within the limit, equal-length rows).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io/hf_tokenizer.hpp"
#include "prepare/text/utf8.hpp"
#include "prepare/text/wordpiece.hpp"

namespace {

using semspace::BertTokenizer;

std::vector<std::string> small_vocab() {
  std::vector<std::string> vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "##"};
  for (int c = 33; c < 127; ++c) {
    vocab.emplace_back(1, static_cast<char>(c));
    vocab.push_back("##" + std::string(1, static_cast<char>(c)));
  }
  for (const char* s : {"é", "##é", "中", "ᄒ", "##ᅡ", "the", "##ing", "ο", "##σ"}) vocab.emplace_back(s);
  return vocab;
}

void check_encoding(const BertTokenizer& tokenizer, const semspace::BertEncoding& e, std::size_t limit) {
  if (e.ids.size() < 2 || e.ids.size() > limit) __builtin_trap();
  if (e.type_ids.size() != e.ids.size() || e.attention_mask.size() != e.ids.size()) __builtin_trap();
  if (e.ids.front() != tokenizer.cls_id() || e.ids.back() != tokenizer.sep_id()) __builtin_trap();
  for (std::int32_t id : e.ids) {
    if (id < 0 || static_cast<std::size_t>(id) >= tokenizer.vocab_size()) __builtin_trap();
  }
}

void exercise(const BertTokenizer& tokenizer, std::string_view text) {
  for (const auto& word : tokenizer.basic_tokenize(text)) {
    if (word.empty() || !semspace::is_valid_utf8(word)) __builtin_trap();
  }
  check_encoding(tokenizer, tokenizer.encode(text), tokenizer.options().model_max_length);
  const std::size_t half = text.size() / 2;  // may split a UTF-8 sequence: both halves must still work
  check_encoding(tokenizer, tokenizer.encode_pair(text.substr(0, half), text.substr(half), 7), 7);
  const std::vector<std::string_view> texts = {text.substr(0, half), {}};
  const auto batch = tokenizer.encode_batch(texts);
  if (batch.rows != texts.size() || batch.ids.size() != batch.rows * batch.length ||
      batch.attention_mask.size() != batch.ids.size() || batch.type_ids.size() != batch.ids.size()) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::vector<BertTokenizer> tokenizers = [] {
    std::vector<BertTokenizer> all;
    // Four settings cover each step on and off (strip_accents unset follows lowercase) at a quarter of the cost
    // of all sixteen combinations.
    for (bool clean : {true, false}) {
      for (bool lower : {true, false}) {
        all.push_back(*BertTokenizer::create(small_vocab(), {.clean_text = clean,
                                                             .handle_chinese_chars = clean != lower,
                                                             .lowercase = lower,
                                                             .max_input_chars_per_word = 20,
                                                             .model_max_length = 64}));
      }
    }
    return all;
  }();
  for (const auto& tokenizer : tokenizers) exercise(tokenizer, text);

  auto parsed = semspace::io::parse_tokenizer_json(text, "tokenizer.json");
  if (!parsed) {
    if (parsed.error().message.empty()) __builtin_trap();
  } else {
    exercise(*parsed, "Hello, wörld! 中文 unaffable");
    exercise(*parsed, text);
  }
  return 0;
}
