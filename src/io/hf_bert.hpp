// HuggingFace BERT-family model folders -> BertEncoder: config.json (model_type "bert"), model.safetensors with the
// tensor names HF's BertModel publishes (with or without the "bert." prefix), and sentence-transformers'
// modules.json + <Pooling module>/config.json + Normalize module for the pooling.
#pragma once

#include <filesystem>

#include "encoders/transformer/bert_encoder.hpp"
#include "io/safetensors_set.hpp"
#include "semspace/status.hpp"

namespace semspace::io {

/// Reads a BERT config.json. Fields absent from the file take HF BertConfig's defaults (vocab_size 30522,
/// hidden_size 768, num_hidden_layers 12, num_attention_heads 12, intermediate_size 3072, hidden_act "gelu",
/// max_position_embeddings 512, type_vocab_size 2, layer_norm_eps 1e-12, position_embedding_type "absolute").
/// Errors name the file and field: kCorrupt for invalid JSON or a field of the wrong type; kUnsupported for a
/// model_type other than "bert" (RoBERTa and others differ in position ids and are refused; the message names
/// model_type and architectures), a hidden_act other than gelu / gelu_new / gelu_pytorch_tanh / relu, or a
/// position_embedding_type other than "absolute"; kInvalidArgument when the sizes do not validate.
Expected<BertConfig> read_bert_config(const std::filesystem::path& config_json);

/// The pooling sentence-transformers would apply to the folder. Without modules.json: mean pooling without
/// normalisation (what sentence-transformers builds for a plain HF model). With it: the Pooling module's
/// config.json decides (exactly one of pooling_mode_mean_tokens, pooling_mode_cls_token,
/// pooling_mode_max_tokens), and a Normalize module turns on L2 normalisation. kUnsupported, naming the file, for
/// other modules (Dense, ...), other or combined pooling modes; kCorrupt for malformed JSON.
Expected<BertPooling> read_sentence_transformers_pooling(const std::filesystem::path& folder);

/// "bert." when the weights carry HF's task-model prefix (BertForMaskedLM, ...), else "" (BertModel's names).
std::string bert_tensor_prefix(const SafetensorsSet& weights);

/// The encoder's weights from safetensors (one file or shards), every tensor's shape checked against `config`; Q,
/// K and V are packed into one matrix per layer. Tensor names are HF BertModel's, all with the "bert." prefix or
/// all without it; pooler.* and other extra tensors are ignored. Errors name the file and tensor: kCorrupt for a
/// missing tensor or a wrong shape, kUnsupported for a dtype other than F32/F16/BF16.
Expected<BertWeights> read_bert_weights(const SafetensorsSet& weights, const BertConfig& config);

/// Loads `folder`/config.json, the weights (model.safetensors, or model.safetensors.index.json and its shards) and
/// the pooling (above) into a BertEncoder. kNotFound when the folder lacks config.json or safetensors weights
/// (naming what it has instead, e.g. a pytorch_model.bin, which is not read).
Expected<BertEncoder> load_bert_folder(const std::filesystem::path& folder);
/// The same with the folder's weights already open (a caller that also needs their file list opens them once).
Expected<BertEncoder> load_bert_folder(const std::filesystem::path& folder, const SafetensorsSet& weights);
/// The weights of a model folder for the overload above, with load_bert_folder's errors: kNotFound naming the
/// folder when it has no config.json (checked first), else SafetensorsSet::open_folder's.
Expected<SafetensorsSet> open_bert_weights(const std::filesystem::path& folder);

}  // namespace semspace::io
