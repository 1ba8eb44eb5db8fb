// Turning texts into vectors with a word-vector model the same way everywhere (embed, collections, their
// queries): the training tokenizer, then SIF or mean pooling.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "semspace/matrix.hpp"
#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace {

/// How text is pooled into one vector; a collection stores it (as JSON) so documents and queries agree.
struct TextEncoding {
  bool sif = true;      // SIF (frequency-weighted, common component removed) or plain mean
  double sif_a = 1e-3;  // SIF's a: smaller values weigh rare words more (Arora et al. 2017 use 1e-4..1e-3)

  std::string to_json() const;
  /// kCorrupt naming the field when the stored settings are malformed.
  static Expected<TextEncoding> from_json(const std::string& json);
};

/// Encodes texts. For SIF, `component` is the common direction to remove: when empty and there are at least
/// 2 texts it is fitted on these texts and returned through it.
Matrix encode_texts(const WordVectors& model, std::span<const std::string> texts, const TextEncoding& encoding,
                    std::vector<float>& component);

}  // namespace semspace
