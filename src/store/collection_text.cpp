#include "store/collection_text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "encoders/text_encoding.hpp"

namespace semspace::store {
namespace {

constexpr const char* kSifComponentKey = "sif_component";

// The collection's settings and stored component, after checking that `model` is its encoder.
struct Encoder {
  TextEncoding encoding;
  std::vector<float> component;
};

Expected<Encoder> collection_encoder(CollectionStore& store, const std::string& name, const TextModel& model) {
  auto info = store.describe(name);
  if (!info) return tl::unexpected(info.error());
  if (auto ok = check_encoder(*info, model); !ok) return tl::unexpected(ok.error());
  if (model.kind() == TextModelKind::kTransformer) return Encoder{};  // the folder fixes the pooling
  auto encoding = TextEncoding::from_json(info->encoder);
  if (!encoding) return tl::unexpected(encoding.error());
  auto stored = store.get_array(name, kSifComponentKey);
  if (!stored) return tl::unexpected(stored.error());
  return Encoder{*encoding, stored->value_or(std::vector<float>{})};
}

// A collection records its model's f32 fingerprint; int8 vectors differ from f32 ones by ~1%, which would
// silently blur the stored space, so they are refused rather than mixed in.
Status refuse_int8(const TextEncodeOptions& options) {
  if (!options.int8) return {};
  return make_error(ErrorCode::kInvalidArgument,
                    "collections hold f32 transformer vectors (their fingerprint is the f32 model's); int8 is for "
                    "`embed --int8` only");
}

}  // namespace

Status check_encoder(const CollectionInfo& info, const TextModel& model) {
  if (info.model.empty() && info.fingerprint.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("collection '{}' has no model: give vectors, or create it with --model", info.name));
  }
  if (model.fingerprint() != info.fingerprint) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("model {} is not the encoder of collection '{}' (fingerprint {} vs {}): its vectors "
                                  "live in another space; rebuild the collection to change models",
                                  info.model.empty() ? std::string("given") : info.model, info.name, model.fingerprint(),
                                  info.fingerprint));
  }
  return {};
}

Expected<Matrix> encode_documents(CollectionStore& store, const std::string& name, const TextModel& model,
                                  std::span<const std::string> texts, const TextEncodeOptions& options) {
  if (auto ok = refuse_int8(options); !ok) return tl::unexpected(ok.error());
  auto encoder = collection_encoder(store, name, model);
  if (!encoder) return tl::unexpected(encoder.error());
  const bool had_component = !encoder->component.empty();
  auto vectors = model.encode(texts, encoder->encoding, encoder->component, options);
  if (!vectors) return tl::unexpected(vectors.error());
  if (!had_component && !encoder->component.empty()) {
    if (auto ok = store.put_array(name, kSifComponentKey, encoder->component); !ok) return tl::unexpected(ok.error());
  }
  return vectors;
}

Expected<std::vector<float>> encode_query(CollectionStore& store, const std::string& name, const TextModel& model,
                                          std::string_view text, const TextEncodeOptions& options) {
  if (auto ok = refuse_int8(options); !ok) return tl::unexpected(ok.error());
  auto encoder = collection_encoder(store, name, model);
  if (!encoder) return tl::unexpected(encoder.error());
  std::vector<std::string> texts{std::string(text)};
  auto encoded = model.encode(texts, encoder->encoding, encoder->component, options);
  if (!encoded) return tl::unexpected(encoded.error());
  return std::vector<float>(encoded->row(0).begin(), encoded->row(0).end());
}

std::string encoder_settings(const TextModel& model, const TextEncoding& encoding) {
  const TransformerTextModel* transformer = model.transformer();
  if (transformer == nullptr) return encoding.to_json();
  const BertPooling& pooling = transformer->encoder.pooling();
  const char* mode = pooling.mode == TokenPooling::kMean ? "mean" : pooling.mode == TokenPooling::kCls ? "cls" : "max";
  return nlohmann::json{{"kind", "transformer"},
                        {"pooling", mode},
                        {"normalize", pooling.normalize},
                        {"max_length", transformer->max_length}}
      .dump();
}

Expected<std::vector<SearchHit>> search_text(CollectionStore& store, const std::string& name, const TextModel& model,
                                             std::string_view text, const SearchOptions& options) {
  auto query = encode_query(store, name, model, text);
  if (!query) return tl::unexpected(query.error());
  return store.search(name, *query, options);
}

}  // namespace semspace::store
