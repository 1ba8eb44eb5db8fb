// Turning texts into vectors with a word-vector model the same way everywhere (embed, collections):
// the training tokenizer, then SIF or mean pooling.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "semspace/matrix.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace::cli {

/// Encodes texts with SIF (or mean) pooling. For SIF, `component` is the common direction to remove: when
/// empty and there are at least 2 texts it is fitted on these texts and returned through it.
Matrix encode_texts(const WordVectors& model, std::span<const std::string> texts, bool sif,
                    std::vector<float>& component);

}  // namespace semspace::cli
