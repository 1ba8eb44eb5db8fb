#include "analysis/bias/json_lists.hpp"

#include <fmt/format.h>

namespace semspace::bias_json {

tl::unexpected<Error> corrupt(std::string_view source, std::string_view message) {
  return make_error(ErrorCode::kCorrupt, fmt::format("{}: {}", source, message));
}

Expected<Json> parse_object(std::string_view text, std::string_view source) {
  Json json;
  try {
    json = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    return corrupt(source, fmt::format("invalid JSON at byte {}", e.byte));
  } catch (const Json::exception&) {  // out_of_range: a number beyond double (1e999)
    return corrupt(source, "invalid JSON: a number is out of range");
  }
  if (!json.is_object()) return corrupt(source, "expected a JSON object at the top level");
  return json;
}

Expected<std::vector<std::string>> word_array(const Json& value, std::string_view source, std::string_view field) {
  if (!value.is_array()) return corrupt(source, fmt::format("{} must be an array of words", field));
  if (value.empty()) return corrupt(source, fmt::format("{} is empty", field));
  std::vector<std::string> words;
  words.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const Json& word = value[i];
    if (!word.is_string()) return corrupt(source, fmt::format("{}[{}] must be a string", field, i));
    if (word.get_ref<const std::string&>().empty()) {
      return corrupt(source, fmt::format("{}[{}] is an empty string", field, i));
    }
    words.push_back(word.get<std::string>());
  }
  return words;
}

Expected<std::vector<std::pair<std::string, std::string>>> word_pairs(const Json& value, std::string_view source,
                                                                      std::string_view field) {
  if (!value.is_array()) return corrupt(source, fmt::format("{} must be an array of word pairs", field));
  std::vector<std::pair<std::string, std::string>> pairs;
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto pair = word_array(value[i], source, fmt::format("{}[{}]", field, i));
    if (!pair) return tl::unexpected(pair.error());
    if (pair->size() != 2) {
      return corrupt(source, fmt::format("{}[{}] must hold 2 words, found {}", field, i, pair->size()));
    }
    pairs.emplace_back(std::move((*pair)[0]), std::move((*pair)[1]));
  }
  return pairs;
}

}  // namespace semspace::bias_json
