// The BERT encoder as a libtorch module, for training. Its parameters carry exactly the names HuggingFace's BertModel
// publishes ("embeddings.word_embeddings.weight", "encoder.layer.3.attention.self.query.bias", ...), so loading a
// model folder and writing a checkpoint are a walk over named_parameters(). Inference runs on our own runtime
// (encoders/transformer/bert_encoder.hpp), which the checkpoints load into; this module exists for autograd.
#pragma once

#include <torch/torch.h>

#include "encoders/transformer/bert_encoder.hpp"
#include "io/safetensors_set.hpp"
#include "semspace/status.hpp"

namespace semspace::neural {

struct BertModuleOptions {
  BertConfig config;
  BertPooling pooling;
  double hidden_dropout = 0.1;     // config.json hidden_dropout_prob
  double attention_dropout = 0.1;  // config.json attention_probs_dropout_prob
};

class BertModuleImpl : public torch::nn::Module {
 public:
  explicit BertModuleImpl(const BertModuleOptions& options);

  /// ids, attention_mask, type_ids: int64 [batch, length], right-padded (mask 1 = token). Returns the pooled
  /// sentence vectors [batch, hidden] (normalised when the pooling says so).
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& attention_mask, const torch::Tensor& type_ids);
  /// The final hidden states [batch, length, hidden].
  torch::Tensor token_states(const torch::Tensor& ids, const torch::Tensor& attention_mask,
                             const torch::Tensor& type_ids);

  /// Copies every parameter from `weights` (one file or shards; HF names, with or without the "bert." prefix;
  /// other tensors ignored). kCorrupt naming the file and tensor when one is missing or has another shape; dtype
  /// errors as to_f32.
  Status load(const io::SafetensorsSet& weights);
  /// Writes every parameter under its HF name (no prefix), F32, as model.safetensors does.
  Status save(const std::filesystem::path& path);

  const BertModuleOptions& options() const noexcept { return options_; }

 private:
  struct Layer {
    torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr}, attention_dense{nullptr};
    torch::nn::LayerNorm attention_norm{nullptr};
    torch::nn::Linear intermediate{nullptr}, output_dense{nullptr};
    torch::nn::LayerNorm output_norm{nullptr};
  };
  torch::Tensor activation(const torch::Tensor& x) const;

  BertModuleOptions options_;
  torch::nn::Embedding word_embeddings_{nullptr}, position_embeddings_{nullptr}, token_type_embeddings_{nullptr};
  torch::nn::LayerNorm embedding_norm_{nullptr};
  std::vector<Layer> layers_;
  torch::nn::Dropout hidden_dropout_{nullptr}, attention_dropout_{nullptr};
};
TORCH_MODULE(BertModule);

}  // namespace semspace::neural
