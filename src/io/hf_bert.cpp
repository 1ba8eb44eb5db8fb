#include "io/hf_bert.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

namespace semspace::io {
namespace {

using nlohmann::json;

Expected<json> read_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, fmt::format("{}: cannot open", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  auto value = json::parse(text.str(), nullptr, false);
  if (value.is_discarded()) return make_error(ErrorCode::kCorrupt, fmt::format("{}: not valid JSON", path.string()));
  return value;
}

tl::unexpected<Error> field_error(const std::filesystem::path& path, std::string_view field, std::string_view what) {
  return make_error(ErrorCode::kCorrupt, fmt::format("{}: field '{}' {}", path.string(), field, what));
}

// A positive integer field, or `fallback` when absent.
Status read_size(const json& object, const std::filesystem::path& path, const char* field, std::size_t fallback,
                 std::size_t& out) {
  auto it = object.find(field);
  if (it == object.end()) {
    out = fallback;
    return {};
  }
  if (!it->is_number_integer() || it->get<std::int64_t>() <= 0) return field_error(path, field, "is not a positive integer");
  out = static_cast<std::size_t>(it->get<std::int64_t>());
  return {};
}

Expected<std::string> read_string(const json& object, const std::filesystem::path& path, const char* field,
                                  std::string fallback) {
  auto it = object.find(field);
  if (it == object.end()) return fallback;
  if (!it->is_string()) return field_error(path, field, "is not a string");
  return it->get<std::string>();
}

}  // namespace

Expected<BertConfig> read_bert_config(const std::filesystem::path& config_json) {
  auto parsed = read_json(config_json);
  if (!parsed) return tl::unexpected(parsed.error());
  const json& j = *parsed;
  if (!j.is_object()) return make_error(ErrorCode::kCorrupt, fmt::format("{}: not a JSON object", config_json.string()));
  auto model_type = read_string(j, config_json, "model_type", "");
  if (!model_type) return tl::unexpected(model_type.error());
  if (*model_type != "bert") {
    std::string architectures = "none";
    if (auto it = j.find("architectures"); it != j.end()) architectures = it->dump();
    return make_error(ErrorCode::kUnsupported,
                      fmt::format("{}: model_type '{}' (architectures {}) is not supported; only BERT models "
                                  "(model_type \"bert\") can be loaded",
                                  config_json.string(), *model_type, architectures));
  }
  BertConfig config;
  Status ok = read_size(j, config_json, "vocab_size", 30522, config.vocab_size);
  if (ok) ok = read_size(j, config_json, "hidden_size", 768, config.hidden_size);
  if (ok) ok = read_size(j, config_json, "num_hidden_layers", 12, config.num_layers);
  if (ok) ok = read_size(j, config_json, "num_attention_heads", 12, config.num_heads);
  if (ok) ok = read_size(j, config_json, "intermediate_size", 3072, config.intermediate_size);
  if (ok) ok = read_size(j, config_json, "max_position_embeddings", 512, config.max_positions);
  if (ok) ok = read_size(j, config_json, "type_vocab_size", 2, config.type_vocab_size);
  if (!ok) return tl::unexpected(ok.error());
  if (auto it = j.find("layer_norm_eps"); it != j.end()) {
    if (!it->is_number()) return field_error(config_json, "layer_norm_eps", "is not a number");
    config.layer_norm_eps = it->get<float>();
  }
  auto act = read_string(j, config_json, "hidden_act", "gelu");
  if (!act) return tl::unexpected(act.error());
  if (*act == "gelu") {
    config.activation = Activation::kGelu;
  } else if (*act == "gelu_new" || *act == "gelu_pytorch_tanh") {
    config.activation = Activation::kGeluTanh;
  } else if (*act == "relu") {
    config.activation = Activation::kRelu;
  } else {
    return make_error(ErrorCode::kUnsupported,
                      fmt::format("{}: hidden_act '{}' is not supported (gelu, gelu_new, gelu_pytorch_tanh, relu)",
                                  config_json.string(), *act));
  }
  auto positions = read_string(j, config_json, "position_embedding_type", "absolute");
  if (!positions) return tl::unexpected(positions.error());
  if (*positions != "absolute") {
    return make_error(ErrorCode::kUnsupported,
                      fmt::format("{}: position_embedding_type '{}' is not supported (only \"absolute\")",
                                  config_json.string(), *positions));
  }
  if (auto valid = config.validate(); !valid) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("{}: {}", config_json.string(), valid.error().message));
  }
  return config;
}

Expected<BertPooling> read_sentence_transformers_pooling(const std::filesystem::path& folder) {
  BertPooling pooling;  // sentence-transformers' choice for a folder without modules.json
  const auto modules_path = folder / "modules.json";
  if (!std::filesystem::exists(modules_path)) return pooling;
  auto modules = read_json(modules_path);
  if (!modules) return tl::unexpected(modules.error());
  if (!modules->is_array()) {
    return make_error(ErrorCode::kCorrupt, fmt::format("{}: not a JSON array of modules", modules_path.string()));
  }
  for (const auto& module : *modules) {
    if (!module.is_object() || !module.contains("type") || !module["type"].is_string()) {
      return make_error(ErrorCode::kCorrupt,
                        fmt::format("{}: a module is not an object with a string 'type'", modules_path.string()));
    }
    const auto type = module["type"].get<std::string>();
    std::string path = module.contains("path") && module["path"].is_string() ? module["path"].get<std::string>() : "";
    if (type == "sentence_transformers.models.Transformer") continue;  // the BERT weights in the folder itself
    if (type == "sentence_transformers.models.Normalize") {
      pooling.normalize = true;
      continue;
    }
    if (type != "sentence_transformers.models.Pooling") {
      return make_error(ErrorCode::kUnsupported,
                        fmt::format("{}: module type '{}' is not supported (Transformer, Pooling, Normalize)",
                                    modules_path.string(), type));
    }
    if (path.empty() || path.find("..") != std::string::npos || path.front() == '/') {
      return make_error(ErrorCode::kCorrupt,
                        fmt::format("{}: Pooling module path '{}' is not a folder inside the model", modules_path.string(), path));
    }
    const auto config_path = folder / path / "config.json";
    auto config = read_json(config_path);
    if (!config) return tl::unexpected(config.error());
    if (!config->is_object()) {
      return make_error(ErrorCode::kCorrupt, fmt::format("{}: not a JSON object", config_path.string()));
    }
    std::vector<std::string> modes;
    for (const auto& [key, value] : config->items()) {
      if (key.rfind("pooling_mode_", 0) != 0) continue;
      if (!value.is_boolean()) return field_error(config_path, key, "is not true or false");
      if (value.get<bool>()) modes.push_back(key);
    }
    if (modes.size() != 1) {
      return make_error(ErrorCode::kUnsupported,
                        fmt::format("{}: exactly one pooling mode must be true, found {} ([{}])", config_path.string(),
                                    modes.size(), fmt::join(modes, ", ")));
    }
    if (modes[0] == "pooling_mode_mean_tokens") {
      pooling.mode = TokenPooling::kMean;
    } else if (modes[0] == "pooling_mode_cls_token") {
      pooling.mode = TokenPooling::kCls;
    } else if (modes[0] == "pooling_mode_max_tokens") {
      pooling.mode = TokenPooling::kMax;
    } else {
      return make_error(ErrorCode::kUnsupported,
                        fmt::format("{}: {} is not supported (mean_tokens, cls_token, max_tokens)", config_path.string(),
                                    modes[0]));
    }
  }
  return pooling;
}

std::string bert_tensor_prefix(const SafetensorsSet& weights) {
  // HF's BertModel saves names without a prefix; the task models (BertForMaskedLM, ...) nest it under "bert.".
  return !weights.find("embeddings.word_embeddings.weight") && weights.find("bert.embeddings.word_embeddings.weight")
             ? "bert."
             : "";
}

Expected<BertWeights> read_bert_weights(const SafetensorsSet& weights, const BertConfig& config) {
  const std::string prefix = bert_tensor_prefix(weights);
  // Copies tensor `name` (checked to be `shape`) into `out`.
  auto load = [&](const std::string& name, std::vector<std::size_t> shape, float* out) -> Status {
    const SafetensorsRef ref = weights.find(prefix + name);
    if (!ref) {
      return make_error(ErrorCode::kCorrupt, fmt::format("{}: tensor '{}' is missing", weights.name(), prefix + name));
    }
    if (ref.tensor->shape != shape) {
      return make_error(ErrorCode::kCorrupt,
                        fmt::format("{}: tensor '{}' has shape [{}], the config needs [{}]", ref.file->name(),
                                    ref.tensor->name, fmt::join(ref.tensor->shape, ", "), fmt::join(shape, ", ")));
    }
    return ref.file->to_f32(*ref.tensor, {out, ref.tensor->elements()});
  };
  auto load_matrix = [&](const std::string& name, std::size_t rows, std::size_t cols, Matrix& out) -> Status {
    out = Matrix(rows, cols);
    return load(name, {rows, cols}, out.data());
  };
  auto load_vector = [&](const std::string& name, std::size_t size, std::vector<float>& out) -> Status {
    out.assign(size, 0.0f);
    return load(name, {size}, out.data());
  };

  const std::size_t h = config.hidden_size, inter = config.intermediate_size;
  BertWeights w;
  Status ok = load_matrix("embeddings.word_embeddings.weight", config.vocab_size, h, w.word_embeddings);
  if (ok) ok = load_matrix("embeddings.position_embeddings.weight", config.max_positions, h, w.position_embeddings);
  if (ok) ok = load_matrix("embeddings.token_type_embeddings.weight", config.type_vocab_size, h, w.token_type_embeddings);
  if (ok) ok = load_vector("embeddings.LayerNorm.weight", h, w.embedding_norm_weight);
  if (ok) ok = load_vector("embeddings.LayerNorm.bias", h, w.embedding_norm_bias);
  w.layers.resize(config.num_layers);
  for (std::size_t l = 0; ok && l < config.num_layers; ++l) {
    BertLayerWeights& layer = w.layers[l];
    const std::string p = fmt::format("encoder.layer.{}.", l);
    layer.qkv = Matrix(3 * h, h);
    layer.qkv_bias.assign(3 * h, 0.0f);
    const char* parts[] = {"query", "key", "value"};
    for (std::size_t part = 0; ok && part < 3; ++part) {
      ok = load(p + "attention.self." + parts[part] + ".weight", {h, h}, layer.qkv.row(part * h).data());
      if (ok) ok = load(p + "attention.self." + parts[part] + ".bias", {h}, layer.qkv_bias.data() + part * h);
    }
    if (ok) ok = load_matrix(p + "attention.output.dense.weight", h, h, layer.attention_output);
    if (ok) ok = load_vector(p + "attention.output.dense.bias", h, layer.attention_output_bias);
    if (ok) ok = load_vector(p + "attention.output.LayerNorm.weight", h, layer.attention_norm_weight);
    if (ok) ok = load_vector(p + "attention.output.LayerNorm.bias", h, layer.attention_norm_bias);
    if (ok) ok = load_matrix(p + "intermediate.dense.weight", inter, h, layer.intermediate);
    if (ok) ok = load_vector(p + "intermediate.dense.bias", inter, layer.intermediate_bias);
    if (ok) ok = load_matrix(p + "output.dense.weight", h, inter, layer.output);
    if (ok) ok = load_vector(p + "output.dense.bias", h, layer.output_bias);
    if (ok) ok = load_vector(p + "output.LayerNorm.weight", h, layer.output_norm_weight);
    if (ok) ok = load_vector(p + "output.LayerNorm.bias", h, layer.output_norm_bias);
  }
  if (!ok) return tl::unexpected(ok.error());
  return w;
}

Expected<BertEncoder> load_bert_folder(const std::filesystem::path& folder, const SafetensorsSet& files) {
  const auto config_path = folder / "config.json";
  if (!std::filesystem::exists(config_path)) {
    return make_error(ErrorCode::kNotFound, fmt::format("{}: no config.json in the model folder", folder.string()));
  }
  auto config = read_bert_config(config_path);
  if (!config) return tl::unexpected(config.error());
  auto pooling = read_sentence_transformers_pooling(folder);
  if (!pooling) return tl::unexpected(pooling.error());
  auto weights = read_bert_weights(files, *config);
  if (!weights) return tl::unexpected(weights.error());
  return BertEncoder::create(*config, std::move(*weights), *pooling);
}

Expected<SafetensorsSet> open_bert_weights(const std::filesystem::path& folder) {
  if (!std::filesystem::exists(folder / "config.json")) {  // the clearer error before the weights' own
    return make_error(ErrorCode::kNotFound, fmt::format("{}: no config.json in the model folder", folder.string()));
  }
  return SafetensorsSet::open_folder(folder);
}

Expected<BertEncoder> load_bert_folder(const std::filesystem::path& folder) {
  auto files = open_bert_weights(folder);
  if (!files) return tl::unexpected(files.error());
  return load_bert_folder(folder, *files);
}

}  // namespace semspace::io
