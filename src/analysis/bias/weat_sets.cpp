#include "analysis/bias/weat_sets.hpp"

#include <set>

#include <fmt/format.h>

#include "analysis/bias/builtin_data.hpp"
#include "analysis/bias/json_lists.hpp"
#include "analysis/evaluate/text_lines.hpp"

namespace semspace {
namespace {

using bias_json::corrupt;
using bias_json::Json;

Expected<std::string> string_field(const Json& test, const char* key, std::string_view source,
                                   std::string_view where) {
  auto it = test.find(key);
  if (it == test.end()) return corrupt(source, fmt::format("{}: field \"{}\" is missing", where, key));
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    return corrupt(source, fmt::format("{}: field \"{}\" must be a non-empty string", where, key));
  }
  return it->get<std::string>();
}

}  // namespace

Expected<WeatWordSets> parse_weat_word_sets(std::string_view json_text, std::string_view source) {
  auto json = bias_json::parse_object(json_text, source);
  if (!json) return tl::unexpected(json.error());
  WeatWordSets sets;
  for (const auto& [name, value] : json->items()) {
    if (name.starts_with('_')) continue;  // a comment
    if (name.empty()) return corrupt(source, "a set has an empty name");
    auto words = bias_json::word_array(value, source, fmt::format("set \"{}\"", name));
    if (!words) return tl::unexpected(words.error());
    sets.emplace(name, std::move(*words));
  }
  if (sets.empty()) return corrupt(source, "no word sets (expected an object of \"name\": [words])");
  return sets;
}

Expected<std::vector<WeatTestSpec>> parse_weat_tests(std::string_view json_text, std::string_view source) {
  auto json = bias_json::parse_object(json_text, source);
  if (!json) return tl::unexpected(json.error());
  auto tests_it = json->find("tests");
  if (tests_it == json->end() || !tests_it->is_array()) {
    return corrupt(source, "field \"tests\" must be an array of tests");
  }
  if (tests_it->empty()) return corrupt(source, "field \"tests\" is empty");
  std::vector<WeatTestSpec> tests;
  std::set<std::string, std::less<>> ids;
  for (std::size_t i = 0; i < tests_it->size(); ++i) {
    const Json& test = (*tests_it)[i];
    std::string where = fmt::format("tests[{}]", i);
    if (!test.is_object()) return corrupt(source, fmt::format("{} must be an object", where));
    WeatTestSpec spec;
    auto id = string_field(test, "id", source, where);
    if (!id) return tl::unexpected(id.error());
    spec.id = std::move(*id);
    where = fmt::format("tests[{}] ({})", i, spec.id);
    if (!ids.insert(spec.id).second) return corrupt(source, fmt::format("{}: duplicate id", where));
    for (auto [key, field] : {std::pair{"X", &spec.x}, {"Y", &spec.y}, {"A", &spec.a}, {"B", &spec.b}}) {
      auto value = string_field(test, key, source, where);
      if (!value) return tl::unexpected(value.error());
      *field = std::move(*value);
    }
    if (auto name = test.find("name"); name != test.end() && !name->is_null()) {
      if (!name->is_string()) return corrupt(source, fmt::format("{}: field \"name\" must be a string", where));
      spec.name = name->get<std::string>();
    }
    if (auto refs = test.find("reference_effect_size"); refs != test.end() && !refs->is_null()) {
      if (!refs->is_object()) {
        return corrupt(source, fmt::format("{}: field \"reference_effect_size\" must be an object", where));
      }
      for (const auto& [label, value] : refs->items()) {
        if (!value.is_number()) {
          return corrupt(source, fmt::format("{}: reference_effect_size \"{}\" must be a number", where, label));
        }
        spec.reference_effect_size.emplace(label, value.get<double>());
      }
    }
    tests.push_back(std::move(spec));
  }
  return tests;
}

Expected<WeatWordSets> read_weat_word_sets(const std::filesystem::path& path) {
  auto text = read_text_file(path);
  if (!text) return tl::unexpected(text.error());
  return parse_weat_word_sets(*text, path.string());
}

Expected<std::vector<WeatTestSpec>> read_weat_tests(const std::filesystem::path& path) {
  auto text = read_text_file(path);
  if (!text) return tl::unexpected(text.error());
  return parse_weat_tests(*text, path.string());
}

Status check_weat_sets_exist(const std::vector<WeatTestSpec>& tests, std::string_view tests_source,
                             const WeatWordSets& sets, std::string_view sets_source) {
  for (std::size_t i = 0; i < tests.size(); ++i) {
    const WeatTestSpec& t = tests[i];
    for (auto [key, name] : {std::pair{"X", &t.x}, {"Y", &t.y}, {"A", &t.a}, {"B", &t.b}}) {
      if (!sets.contains(*name)) {
        return make_error(ErrorCode::kNotFound,
                          fmt::format("{}: tests[{}] ({}): field \"{}\" names set \"{}\", which {} does not define",
                                      tests_source, i, t.id, key, *name, sets_source));
      }
    }
  }
  return {};
}

const WeatWordSets& caliskan2017_word_sets() {
  static const WeatWordSets sets =
      bias_json::builtin(parse_weat_word_sets(builtin_data::caliskan2017_sets_json(), "caliskan2017_sets.json"));
  return sets;
}

const std::vector<WeatTestSpec>& caliskan2017_tests() {
  static const std::vector<WeatTestSpec> tests =
      bias_json::builtin(parse_weat_tests(builtin_data::caliskan2017_tests_json(), "caliskan2017_tests.json"));
  return tests;
}

}  // namespace semspace
