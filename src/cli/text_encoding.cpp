#include "cli/text_encoding.hpp"

#include "encoders/pooling.hpp"
#include "prepare/text/tokenizer.hpp"

namespace semspace::cli {

Matrix encode_texts(const WordVectors& model, std::span<const std::string> texts, bool sif,
                    std::vector<float>& component) {
  WordTokenizer tokenizer(TokenizerOptions{});
  auto tokenize = [&tokenizer](std::string_view text, std::vector<std::string>& out) {
    out = tokenizer.tokenize(text);
  };
  PoolingOptions options;
  options.method = sif ? Pooling::kSif : Pooling::kMean;
  options.remove_component = false;
  SentenceEncoder encoder(model, options);
  Matrix vectors = encoder.encode(texts, tokenize);
  if (sif) {
    if (component.empty() && vectors.rows() >= 2) component = fit_common_component(vectors);
    if (!component.empty()) remove_common_component(vectors, component);
  }
  return vectors;
}

}  // namespace semspace::cli
