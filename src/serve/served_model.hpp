// A model the server embeds with: its id (the spec it was named by, e.g. "default" or "BAAI/bge-small-en-v1.5"),
// the loaded TextModel and its batcher. Word vectors are mean-pooled here: SIF's common component is fitted on the
// texts encoded together, so a text's vector would depend on which requests shared its batch.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "encoders/text_model.hpp"
#include "serve/batch_queue.hpp"

namespace semspace::serve {

struct ServedModel {
  std::string id;
  TextModel model;
  std::unique_ptr<EmbeddingBatcher> batcher;
};

/// The vectors the embedding endpoints answer with: one row per text, as the batcher's encode function.
Expected<Matrix> encode_for_serving(const TextModel& model, std::span<const std::string> texts, int threads,
                                    std::size_t forward_batch);

/// Tokens the model reads for `text`, as usage.prompt_tokens counts them: a transformer's WordPiece ids after
/// truncation, [CLS] and [SEP] included; for word vectors, the words of the word tokenizer.
std::size_t count_tokens(const TextModel& model, const std::string& text);

}  // namespace semspace::serve
