#include "io/hf_tokenizer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace semspace::io {
namespace {

using Json = nlohmann::json;

// transformers writes model_max_length = int(1e30) when a model sets none; anything this large means "no limit".
constexpr double kNoLimitMarker = 1e9;

tl::unexpected<Error> corrupt(std::string_view name, const std::string& message) {
  return make_error(ErrorCode::kCorrupt, fmt::format("{}: {}", name, message));
}
tl::unexpected<Error> unsupported(std::string_view name, const std::string& message) {
  return make_error(ErrorCode::kUnsupported, fmt::format("{}: {}", name, message));
}

Expected<Json> parse_json(std::string_view text, std::string_view name) {
  try {
    Json json = Json::parse(text.begin(), text.end());
    if (!json.is_object()) return corrupt(name, "expected a JSON object at the top level");
    return json;
  } catch (const Json::parse_error& e) {
    return corrupt(name, fmt::format("invalid JSON at byte {}", e.byte));
  }
}

// Absent or null fields are "not set"; a present field of the wrong type is an error naming it.
Expected<std::optional<bool>> optional_bool(const Json& object, const char* key, std::string_view name,
                                            std::string_view path) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::optional<bool>{};
  if (!it->is_boolean()) return corrupt(name, fmt::format("{}{} must be true, false or null", path, key));
  return std::optional<bool>{it->get<bool>()};
}

Expected<std::optional<std::string>> optional_string(const Json& object, const char* key, std::string_view name,
                                                     std::string_view path) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string()) return corrupt(name, fmt::format("{}{} must be a string", path, key));
  return std::optional<std::string>{it->get<std::string>()};
}

Expected<std::optional<std::uint64_t>> optional_count(const Json& object, const char* key, std::string_view name,
                                                      std::string_view path) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::optional<std::uint64_t>{};
  if (!it->is_number_unsigned()) return corrupt(name, fmt::format("{}{} must be a non-negative integer", path, key));
  return std::optional<std::uint64_t>{it->get<std::uint64_t>()};
}

// A special token in tokenizer_config.json / special_tokens_map.json: "[CLS]" or {"content": "[CLS]", ...}.
Expected<std::optional<std::string>> special_token_value(const Json& value, const std::string& field,
                                                         std::string_view name) {
  if (value.is_null()) return std::optional<std::string>{};
  if (value.is_string()) return std::optional<std::string>{value.get<std::string>()};
  if (value.is_object()) {
    auto content = value.find("content");
    if (content != value.end() && content->is_string()) return std::optional<std::string>{content->get<std::string>()};
  }
  return corrupt(name, fmt::format("{} must be a string or an object with a string \"content\"", field));
}
Expected<std::optional<std::string>> special_token(const Json& object, const char* key, std::string_view name) {
  auto it = object.find(key);
  if (it == object.end()) return std::optional<std::string>{};
  return special_token_value(*it, key, name);
}
Expected<std::optional<std::string>> special_token(const Json& array, std::size_t index, std::string_view name) {
  return special_token_value(array[index], fmt::format("additional_special_tokens[{}]", index), name);
}

std::string type_of(const Json& object) {
  auto it = object.find("type");
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Normalizers that map onto BertTokenizerOptions. NFD alone would leave text decomposed, which the options cannot
// express; with StripAccents it is BERT's accent stripping. Inside a Sequence, strip-before-lowercase order is
// assumed (BertNormalizer's); the orders differ only for characters whose lowercase gains a mark (U+0130).
Status apply_normalizer(const Json& normalizer, BertTokenizerOptions& options, std::string_view name,
                        const std::string& path) {
  const std::string type = type_of(normalizer);
  if (type == "BertNormalizer") {
    for (auto [key, target] : {std::pair{"clean_text", &options.clean_text},
                               std::pair{"handle_chinese_chars", &options.handle_chinese_chars},
                               std::pair{"lowercase", &options.lowercase}}) {
      auto value = optional_bool(normalizer, key, name, path + ".");
      if (!value) return tl::unexpected(value.error());
      *target = value->value_or(true);
    }
    auto strip = optional_bool(normalizer, "strip_accents", name, path + ".");
    if (!strip) return tl::unexpected(strip.error());
    options.strip_accents = *strip;
    return {};
  }
  if (type == "Lowercase") {
    options.lowercase = true;
    return {};
  }
  if (type == "Sequence") {
    auto list = normalizer.find("normalizers");
    if (list == normalizer.end() || !list->is_array()) {
      return corrupt(name, fmt::format("{}.normalizers must be an array", path));
    }
    bool nfd = false, strip = false;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const Json& item = (*list)[i];
      const std::string item_path = fmt::format("{}.normalizers[{}]", path, i);
      if (!item.is_object()) return corrupt(name, item_path + " must be an object");
      const std::string item_type = type_of(item);
      if (item_type == "NFD") {
        nfd = true;
      } else if (item_type == "StripAccents") {
        strip = true;
      } else if (auto status = apply_normalizer(item, options, name, item_path); !status) {
        return status;
      }
    }
    if (nfd != strip) {
      return unsupported(name, fmt::format("{}: NFD and StripAccents are supported only together", path));
    }
    if (strip) options.strip_accents = true;
    return {};
  }
  return unsupported(name, fmt::format("{}.type \"{}\" is not supported (expected BertNormalizer, Lowercase or a "
                                       "Sequence of NFD, StripAccents, Lowercase)",
                                       path, type));
}

// The [CLS]/[SEP] tokens of a TemplateProcessing or BertProcessing post-processor, checked against the vocab.
Status apply_post_processor(const Json& processor, BertTokenizerOptions& options, const Json& vocab,
                            std::string_view name) {
  auto check_id = [&](const std::string& token, const Json& id, const std::string& field) -> Status {
    auto it = vocab.find(token);
    if (!id.is_number_integer() || it == vocab.end() || *it != id) {
      return corrupt(name, fmt::format("{}: token \"{}\" with id {} does not match model.vocab", field, token,
                                       id.dump()));
    }
    return {};
  };
  const std::string type = type_of(processor);
  if (type == "BertProcessing") {
    for (auto [key, target] : {std::pair{"cls", &options.cls_token}, std::pair{"sep", &options.sep_token}}) {
      auto it = processor.find(key);
      if (it == processor.end() || !it->is_array() || it->size() != 2 || !(*it)[0].is_string()) {
        return corrupt(name, fmt::format("post_processor.{} must be [token, id]", key));
      }
      *target = (*it)[0].get<std::string>();
      if (auto status = check_id(*target, (*it)[1], fmt::format("post_processor.{}", key)); !status) return status;
    }
    return {};
  }
  if (type != "TemplateProcessing") {
    return unsupported(name, fmt::format("post_processor.type \"{}\" is not supported (expected TemplateProcessing "
                                         "or BertProcessing)",
                                         type));
  }
  // single must read [SpecialToken, Sequence A, SpecialToken]; pair, when given, [CLS] A [SEP] B [SEP].
  auto special_of = [](const Json& piece) -> std::optional<std::string> {
    if (!piece.is_object()) return std::nullopt;
    auto it = piece.find("SpecialToken");
    if (it == piece.end() || !it->is_object() || !it->contains("id") || !(*it)["id"].is_string()) return std::nullopt;
    return (*it)["id"].get<std::string>();
  };
  auto sequence_of = [](const Json& piece) -> std::optional<std::string> {
    if (!piece.is_object()) return std::nullopt;
    auto it = piece.find("Sequence");
    if (it == piece.end() || !it->is_object() || !it->contains("id") || !(*it)["id"].is_string()) return std::nullopt;
    return (*it)["id"].get<std::string>();
  };
  auto single = processor.find("single");
  if (single == processor.end() || !single->is_array() || single->size() != 3 || !special_of((*single)[0]) ||
      sequence_of((*single)[1]) != "A" || !special_of((*single)[2])) {
    return unsupported(name, "post_processor.single must be [SpecialToken, Sequence A, SpecialToken] "
                             "([CLS] $A [SEP])");
  }
  options.cls_token = *special_of((*single)[0]);
  options.sep_token = *special_of((*single)[2]);
  auto pair = processor.find("pair");
  if (pair != processor.end() && !pair->is_null()) {
    if (!pair->is_array() || pair->size() != 5 || special_of((*pair)[0]) != options.cls_token ||
        sequence_of((*pair)[1]) != "A" || special_of((*pair)[2]) != options.sep_token ||
        sequence_of((*pair)[3]) != "B" || special_of((*pair)[4]) != options.sep_token) {
      return unsupported(name, "post_processor.pair must be [CLS] $A [SEP] $B:1 [SEP]:1");
    }
  }
  auto specials = processor.find("special_tokens");
  if (specials == processor.end() || !specials->is_object()) {
    return corrupt(name, "post_processor.special_tokens must be an object");
  }
  for (const std::string* token : {&options.cls_token, &options.sep_token}) {
    const std::string field = fmt::format("post_processor.special_tokens[\"{}\"]", *token);
    auto it = specials->find(*token);
    if (it == specials->end() || !it->is_object() || !it->contains("ids") || !(*it)["ids"].is_array() ||
        (*it)["ids"].size() != 1 || !it->contains("tokens") || !(*it)["tokens"].is_array() ||
        (*it)["tokens"].size() != 1 || !(*it)["tokens"][0].is_string()) {
      return unsupported(name, field + " must map to exactly one token and id");
    }
    const std::string content = (*it)["tokens"][0].get<std::string>();
    if (auto status = check_id(content, (*it)["ids"][0], field); !status) return status;
  }
  // The template names the entry; its single token is what goes into the sequence (they are the same in BERT).
  options.cls_token = (*specials)[options.cls_token]["tokens"][0].get<std::string>();
  options.sep_token = (*specials)[options.sep_token]["tokens"][0].get<std::string>();
  return {};
}

// added_tokens with "normalized": false (BERT's special tokens) are matched in the raw input; normalized ones are
// left to WordPiece, which yields the same token wherever it stands as a word of its own.
Status apply_added_tokens(const Json& root, BertTokenizerOptions& options, const Json& vocab, std::string_view name) {
  auto list = root.find("added_tokens");
  if (list == root.end() || list->is_null()) return {};
  if (!list->is_array()) return corrupt(name, "added_tokens must be an array");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Json& item = (*list)[i];
    const std::string path = fmt::format("added_tokens[{}].", i);
    if (!item.is_object()) return corrupt(name, fmt::format("added_tokens[{}] must be an object", i));
    auto content = optional_string(item, "content", name, path);
    if (!content) return tl::unexpected(content.error());
    if (!*content || (*content)->empty()) return corrupt(name, path + "content must be a non-empty string");
    auto normalized = optional_bool(item, "normalized", name, path);
    if (!normalized) return tl::unexpected(normalized.error());
    if (normalized->value_or(false)) continue;
    auto single_word = optional_bool(item, "single_word", name, path);
    if (!single_word) return tl::unexpected(single_word.error());
    if (single_word->value_or(false)) {
      return unsupported(name, fmt::format("{}single_word true (\"{}\") is not supported", path, **content));
    }
    auto in_vocab = vocab.find(**content);
    auto id = item.find("id");
    if (in_vocab == vocab.end() || id == item.end() || *id != *in_vocab) {
      return unsupported(name, fmt::format("{}id: \"{}\" is not in model.vocab with that id (tokens added beyond the "
                                           "model's vocabulary are not supported)",
                                           path, **content));
    }
    options.special_tokens.push_back(**content);
  }
  return {};
}

Status apply_truncation(const Json& truncation, BertTokenizerOptions& options, std::string_view name) {
  if (truncation.is_null()) return {};
  if (!truncation.is_object()) return corrupt(name, "truncation must be an object or null");
  auto max_length = optional_count(truncation, "max_length", name, "truncation.");
  if (!max_length) return tl::unexpected(max_length.error());
  if (!*max_length) return corrupt(name, "truncation.max_length is missing");
  options.model_max_length = static_cast<std::size_t>(**max_length);
  auto strategy = optional_string(truncation, "strategy", name, "truncation.");
  if (!strategy) return tl::unexpected(strategy.error());
  if (*strategy && **strategy != "LongestFirst") {
    return unsupported(name, fmt::format("truncation.strategy \"{}\" is not supported (expected LongestFirst)",
                                         **strategy));
  }
  auto direction = optional_string(truncation, "direction", name, "truncation.");
  if (!direction) return tl::unexpected(direction.error());
  if (*direction && **direction != "Right") {
    return unsupported(name, fmt::format("truncation.direction \"{}\" is not supported (expected Right)", **direction));
  }
  auto stride = optional_count(truncation, "stride", name, "truncation.");
  if (!stride) return tl::unexpected(stride.error());
  if (*stride && **stride != 0) return unsupported(name, "truncation.stride other than 0 is not supported");
  return {};
}

Status apply_padding(const Json& padding, BertTokenizerOptions& options, const Json& vocab, std::string_view name) {
  if (padding.is_null()) return {};
  if (!padding.is_object()) return corrupt(name, "padding must be an object or null");
  auto strategy = padding.find("strategy");
  if (strategy != padding.end()) {
    if (strategy->is_string() && *strategy == "BatchLongest") {
      options.padding.fixed_length = 0;
    } else if (strategy->is_object() && strategy->contains("Fixed") && (*strategy)["Fixed"].is_number_unsigned()) {
      options.padding.fixed_length = (*strategy)["Fixed"].get<std::size_t>();
    } else {
      return unsupported(name, fmt::format("padding.strategy {} is not supported (expected \"BatchLongest\" or "
                                           "{{\"Fixed\": n}})",
                                           strategy->dump()));
    }
  }
  auto direction = optional_string(padding, "direction", name, "padding.");
  if (!direction) return tl::unexpected(direction.error());
  if (*direction && **direction != "Right" && **direction != "Left") {
    return corrupt(name, fmt::format("padding.direction \"{}\" must be Right or Left", **direction));
  }
  options.padding.left = *direction && **direction == "Left";
  auto multiple = optional_count(padding, "pad_to_multiple_of", name, "padding.");
  if (!multiple) return tl::unexpected(multiple.error());
  options.padding.multiple_of = static_cast<std::size_t>(multiple->value_or(0));
  auto type_id = optional_count(padding, "pad_type_id", name, "padding.");
  if (!type_id) return tl::unexpected(type_id.error());
  if (type_id->value_or(0) > 1) return corrupt(name, "padding.pad_type_id must be 0 or 1");
  options.pad_type_id = static_cast<std::int32_t>(type_id->value_or(0));
  auto token = optional_string(padding, "pad_token", name, "padding.");
  if (!token) return tl::unexpected(token.error());
  if (*token) options.pad_token = **token;
  auto id = padding.find("pad_id");
  auto in_vocab = vocab.find(options.pad_token);
  if (id != padding.end() && (in_vocab == vocab.end() || *in_vocab != *id)) {
    return corrupt(name, fmt::format("padding.pad_id {} is not the id of pad_token \"{}\" in model.vocab", id->dump(),
                                     options.pad_token));
  }
  return {};
}

Expected<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return make_error(ErrorCode::kIo, fmt::format("{}: cannot read", path.string()));
  return text;
}

// The file's text, or an empty string when it does not exist.
Expected<std::string> read_optional(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::string();
  return read_file(path);
}

// tokenizer_config.json's model_max_length when it is a real limit.
Expected<std::optional<std::size_t>> config_max_length(const Json& config, std::string_view name) {
  auto it = config.find("model_max_length");
  if (it == config.end() || it->is_null()) return std::optional<std::size_t>{};
  if (!it->is_number() || it->get<double>() < 0) {
    return corrupt(name, "model_max_length must be a non-negative number");
  }
  if (it->is_number_float() || it->get<double>() >= kNoLimitMarker) return std::optional<std::size_t>{};
  return std::optional<std::size_t>{it->get<std::size_t>()};
}

}  // namespace

Expected<std::vector<std::string>> parse_vocab_txt(std::string_view text, std::string_view name) {
  std::vector<std::string> tokens;
  std::unordered_map<std::string_view, std::size_t> first_line;  // views into `text`, which outlives the map
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      return corrupt(fmt::format("{}:{}", name, line_number),
                     "empty line (every line is a token whose id is its line number)");
    }
    if (auto [it, inserted] = first_line.emplace(line, line_number); !inserted) {
      return corrupt(fmt::format("{}:{}", name, line_number),
                     fmt::format("token \"{}\" already on line {}", line, it->second));
    }
    tokens.emplace_back(line);
  }
  if (tokens.empty()) return corrupt(name, "no tokens");
  return tokens;
}

Expected<BertTokenizerOptions> parse_tokenizer_config(std::string_view config_json, std::string_view config_name,
                                                      std::string_view special_tokens_json,
                                                      std::string_view special_tokens_name) {
  BertTokenizerOptions options;
  std::string mask_token = "[MASK]";
  std::vector<std::string> additional;
  if (!config_json.empty()) {
    auto config = parse_json(config_json, config_name);
    if (!config) return tl::unexpected(config.error());
    for (auto [key, target] : {std::pair{"do_lower_case", &options.lowercase},
                               std::pair{"tokenize_chinese_chars", &options.handle_chinese_chars}}) {
      auto value = optional_bool(*config, key, config_name, "");
      if (!value) return tl::unexpected(value.error());
      if (*value) *target = **value;
    }
    auto strip = optional_bool(*config, "strip_accents", config_name, "");
    if (!strip) return tl::unexpected(strip.error());
    options.strip_accents = *strip;
    auto max_length = config_max_length(*config, config_name);
    if (!max_length) return tl::unexpected(max_length.error());
    if (*max_length) options.model_max_length = **max_length;
  }
  for (auto [text, name] : {std::pair{config_json, config_name}, std::pair{special_tokens_json, special_tokens_name}}) {
    if (text.empty()) continue;
    auto json = parse_json(text, name);
    if (!json) return tl::unexpected(json.error());
    for (auto [key, target] : {std::pair{"unk_token", &options.unk_token}, std::pair{"cls_token", &options.cls_token},
                               std::pair{"sep_token", &options.sep_token}, std::pair{"pad_token", &options.pad_token},
                               std::pair{"mask_token", &mask_token}}) {
      auto value = special_token(*json, key, name);
      if (!value) return tl::unexpected(value.error());
      if (*value) *target = **value;
    }
    if (auto extra = json->find("additional_special_tokens"); extra != json->end() && !extra->is_null()) {
      if (!extra->is_array()) return corrupt(name, "additional_special_tokens must be an array");
      for (std::size_t i = 0; i < extra->size(); ++i) {
        auto value = special_token(*extra, i, name);
        if (!value) return tl::unexpected(value.error());
        if (*value) additional.push_back(**value);
      }
    }
  }
  // transformers registers these as added special tokens, so they are matched in the input text. The loader
  // keeps those the vocabulary has ([MASK] may be absent from small vocabularies).
  options.special_tokens = {options.unk_token, options.cls_token, options.sep_token, options.pad_token, mask_token};
  options.special_tokens.insert(options.special_tokens.end(), additional.begin(), additional.end());
  if (auto status = options.validate(); !status) {
    return make_error(status.error().code, fmt::format("{}: {}", config_name, status.error().message));
  }
  return options;
}

Expected<BertTokenizer> parse_tokenizer_json(std::string_view json_text, std::string_view name,
                                             std::string_view config_json, std::string_view config_name) {
  auto parsed = parse_json(json_text, name);
  if (!parsed) return tl::unexpected(parsed.error());
  const Json& root = *parsed;
  BertTokenizerOptions options;

  auto model = root.find("model");
  if (model == root.end() || !model->is_object()) return corrupt(name, "model must be an object");
  if (type_of(*model) != "WordPiece") {
    return unsupported(name, fmt::format("model.type \"{}\" is not supported (expected WordPiece)", type_of(*model)));
  }
  auto vocab_json = model->find("vocab");
  if (vocab_json == model->end() || !vocab_json->is_object()) return corrupt(name, "model.vocab must be an object");
  std::vector<std::string> vocab(vocab_json->size());
  std::vector<bool> seen(vocab.size(), false);
  for (const auto& [token, id] : vocab_json->items()) {
    // ids must be exactly 0..size-1, so that the embedding table row of every id is defined.
    if (!id.is_number_unsigned() || id.get<std::uint64_t>() >= vocab.size()) {
      return corrupt(name, fmt::format("model.vocab[\"{}\"] = {}: expected an id below the vocabulary size {}", token,
                                       id.dump(), vocab.size()));
    }
    const auto index = id.get<std::size_t>();
    if (seen[index]) return corrupt(name, fmt::format("model.vocab: id {} is used twice", index));
    seen[index] = true;
    vocab[index] = token;
  }
  auto unk = optional_string(*model, "unk_token", name, "model.");
  if (!unk) return tl::unexpected(unk.error());
  if (*unk) options.unk_token = **unk;
  auto prefix = optional_string(*model, "continuing_subword_prefix", name, "model.");
  if (!prefix) return tl::unexpected(prefix.error());
  if (*prefix) options.continuing_subword_prefix = **prefix;
  auto max_chars = optional_count(*model, "max_input_chars_per_word", name, "model.");
  if (!max_chars) return tl::unexpected(max_chars.error());
  if (*max_chars) options.max_input_chars_per_word = static_cast<std::size_t>(**max_chars);

  // A null normalizer means none: case, accents and controls pass through unchanged.
  options.clean_text = options.handle_chinese_chars = options.lowercase = false;
  options.strip_accents = false;
  auto normalizer = root.find("normalizer");
  if (normalizer != root.end() && !normalizer->is_null()) {
    if (!normalizer->is_object()) return corrupt(name, "normalizer must be an object or null");
    if (auto status = apply_normalizer(*normalizer, options, name, "normalizer"); !status) {
      return tl::unexpected(status.error());
    }
  }
  auto pre = root.find("pre_tokenizer");
  if (pre == root.end() || !pre->is_object() || type_of(*pre) != "BertPreTokenizer") {
    return unsupported(name, fmt::format("pre_tokenizer.type \"{}\" is not supported (expected BertPreTokenizer)",
                                         pre != root.end() && pre->is_object() ? type_of(*pre) : std::string()));
  }
  auto post = root.find("post_processor");
  if (post == root.end() || !post->is_object()) {
    return unsupported(name, "post_processor is missing; expected TemplateProcessing or BertProcessing");
  }
  if (auto status = apply_post_processor(*post, options, *vocab_json, name); !status) {
    return tl::unexpected(status.error());
  }
  if (auto status = apply_added_tokens(root, options, *vocab_json, name); !status) {
    return tl::unexpected(status.error());
  }
  bool truncated = false;
  if (auto it = root.find("truncation"); it != root.end()) {
    if (auto status = apply_truncation(*it, options, name); !status) return tl::unexpected(status.error());
    truncated = !it->is_null();
  }
  if (auto it = root.find("padding"); it != root.end()) {
    if (auto status = apply_padding(*it, options, *vocab_json, name); !status) return tl::unexpected(status.error());
  }
  if (!config_json.empty()) {
    auto config = parse_json(config_json, config_name);
    if (!config) return tl::unexpected(config.error());
    if (!truncated) {
      auto max_length = config_max_length(*config, config_name);
      if (!max_length) return tl::unexpected(max_length.error());
      if (*max_length) options.model_max_length = **max_length;
    }
    // transformers' BertTokenizerFast rebuilds a BertNormalizer from these config keys when they disagree with
    // tokenizer.json, so the config is what Python users get. Only keys present here override.
    if (normalizer != root.end() && normalizer->is_object() && type_of(*normalizer) == "BertNormalizer") {
      for (auto [key, target] : {std::pair{"do_lower_case", &options.lowercase},
                                 std::pair{"tokenize_chinese_chars", &options.handle_chinese_chars}}) {
        auto value = optional_bool(*config, key, config_name, "");
        if (!value) return tl::unexpected(value.error());
        if (*value) *target = **value;
      }
      if (config->contains("strip_accents")) {
        auto strip = optional_bool(*config, "strip_accents", config_name, "");
        if (!strip) return tl::unexpected(strip.error());
        options.strip_accents = *strip;
      }
    }
  }
  auto tokenizer = BertTokenizer::create(std::move(vocab), std::move(options));
  if (!tokenizer) {
    return make_error(tokenizer.error().code, fmt::format("{}: {}", name, tokenizer.error().message));
  }
  return tokenizer;
}

Expected<BertTokenizer> load_hf_tokenizer(const std::filesystem::path& model_dir) {
  const auto json_path = model_dir / "tokenizer.json";
  const auto vocab_path = model_dir / "vocab.txt";
  const auto config_path = model_dir / "tokenizer_config.json";
  const auto special_path = model_dir / "special_tokens_map.json";
  auto config = read_optional(config_path);
  if (!config) return tl::unexpected(config.error());
  std::error_code ec;
  if (std::filesystem::exists(json_path, ec)) {
    auto text = read_file(json_path);
    if (!text) return tl::unexpected(text.error());
    return parse_tokenizer_json(*text, json_path.string(), *config, config_path.string());
  }
  if (!std::filesystem::exists(vocab_path, ec)) {
    return make_error(ErrorCode::kNotFound, fmt::format("{}: no tokenizer.json or vocab.txt", model_dir.string()));
  }
  auto vocab_text = read_file(vocab_path);
  if (!vocab_text) return tl::unexpected(vocab_text.error());
  auto vocab = parse_vocab_txt(*vocab_text, vocab_path.string());
  if (!vocab) return tl::unexpected(vocab.error());
  auto special = read_optional(special_path);
  if (!special) return tl::unexpected(special.error());
  auto options = parse_tokenizer_config(*config, config_path.string(), *special, special_path.string());
  if (!options) return tl::unexpected(options.error());
  std::erase_if(options->special_tokens, [&](const std::string& token) {
    return std::find(vocab->begin(), vocab->end(), token) == vocab->end();
  });
  auto tokenizer = BertTokenizer::create(std::move(*vocab), std::move(*options));
  if (!tokenizer) {
    return make_error(tokenizer.error().code, fmt::format("{}: {}", vocab_path.string(), tokenizer.error().message));
  }
  return tokenizer;
}

}  // namespace semspace::io
