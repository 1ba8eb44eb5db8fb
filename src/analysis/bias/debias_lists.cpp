#include "analysis/bias/debias_lists.hpp"

#include <fmt/format.h>

#include "analysis/bias/builtin_data.hpp"
#include "analysis/bias/json_lists.hpp"
#include "analysis/evaluate/text_lines.hpp"

namespace semspace {

Expected<DebiasWordLists> parse_debias_lists(std::string_view json_text, std::string_view source) {
  auto json = bias_json::parse_object(json_text, source);
  if (!json) return tl::unexpected(json.error());
  DebiasWordLists lists;
  bool has_definitional = false;
  for (const auto& [key, value] : json->items()) {
    if (key.starts_with('_')) continue;  // a comment
    if (key == "definitional_pairs" || key == "equalize_pairs") {
      auto pairs = bias_json::word_pairs(value, source, key);
      if (!pairs) return tl::unexpected(pairs.error());
      (key == "definitional_pairs" ? lists.definitional_pairs : lists.equalize_pairs) = std::move(*pairs);
      has_definitional = has_definitional || key == "definitional_pairs";
    } else if (key == "specific_words") {
      if (value.is_array() && value.empty()) continue;
      auto words = bias_json::word_array(value, source, key);
      if (!words) return tl::unexpected(words.error());
      lists.specific_words = std::move(*words);
    } else {
      return bias_json::corrupt(source, fmt::format("unknown field \"{}\" (expected definitional_pairs, "
                                                    "equalize_pairs, specific_words)", key));
    }
  }
  if (!has_definitional) return bias_json::corrupt(source, "field \"definitional_pairs\" is missing");
  if (lists.definitional_pairs.empty()) return bias_json::corrupt(source, "field \"definitional_pairs\" is empty");
  return lists;
}

Expected<DebiasWordLists> read_debias_lists(const std::filesystem::path& path) {
  auto text = read_text_file(path);
  if (!text) return tl::unexpected(text.error());
  return parse_debias_lists(*text, path.string());
}

Expected<std::vector<std::string>> parse_word_list(std::string_view text, std::string_view source) {
  std::vector<std::string> words;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    const auto fields = split_whitespace(line);
    if (fields.empty() || fields[0].starts_with('#')) continue;
    if (fields.size() != 1) {
      return make_error(ErrorCode::kCorrupt, fmt::format("{}:{}: expected one word, found {}", source, line_number,
                                                         fields.size()));
    }
    words.emplace_back(fields[0]);
  }
  return words;
}

Expected<std::vector<std::string>> read_word_list(const std::filesystem::path& path) {
  auto text = read_text_file(path);
  if (!text) return tl::unexpected(text.error());
  return parse_word_list(*text, path.string());
}

const DebiasWordLists& bolukbasi2016_gender_lists() {
  static const DebiasWordLists lists =
      bias_json::builtin(parse_debias_lists(builtin_data::bolukbasi2016_gender_json(), "bolukbasi2016_gender.json"));
  return lists;
}

}  // namespace semspace
