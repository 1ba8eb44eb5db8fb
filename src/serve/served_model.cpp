#include "serve/served_model.hpp"

#include "prepare/text/tokenizer.hpp"

namespace semspace::serve {

Expected<Matrix> encode_for_serving(const TextModel& model, std::span<const std::string> texts, int threads,
                                    std::size_t forward_batch) {
  std::vector<float> component;
  return model.encode(texts, TextEncoding{.sif = false}, component, {.threads = threads, .batch = forward_batch});
}

std::size_t count_tokens(const TextModel& model, const std::string& text) {
  if (const auto* transformer = model.transformer()) {
    return transformer->tokenizer.encode(text, transformer->max_length).ids.size();
  }
  static const WordTokenizer tokenizer{TokenizerOptions{}};
  thread_local std::vector<std::string_view> tokens;
  thread_local std::string scratch;
  tokenizer.tokenize(text, tokens, scratch);
  return tokens.size();
}

}  // namespace semspace::serve
