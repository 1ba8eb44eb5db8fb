// A model that turns texts into vectors, whichever kind it is: word vectors pooled into sentence vectors (SIF or
// mean, see text_encoding.hpp) or a transformer sentence encoder (BERT-family: its WordPiece tokenizer, the
// encoder and the pooling its folder names). `embed`, collections and (later) the server take a TextModel, so
// every place a model is named accepts both. Loading one from a name or path is io's job (io/text_model_files.hpp).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "encoders/text_encoding.hpp"
#include "encoders/transformer/bert_encoder.hpp"
#include "prepare/text/wordpiece.hpp"
#include "semspace/matrix.hpp"
#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace {

enum class TextModelKind { kWordVectors, kTransformer };

/// A transformer sentence encoder: tokenizer + encoder, texts cut to max_length tokens ([CLS] and [SEP] included).
struct TransformerTextModel {
  BertTokenizer tokenizer;
  BertEncoder encoder;
  std::size_t max_length = 0;     // min(tokenizer limit, sentence-transformers' max_seq_length, position table)
  std::string fingerprint;        // "tf-<xxh3 of the folder's config, weights, tokenizer and pooling files>"
  std::string architecture;       // config.json's architectures[0] (or model_type) as published
};

/// What encode() did, for the caller to report (once, not per text).
struct TextEncodeStats {
  std::size_t texts = 0;
  std::size_t truncated_texts = 0;  // longer than the model's max length: their tail was not seen
};

struct TextEncodeOptions {
  int threads = 1;
  /// Texts per transformer forward pass: bounds memory; within a batch sequences are packed without padding.
  std::size_t batch = 32;
  /// Transformer: int8 linear layers (BertRunOptions::int8). Vectors then differ from f32 by ~1%, so collections,
  /// which record the f32 fingerprint, refuse them. kInvalidArgument for word vectors.
  bool int8 = false;
  /// When set, encode() adds its counts here.
  TextEncodeStats* stats = nullptr;
};

class TextModel {
 public:
  TextModel(WordVectors vectors);                                   // NOLINT: a word-vector model is a TextModel
  TextModel(TransformerTextModel transformer);                      // NOLINT: so is a transformer

  TextModelKind kind() const noexcept { return word_vectors_ ? TextModelKind::kWordVectors : TextModelKind::kTransformer; }
  /// "word-vectors" or "transformer", as model info and collection settings print it.
  std::string kind_name() const;
  std::size_t dim() const noexcept;
  /// Identifies the vector space: collections refuse texts encoded by a model of another fingerprint. Computed
  /// once per loaded model (copies share it); thread-safe.
  std::string fingerprint() const;

  /// The word vectors, or nullptr for a transformer (word queries: neighbours, analogies).
  const WordVectors* word_vectors() const noexcept { return word_vectors_.get(); }
  /// The transformer, or nullptr for word vectors.
  const TransformerTextModel* transformer() const noexcept { return transformer_.get(); }

  /// One vector per text, in input order. Word vectors pool with `encoding`; for SIF, `component` is the common
  /// direction to remove (fitted on these texts and returned through it when empty and there are >= 2 texts).
  /// A transformer ignores `encoding` and `component` (its folder fixes the pooling); texts longer than
  /// max_length tokens are truncated, as sentence-transformers does (counted in options.stats). Empty texts get the vector of "[CLS] [SEP]".
  /// kInvalidArgument for bad options.
  Expected<Matrix> encode(std::span<const std::string> texts, const TextEncoding& encoding,
                          std::vector<float>& component, const TextEncodeOptions& options = {}) const;

 private:
  // shared_ptr: a loaded model is immutable and may be shared by copies (a server's handlers, a collection cache).
  std::shared_ptr<const WordVectors> word_vectors_;
  std::shared_ptr<const TransformerTextModel> transformer_;
  // The word vectors' fingerprint, computed on first use and shared by copies (thread-safe: call_once).
  struct LazyFingerprint {
    std::once_flag once;
    std::string value;
  };
  std::shared_ptr<LazyFingerprint> word_vectors_fingerprint_;
};

}  // namespace semspace
