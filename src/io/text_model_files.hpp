// Where `--model` points and how the model behind it is loaded, for every command (and the server): a word-vector
// file, a HuggingFace transformer folder, a model pulled from the hub by its ORG/NAME, or "default".
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "encoders/text_model.hpp"
#include "semspace/status.hpp"

namespace semspace::io {

class SafetensorsSet;

/// A model name resolved to the file or folder that holds it.
struct ModelLocation {
  std::filesystem::path path;
  TextModelKind kind = TextModelKind::kWordVectors;
};

/// Resolves a model name, in this order:
///   "default"              -> <models_root>/default.sem (kNotFound saying how to build it when missing);
///   an existing directory  -> a transformer folder when it holds config.json; a pulled model's cache folder
///                             (<models_root>/ORG/NAME with refs/main) -> its snapshot; otherwise kNotFound;
///   an existing file       -> a word-vector model (any format io/vector_formats reads);
///   "ORG/NAME"             -> the pulled snapshot of the hub model (resolve_pulled_model, revision main),
///                             kNotFound saying `semspace model pull ORG/NAME` when it was never pulled.
/// Anything else is kNotFound naming the spec.
Expected<ModelLocation> resolve_model(std::string_view spec, const std::filesystem::path& models_root);

/// Loads what resolve_model finds.
Expected<TextModel> load_text_model(std::string_view spec, const std::filesystem::path& models_root);

/// A HuggingFace BERT-family folder as a sentence encoder: load_hf_tokenizer + load_bert_folder, the max length
/// limited by sentence_bert_config.json's max_seq_length (as sentence-transformers truncates) and the position
/// table, and the fingerprint of the files that define the encoder. Errors name the file.
Expected<TransformerTextModel> load_transformer_folder(const std::filesystem::path& folder);

/// sentence_bert_config.json's max_seq_length, 0 when the file or field is absent. kCorrupt naming the file for
/// malformed JSON or a field that is not a positive integer.
Expected<std::size_t> read_max_seq_length(const std::filesystem::path& folder);

/// "tf-" + XXH3-64 over the name, size and bytes of each file that decides what the folder's encoder computes
/// (config.json, model.safetensors, the tokenizer files, modules.json, pooling and sentence-transformers
/// configs); files absent are skipped. A fine-tuned copy gets another fingerprint, a byte-identical copy the same.
Expected<std::string> transformer_fingerprint(const std::filesystem::path& folder);
/// The same with the folder's weights already open: their files (for sharded weights, the index and its shards)
/// come from `weights` instead of opening the set again.
Expected<std::string> transformer_fingerprint(const std::filesystem::path& folder, const SafetensorsSet& weights);

}  // namespace semspace::io
