// The tokenizer files of a HuggingFace BERT-family model folder -> BertTokenizer (src/prepare/text/wordpiece.hpp).
// Supported: tokenizer.json of the `tokenizers` library with a WordPiece model, or vocab.txt plus the optional
// tokenizer_config.json and special_tokens_map.json that `transformers` writes beside it.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "prepare/text/wordpiece.hpp"
#include "semspace/status.hpp"

namespace semspace::io {

/// Loads `model_dir`'s tokenizer: tokenizer.json when present (an unsupported one is an error, never a silent
/// fallback), else vocab.txt with tokenizer_config.json and special_tokens_map.json when present. With
/// tokenizer.json, tokenizer_config.json still counts as transformers counts it: its model_max_length (when below
/// 10^9; larger values are transformers' "no limit" marker, which leaves BERT's 512) caps a tokenizer without a
/// truncation section, and its do_lower_case, strip_accents and tokenize_chinese_chars, where present, override
/// a BertNormalizer's settings (BertTokenizerFast does the same).
/// Errors name the file and the field: kNotFound (neither tokenizer.json nor vocab.txt), kIo, kCorrupt
/// (malformed JSON, wrong field types, duplicate or non-dense ids), kUnsupported (a model, normalizer,
/// pre-tokenizer, post-processor, truncation or padding setting other than BERT's).
Expected<BertTokenizer> load_hf_tokenizer(const std::filesystem::path& model_dir);

/// Parses the text of a tokenizer.json; `name` (a path) prefixes errors. `config_json` is the text of
/// tokenizer_config.json or empty. Handles: model WordPiece (vocab, unk_token, continuing_subword_prefix,
/// max_input_chars_per_word); normalizer BertNormalizer, null, or a Sequence of NFD, StripAccents, Lowercase,
/// BertNormalizer (NFD only together with StripAccents); pre_tokenizer BertPreTokenizer; post_processor
/// TemplateProcessing of the [CLS] $A [SEP] / [CLS] $A [SEP] $B [SEP] shape or BertProcessing; truncation
/// (max_length; strategy LongestFirst, direction Right); padding (BatchLongest or Fixed, Left or Right,
/// pad_to_multiple_of, pad_token matching pad_id); added_tokens with "normalized": false (the special tokens)
/// become BertTokenizerOptions::special_tokens, each required in model.vocab with the same id and without
/// single_word; normalized added tokens are left to WordPiece.
Expected<BertTokenizer> parse_tokenizer_json(std::string_view json, std::string_view name,
                                             std::string_view config_json = {}, std::string_view config_name = {});

/// Parses vocab.txt: one token per line, id = line number (0-based); "\r\n" endings and a missing final
/// newline are accepted. kCorrupt naming name:line for an empty line (ids would shift) or a duplicate token.
Expected<std::vector<std::string>> parse_vocab_txt(std::string_view text, std::string_view name);

/// Options from tokenizer_config.json (do_lower_case, strip_accents, tokenize_chinese_chars, model_max_length,
/// unk/cls/sep/pad/mask_token, additional_special_tokens) and special_tokens_map.json (the token fields, which
/// win); either text may be empty. special_tokens lists unk, cls, sep, pad, mask and the additional ones;
/// load_hf_tokenizer drops those absent from vocab.txt.
Expected<BertTokenizerOptions> parse_tokenizer_config(std::string_view config_json, std::string_view config_name,
                                                      std::string_view special_tokens_json,
                                                      std::string_view special_tokens_name);

}  // namespace semspace::io
