#include "encoders/text_encoding.hpp"

#include <nlohmann/json.hpp>

#include "encoders/pooling.hpp"
#include "prepare/text/tokenizer.hpp"

namespace semspace {

std::string TextEncoding::to_json() const {
  return nlohmann::json{{"pooling", sif ? "sif" : "mean"}, {"sif_a", sif_a}}.dump();
}

Expected<TextEncoding> TextEncoding::from_json(const std::string& json) {
  auto parsed = nlohmann::json::parse(json, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return make_error(ErrorCode::kCorrupt, "collection encoder settings are not a JSON object: " + json);
  }
  TextEncoding encoding;
  if (auto pooling = parsed.find("pooling"); pooling != parsed.end()) {
    if (!pooling->is_string() || (*pooling != "sif" && *pooling != "mean")) {
      return make_error(ErrorCode::kCorrupt, "collection encoder field \"pooling\" must be \"sif\" or \"mean\"");
    }
    encoding.sif = *pooling == "sif";
  }
  if (auto a = parsed.find("sif_a"); a != parsed.end()) {
    if (!a->is_number() || !(a->get<double>() > 0)) {
      return make_error(ErrorCode::kCorrupt, "collection encoder field \"sif_a\" must be a positive number");
    }
    encoding.sif_a = a->get<double>();
  }
  return encoding;
}

Matrix encode_texts(const WordVectors& model, std::span<const std::string> texts, const TextEncoding& encoding,
                    std::vector<float>& component) {
  WordTokenizer tokenizer(TokenizerOptions{});
  auto tokenize = [&tokenizer](std::string_view text, std::vector<std::string>& out) {
    out = tokenizer.tokenize(text);
  };
  PoolingOptions options;
  options.method = encoding.sif ? Pooling::kSif : Pooling::kMean;
  options.sif_a = encoding.sif_a;
  options.remove_component = false;
  SentenceEncoder encoder(model, options);
  Matrix vectors = encoder.encode(texts, tokenize);
  if (encoding.sif) {
    if (component.empty() && vectors.rows() >= 2) component = fit_common_component(vectors);
    if (!component.empty()) remove_common_component(vectors, component);
  }
  return vectors;
}

}  // namespace semspace
