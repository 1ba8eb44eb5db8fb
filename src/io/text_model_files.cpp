#include "io/text_model_files.hpp"

#include <array>
#include <cstdint>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <xxhash.h>

#include "core/mapped_file.hpp"
#include "io/hf_bert.hpp"
#include "io/hf_tokenizer.hpp"
#include "io/hub_client.hpp"
#include "io/safetensors_set.hpp"
#include "io/vector_formats.hpp"

namespace semspace::io {
namespace fs = std::filesystem;
namespace {

Error not_found(std::string message) { return Error{ErrorCode::kNotFound, std::move(message)}; }

// The files whose bytes decide what a transformer folder computes, in a fixed order.
constexpr std::array<const char*, 10> kEncoderFiles = {
    "config.json",       "model.safetensors", "tokenizer.json",  "vocab.txt",
    "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "modules.json",
    "sentence_bert_config.json", "1_Pooling/config.json"};

}  // namespace

Expected<ModelLocation> resolve_model(std::string_view spec, const fs::path& models_root) {
  if (spec.empty()) return tl::unexpected(not_found("no model given"));
  if (spec == "default") {
    fs::path path = models_root / "default.sem";
    if (!fs::exists(path)) {
      return tl::unexpected(not_found(fmt::format(
          "the default model is not built yet ({}); run `make demo` once to train it", path.string())));
    }
    return ModelLocation{path, TextModelKind::kWordVectors};
  }
  const fs::path path{std::string(spec)};
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    if (fs::exists(path / "config.json")) return ModelLocation{path, TextModelKind::kTransformer};
    if (fs::exists(path / "refs" / "main")) {  // the cache folder of a pulled model: <root>/ORG/NAME
      const fs::path root = path.parent_path().parent_path();
      const std::string repo = path.parent_path().filename().string() + "/" + path.filename().string();
      auto snapshot = resolve_pulled_model(root, repo);
      if (!snapshot) return tl::unexpected(snapshot.error());
      return ModelLocation{*snapshot, TextModelKind::kTransformer};
    }
    return tl::unexpected(not_found(fmt::format(
        "{}: a folder without config.json is not a model (a transformer folder holds config.json, "
        "model.safetensors and its tokenizer files)",
        path.string())));
  }
  if (fs::exists(path, ec)) return ModelLocation{path, TextModelKind::kWordVectors};
  if (check_repo_id(spec)) {
    auto snapshot = resolve_pulled_model(models_root, spec);
    if (!snapshot) return tl::unexpected(snapshot.error());
    return ModelLocation{*snapshot, TextModelKind::kTransformer};
  }
  return tl::unexpected(not_found(fmt::format(
      "model '{}' not found: give 'default', a word-vector file, a transformer folder or a pulled ORG/NAME", spec)));
}

Expected<TextModel> load_text_model(std::string_view spec, const fs::path& models_root) {
  auto location = resolve_model(spec, models_root);
  if (!location) return tl::unexpected(location.error());
  if (location->kind == TextModelKind::kTransformer) {
    auto transformer = load_transformer_folder(location->path);
    if (!transformer) return tl::unexpected(transformer.error());
    return TextModel(std::move(*transformer));
  }
  auto vectors = read_word_vectors(location->path);
  if (!vectors) return tl::unexpected(vectors.error());
  return TextModel(std::move(*vectors));
}

Expected<std::size_t> read_max_seq_length(const fs::path& folder) {
  const fs::path path = folder / "sentence_bert_config.json";
  if (!fs::exists(path)) return std::size_t{0};
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) return make_error(ErrorCode::kIo, fmt::format("{}: cannot be read", path.string()));
  auto json = nlohmann::json::parse(text.str(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return make_error(ErrorCode::kCorrupt, fmt::format("{}: not a JSON object", path.string()));
  }
  auto it = json.find("max_seq_length");
  if (it == json.end() || it->is_null()) return std::size_t{0};
  if (!it->is_number_integer() || it->get<std::int64_t>() <= 0) {
    return make_error(ErrorCode::kCorrupt,
                      fmt::format("{}: max_seq_length must be a positive integer, not {}", path.string(), it->dump()));
  }
  return static_cast<std::size_t>(it->get<std::int64_t>());
}

namespace {

// "tf-" + XXH3-64 over the files that exist among `paths`: name relative to the folder, size, bytes.
Expected<std::string> fingerprint_files(const fs::path& folder, const std::vector<fs::path>& paths) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  for (const fs::path& path : paths) {
    if (!fs::exists(path)) continue;
    auto file = core::MappedFile::open(path);
    if (!file) {
      XXH3_freeState(state);
      return tl::unexpected(file.error());
    }
    const std::string name = path.lexically_relative(folder).generic_string();
    const std::uint64_t size = (*file)->size();
    XXH3_64bits_update(state, name.c_str(), name.size() + 1);
    XXH3_64bits_update(state, &size, sizeof(size));
    XXH3_64bits_update(state, (*file)->data(), (*file)->size());
  }
  const std::uint64_t digest = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return fmt::format("tf-{:016x}", digest);
}

bool sharded(const fs::path& folder) {
  return !fs::exists(folder / "model.safetensors") && fs::exists(folder / "model.safetensors.index.json");
}

// The fixed files, then (for sharded weights only, so single-file fingerprints never change) the index and its
// shards in index order.
std::vector<fs::path> fingerprinted_files(const fs::path& folder, const std::vector<fs::path>& shards) {
  std::vector<fs::path> paths;
  for (const char* name : kEncoderFiles) paths.push_back(folder / name);
  paths.insert(paths.end(), shards.begin(), shards.end());
  return paths;
}

}  // namespace

Expected<std::string> transformer_fingerprint(const fs::path& folder, const SafetensorsSet& weights) {
  return fingerprint_files(folder, fingerprinted_files(folder, sharded(folder) ? weights.paths() : std::vector<fs::path>{}));
}

Expected<std::string> transformer_fingerprint(const fs::path& folder) {
  if (!sharded(folder)) return fingerprint_files(folder, fingerprinted_files(folder, {}));
  auto weights = SafetensorsSet::open_folder(folder);
  if (!weights) return tl::unexpected(weights.error());
  return transformer_fingerprint(folder, *weights);
}

Expected<TransformerTextModel> load_transformer_folder(const fs::path& folder) {
  auto weights = open_bert_weights(folder);  // once, for the encoder and the fingerprint
  if (!weights) return tl::unexpected(weights.error());
  auto encoder = load_bert_folder(folder, *weights);
  if (!encoder) return tl::unexpected(encoder.error());
  auto tokenizer = load_hf_tokenizer(folder);
  if (!tokenizer) return tl::unexpected(tokenizer.error());
  if (tokenizer->vocab_size() > encoder->config().vocab_size) {
    return make_error(ErrorCode::kCorrupt,
                      fmt::format("{}: the tokenizer has {} tokens but config.json's vocab_size is {}",
                                  folder.string(), tokenizer->vocab_size(), encoder->config().vocab_size));
  }
  auto max_seq_length = read_max_seq_length(folder);
  if (!max_seq_length) return tl::unexpected(max_seq_length.error());
  auto fingerprint = transformer_fingerprint(folder, *weights);
  if (!fingerprint) return tl::unexpected(fingerprint.error());

  std::size_t max_length = std::min(tokenizer->options().model_max_length, encoder->config().max_positions);
  if (*max_seq_length != 0) max_length = std::min(max_length, *max_seq_length);
  max_length = std::max<std::size_t>(max_length, 3);  // the tokenizer's floor: [CLS] x [SEP]

  std::string architecture = "BertModel";
  if (std::ifstream in(folder / "config.json"); in) {
    auto config = nlohmann::json::parse(in, nullptr, false);
    if (auto it = config.find("architectures"); !config.is_discarded() && it != config.end() && it->is_array() &&
                                                 !it->empty() && (*it)[0].is_string()) {
      architecture = (*it)[0].get<std::string>();
    }
  }
  return TransformerTextModel{std::move(*tokenizer), std::move(*encoder), max_length, std::move(*fingerprint),
                              std::move(architecture)};
}

}  // namespace semspace::io
