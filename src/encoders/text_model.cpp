#include "encoders/text_model.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

namespace semspace {

TextModel::TextModel(WordVectors vectors)
    : word_vectors_(std::make_shared<const WordVectors>(std::move(vectors))),
      word_vectors_fingerprint_(std::make_shared<LazyFingerprint>()) {}

TextModel::TextModel(TransformerTextModel transformer)
    : transformer_(std::make_shared<const TransformerTextModel>(std::move(transformer))) {}

std::string TextModel::kind_name() const { return word_vectors_ ? "word-vectors" : "transformer"; }

std::size_t TextModel::dim() const noexcept {
  return word_vectors_ ? word_vectors_->dim() : transformer_->encoder.dim();
}

std::string TextModel::fingerprint() const {
  if (!word_vectors_) return transformer_->fingerprint;
  // Hashing every vector (and subword bucket) costs about 0.1 s for the default model: once per loaded model, not
  // once per query (a server checks it on every collection request).
  std::call_once(word_vectors_fingerprint_->once, [this] { word_vectors_fingerprint_->value = word_vectors_->fingerprint(); });
  return word_vectors_fingerprint_->value;
}

namespace {

Expected<Matrix> encode_transformer(const TransformerTextModel& model, std::span<const std::string> texts,
                                    const TextEncodeOptions& options) {
  if (options.batch == 0) return make_error(ErrorCode::kInvalidArgument, "the batch size must be at least 1");
  const BertRunOptions run{.threads = options.threads, .int8 = options.int8};
  if (auto ok = run.validate(); !ok) return tl::unexpected(ok.error());

  Matrix out(texts.size(), model.encoder.dim());
  std::vector<std::vector<std::uint32_t>> ids, type_ids;
  std::vector<TokenSequence> sequences;
  for (std::size_t begin = 0; begin < texts.size(); begin += options.batch) {
    const std::size_t end = std::min(texts.size(), begin + options.batch);
    ids.assign(end - begin, {});
    type_ids.assign(end - begin, {});
    sequences.clear();
    for (std::size_t i = begin; i < end; ++i) {
      const BertEncoding encoding = model.tokenizer.encode(texts[i], model.max_length);
      if (options.stats != nullptr && encoding.truncated > 0) ++options.stats->truncated_texts;
      ids[i - begin].assign(encoding.ids.begin(), encoding.ids.end());
      type_ids[i - begin].assign(encoding.type_ids.begin(), encoding.type_ids.end());
      sequences.push_back({ids[i - begin], type_ids[i - begin]});
    }
    auto encoded = model.encoder.encode(sequences, run);
    if (!encoded) return tl::unexpected(encoded.error());
    std::memcpy(out.row(begin).data(), encoded->pooled.data(), encoded->pooled.size() * sizeof(float));
  }
  return out;
}

}  // namespace

Expected<Matrix> TextModel::encode(std::span<const std::string> texts, const TextEncoding& encoding,
                                   std::vector<float>& component, const TextEncodeOptions& options) const {
  if (options.stats != nullptr) options.stats->texts += texts.size();
  if (transformer_) return encode_transformer(*transformer_, texts, options);
  if (options.int8) {
    return make_error(ErrorCode::kInvalidArgument, "int8 is a transformer mode; a word-vector model has no linear layers");
  }
  return encode_texts(*word_vectors_, texts, encoding, component);
}

}  // namespace semspace
