// Sentence and document vectors pooled from word vectors: plain mean, or SIF (Arora, Liang & Ma 2017,
// "A Simple but Tough-to-Beat Baseline for Sentence Embeddings"): a frequency-weighted mean followed by removal
// of the common component shared by all sentences.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "semspace/matrix.hpp"
#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace {

enum class Pooling { kMean, kSif };

struct PoolingOptions {
  Pooling method = Pooling::kSif;
  double sif_a = 1e-3;  // SIF's a: word weight a / (a + p(w)); the paper uses 1e-3 .. 1e-4
  /// SIF only: fit the common component on each encode() batch of at least 2 texts and remove it. When false
  /// (or for a single text), the component given to set_common_component() is removed, if any.
  bool remove_component = false;
  /// kInvalidArgument unless sif_a is finite and > 0.
  Status validate() const;
};

/// Splits `text` into tokens and appends them to `tokens` (the encoder clears it before each text).
using Tokenize = std::function<void(std::string_view text, std::vector<std::string>& tokens)>;

/// The default tokenizer: splits on ASCII whitespace and lowercases ASCII letters (other bytes unchanged).
void whitespace_lowercase_tokenize(std::string_view text, std::vector<std::string>& tokens);

/// Pools word vectors into one vector per text. Borrows the model, which must outlive the encoder.
/// encode() is const and thread-safe; set_common_component() must not run concurrently with encode().
class SentenceEncoder {
 public:
  /// kInvalidArgument when options.validate() fails.
  static Expected<SentenceEncoder> create(const WordVectors& model, const PoolingOptions& options = {});
  /// As create(), for options already validated (InternalError otherwise).
  SentenceEncoder(const WordVectors& model, const PoolingOptions& options = {});

  /// One row per text, dim() columns. A token's vector is its vocabulary vector, else its subword vector when
  /// the model has subwords, else the token is skipped.
  /// kMean: the average of the token vectors.
  /// kSif: (1/n) sum_w weight(w) v_w over the n tokens with a vector (Arora et al.'s Algorithm 1), then the
  /// common component is removed as PoolingOptions::remove_component describes.
  /// A text without any token that has a vector gives a zero row (and stays zero after component removal).
  Matrix encode(std::span<const std::string> texts, const Tokenize& tokenize = whitespace_lowercase_tokenize) const;

  /// SIF weight a / (a + p(w)) of vocabulary word `index` (1 for kMean). p(w) = count / total count when the
  /// model has counts; otherwise Zipf's law on the frequency rank (vocabulary is most frequent first):
  /// p(rank r) = (1 / (r + 1)) / H_N with H_N = sum_{i=1..N} 1/i, N = vocabulary size. Words outside the
  /// vocabulary have p = 0, hence weight 1: they are rarer than anything counted.
  float weight(std::uint32_t index) const;

  /// Sets the component encode() removes when it does not fit its own (see PoolingOptions::remove_component);
  /// an empty span clears it. kInvalidArgument unless u is empty or has dim() entries.
  Status set_common_component(std::span<const float> u);
  std::span<const float> common_component() const noexcept { return component_; }

  int dim() const noexcept { return model_->dim(); }
  const PoolingOptions& options() const noexcept { return options_; }

 private:
  const WordVectors* model_;
  PoolingOptions options_;
  double normaliser_ = 0;         // SIF: the total count, or H_N without counts (see weight())
  std::vector<float> component_;  // empty or dim() entries, unit length
};

/// The first principal component of the rows without centering, as in the SIF paper: the top right singular
/// vector u of X (rows x cols), found by power iteration on X^T X (double precision; start: the sum of the rows,
/// or the longest row if that sum vanishes; stops when no entry moves by more than 1e-7, at most 10000 steps).
/// Unit length with its largest-magnitude entry positive, so the sign is reproducible. All zeros when X is zero.
std::vector<float> fit_common_component(const Matrix& sentence_vectors);

/// X <- X - (X u) u^T: removes each row's projection on u (u.size() == cols, InternalError otherwise; u unit
/// length for a true projection). An empty u leaves X unchanged.
void remove_common_component(Matrix& sentence_vectors, std::span<const float> u);

}  // namespace semspace
