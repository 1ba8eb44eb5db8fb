// The BERT-family encoder runtime (BertModel as HuggingFace and sentence-transformers publish it): token, position
// and segment embeddings, N post-LayerNorm transformer layers, then pooling into one vector per sequence. f32
// throughout, on OpenBLAS matrix products and the kernels in core/kernels/activation.hpp. Files are read by
// io/hf_bert.hpp, which builds this object, as io's word-vector readers build WordVectors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace {

enum class Activation {
  kGelu,      // exact: x Phi(x) with erf (HF "gelu")
  kGeluTanh,  // the tanh approximation (HF "gelu_new", "gelu_pytorch_tanh")
  kRelu,
};

enum class TokenPooling { kMean, kCls, kMax };

struct BertConfig {
  std::size_t vocab_size = 0;
  std::size_t hidden_size = 0;
  std::size_t num_layers = 0;
  std::size_t num_heads = 0;
  std::size_t intermediate_size = 0;
  std::size_t max_positions = 0;   // max_position_embeddings: the longest sequence
  std::size_t type_vocab_size = 0;  // number of token types (segments); at least 1
  float layer_norm_eps = 1e-12f;
  Activation activation = Activation::kGelu;

  std::size_t head_dim() const noexcept { return num_heads == 0 ? 0 : hidden_size / num_heads; }
  /// kInvalidArgument unless every size is > 0, hidden_size is a multiple of num_heads and eps is finite, >= 0.
  Status validate() const;
};

/// One transformer layer. Matrices are in nn.Linear's layout, out_features x in_features.
struct BertLayerWeights {
  Matrix qkv;  // 3H x H: rows [0, H) query, [H, 2H) key, [2H, 3H) value, packed for one product per layer
  std::vector<float> qkv_bias;                 // 3H
  Matrix attention_output;                     // H x H
  std::vector<float> attention_output_bias;    // H
  std::vector<float> attention_norm_weight;    // H
  std::vector<float> attention_norm_bias;      // H
  Matrix intermediate;                         // I x H
  std::vector<float> intermediate_bias;        // I
  Matrix output;                               // H x I
  std::vector<float> output_bias;              // H
  std::vector<float> output_norm_weight;       // H
  std::vector<float> output_norm_bias;         // H
};

struct BertWeights {
  Matrix word_embeddings;        // vocab_size x H
  Matrix position_embeddings;    // max_positions x H
  Matrix token_type_embeddings;  // type_vocab_size x H
  std::vector<float> embedding_norm_weight;  // H
  std::vector<float> embedding_norm_bias;    // H
  std::vector<BertLayerWeights> layers;      // num_layers
};

/// How token states become one vector per sequence. The defaults are sentence-transformers' when a model folder
/// names no pooling module: the mean over the sequence's (unmasked) tokens, without normalisation.
struct BertPooling {
  TokenPooling mode = TokenPooling::kMean;
  bool normalize = false;  // L2-normalise the pooled vector (sentence-transformers' Normalize module)
};

/// One sequence of token ids (with [CLS] ... [SEP] already added by the tokenizer), unpadded. `type_ids` is
/// empty (all type 0) or as long as `ids`.
struct TokenSequence {
  std::span<const std::uint32_t> ids;
  std::span<const std::uint32_t> type_ids;
};

struct BertRunOptions {
  /// Worker threads for one encode() call (OpenBLAS's own pool stays off; see core/kernels/gemm.cpp).
  int threads = 1;
  /// Also return every token's final hidden state.
  bool token_states = false;
  /// Sequences are processed in chunks of at most this many tokens (a longer single sequence is its own chunk),
  /// which bounds the working memory to about (6 H + I) * 4 bytes per token.
  std::size_t max_chunk_tokens = 4096;
  /// The linear layers (QKV, attention output, intermediate, output) in int8: weights quantised per output
  /// channel (once, at the first int8 call), activations per token, int32 products (see int8_linear.hpp).
  /// Embeddings, LayerNorm, softmax and GELU stay f32. Outputs differ from f32 by about 1% (cosine >= 0.99).
  bool int8 = false;
  /// kInvalidArgument unless threads >= 1 and max_chunk_tokens >= 1.
  Status validate() const;
};

struct BertOutput {
  Matrix pooled;                     // batch size x hidden_size, in input order
  std::vector<Matrix> token_states;  // per sequence: length x hidden_size (empty unless asked for)
};

/// Immutable after create(); encode() is const and may run concurrently from several threads.
class BertEncoder {
 public:
  /// kInvalidArgument when the config does not validate or a weight's size disagrees with it (naming it).
  static Expected<BertEncoder> create(const BertConfig& config, BertWeights weights, const BertPooling& pooling = {});

  /// Runs the encoder over every sequence. Sequences are packed back to back (no padding is ever computed:
  /// attention runs per sequence and head over that sequence's tokens only) and processed longest first.
  /// kInvalidArgument, naming the sequence, for an empty sequence, one longer than max_positions, an id
  /// >= vocab_size, a type id >= type_vocab_size or type_ids of the wrong length.
  Expected<BertOutput> encode(std::span<const TokenSequence> batch, const BertRunOptions& options = {}) const;

  /// The padded-batch form tokenizers return: row-major batch x seq_len ids, attention_mask (1 = token,
  /// 0 = padding) and type_ids (empty for all zeros). Each mask row must be ones followed by zeros (right
  /// padding); positions are then the same as HF's. Token states of padded positions are not returned: each
  /// sequence's matrix has as many rows as its mask has ones.
  Expected<BertOutput> encode_padded(std::span<const std::uint32_t> ids, std::span<const std::uint32_t> attention_mask,
                                     std::span<const std::uint32_t> type_ids, std::size_t batch, std::size_t seq_len,
                                     const BertRunOptions& options = {}) const;

  const BertConfig& config() const noexcept { return config_; }
  const BertPooling& pooling() const noexcept { return pooling_; }
  std::size_t dim() const noexcept { return config_.hidden_size; }
  /// Quantises the linear layers for BertRunOptions::int8 now rather than at the first int8 encode() (thread-safe,
  /// done once; copies of this encoder share the result). kUnsupported when oneDNN cannot run int8 here.
  Status prepare_int8() const;

 private:
  struct Int8State;  // the quantised layers, made once on first use
  BertEncoder(const BertConfig& config, BertWeights weights, const BertPooling& pooling);

  BertConfig config_;
  BertWeights weights_;
  BertPooling pooling_;
  std::shared_ptr<Int8State> int8_;
};

}  // namespace semspace
