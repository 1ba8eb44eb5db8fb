// WEAT word sets and test definitions: the JSON files of WEFE's WEAT.json layout (../shared/data/bias_weat,
// docs/formats/bias-word-lists.md) and the built-in lists of Caliskan, Bryson & Narayanan (2017), "Semantics
// derived automatically from language corpora contain human-like biases", Science 356(6334):183-186.
//
// Word sets: one JSON object, each key a set name and its value an array of words (strings); keys starting with
// '_' are comments and may hold anything. Tests: an object whose "tests" array holds objects with string fields
// "id", "X", "Y", "A", "B" (set names), an optional string "name" and an optional object
// "reference_effect_size" of numbers (published values to compare against). Other fields are ignored.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "semspace/status.hpp"

namespace semspace {

/// Set name -> words, in file order.
using WeatWordSets = std::map<std::string, std::vector<std::string>, std::less<>>;

struct WeatTestSpec {
  std::string id{};
  std::string name{};      // a description; may be empty
  std::string x{}, y{};    // target sets: is X more associated with A (and Y with B) than the reverse?
  std::string a{}, b{};    // attribute sets
  std::map<std::string, double> reference_effect_size{};  // e.g. {"glove": 1.50}: published values, may be empty
};

/// Parses a word-sets file. `source` names it in messages. kCorrupt naming the source and the field for invalid
/// JSON (with the byte offset), a top level that is not an object, a set that is not an array of strings (the
/// element index named), an empty set or an empty word.
Expected<WeatWordSets> parse_weat_word_sets(std::string_view json_text, std::string_view source);
/// Parses a tests file. kCorrupt naming the source, the test (index and id) and the field for invalid JSON, a
/// missing "tests" array, a missing or non-string id/X/Y/A/B, a duplicate id, a non-numeric reference value.
Expected<std::vector<WeatTestSpec>> parse_weat_tests(std::string_view json_text, std::string_view source);

/// The same, reading the file (kIo naming it when it cannot be read).
Expected<WeatWordSets> read_weat_word_sets(const std::filesystem::path& path);
Expected<std::vector<WeatTestSpec>> read_weat_tests(const std::filesystem::path& path);

/// kNotFound naming the tests' source, the test and the field when a test names a set `sets` lacks.
Status check_weat_sets_exist(const std::vector<WeatTestSpec>& tests, std::string_view tests_source,
                             const WeatWordSets& sets, std::string_view sets_source);

/// The word sets and the ten tests (WEAT1..WEAT10) of Caliskan et al. (2017), typed from the paper
/// (data/weat/); parsed once, on first use. Thread-safe.
const WeatWordSets& caliskan2017_word_sets();
const std::vector<WeatTestSpec>& caliskan2017_tests();

}  // namespace semspace
