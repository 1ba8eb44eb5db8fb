// What the readers of the bias word-list files share: JSON parsing and the checks on arrays of words, each
// failure a kCorrupt error naming the file and the field. Internal to analysis/bias (pulls in nlohmann-json).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "semspace/status.hpp"

namespace semspace::bias_json {

using Json = nlohmann::json;

/// kCorrupt "<source>: <message>".
tl::unexpected<Error> corrupt(std::string_view source, std::string_view message);

/// The top-level object of `text`; kCorrupt naming the byte offset of a syntax error, or saying the top level
/// is not an object.
Expected<Json> parse_object(std::string_view text, std::string_view source);

/// `value` as a non-empty array of non-empty strings; `field` names it in messages ("set \"flowers\"").
Expected<std::vector<std::string>> word_array(const Json& value, std::string_view source, std::string_view field);

/// `value` as an array of two-word arrays; `field` names it in messages.
Expected<std::vector<std::pair<std::string, std::string>>> word_pairs(const Json& value, std::string_view source,
                                                                      std::string_view field);

/// The value of a parsed built-in list (data/): ours and tested, so a failure is a bug (InternalError).
template <class T>
T builtin(Expected<T> parsed) {
  SEMSPACE_CHECK(parsed.has_value(), "built-in word list: {}", parsed ? std::string() : parsed.error().message);
  return std::move(*parsed);
}

}  // namespace semspace::bias_json
