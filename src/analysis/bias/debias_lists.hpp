// Word lists for hard debiasing (Bolukbasi, Chang, Zou, Saligrama & Kalai 2016, "Man is to Computer Programmer
// as Woman is to Homemaker? Debiasing Word Embeddings", NeurIPS 29): the JSON lists file
// (docs/formats/bias-word-lists.md) and the built-in gender lists of data/debias/.
//
// Lists file: one JSON object with "definitional_pairs" (required, non-empty) and optional "equalize_pairs", both
// arrays of two-word arrays, and optional "specific_words", an array of words; keys starting with '_' are
// comments. A word list (--keep) is plain text: one word per line, surrounding spaces trimmed, blank lines and
// lines starting with '#' skipped.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "semspace/status.hpp"

namespace semspace {

using WordPairList = std::vector<std::pair<std::string, std::string>>;

struct DebiasWordLists {
  WordPairList definitional_pairs{};  // their differences span the bias direction
  WordPairList equalize_pairs{};      // made symmetric about the direction
  std::vector<std::string> specific_words{};  // carry the bias by definition: not neutralised
};

/// kCorrupt naming the source and the field (e.g. "equalize_pairs[3] must hold 2 words, found 3") for invalid
/// JSON, a missing or empty definitional_pairs, pairs that are not two non-empty strings, an unknown key.
Expected<DebiasWordLists> parse_debias_lists(std::string_view json_text, std::string_view source);
/// The same, reading the file (kIo naming it when it cannot be read).
Expected<DebiasWordLists> read_debias_lists(const std::filesystem::path& path);

/// A one-word-per-line list. kCorrupt "source:line: expected one word, found N" for a line with inner spaces.
Expected<std::vector<std::string>> parse_word_list(std::string_view text, std::string_view source);
Expected<std::vector<std::string>> read_word_list(const std::filesystem::path& path);

/// Bolukbasi et al.'s ten definitional pairs for gender, with our equalize pairs and gender-specific words
/// (data/debias/bolukbasi2016_gender.json). Parsed once, on first use; thread-safe.
const DebiasWordLists& bolukbasi2016_gender_lists();

}  // namespace semspace
