#include "store/collection_text.hpp"

#include <fmt/format.h>

#include "encoders/text_encoding.hpp"

namespace semspace::store {
namespace {

constexpr const char* kSifComponentKey = "sif_component";

// The collection's settings and stored component, after checking that `model` is its encoder.
struct Encoder {
  TextEncoding encoding;
  std::vector<float> component;
};

Expected<Encoder> collection_encoder(CollectionStore& store, const std::string& name, const WordVectors& model) {
  auto info = store.info(name);
  if (!info) return tl::unexpected(info.error());
  if (auto ok = check_encoder(*info, model); !ok) return tl::unexpected(ok.error());
  auto encoding = TextEncoding::from_json(info->encoder);
  if (!encoding) return tl::unexpected(encoding.error());
  auto stored = store.get_array(name, kSifComponentKey);
  if (!stored) return tl::unexpected(stored.error());
  return Encoder{*encoding, stored->value_or(std::vector<float>{})};
}

}  // namespace

Status check_encoder(const CollectionInfo& info, const WordVectors& model) {
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

Expected<Matrix> encode_documents(CollectionStore& store, const std::string& name, const WordVectors& model,
                                  std::span<const std::string> texts) {
  auto encoder = collection_encoder(store, name, model);
  if (!encoder) return tl::unexpected(encoder.error());
  const bool had_component = !encoder->component.empty();
  Matrix vectors = encode_texts(model, texts, encoder->encoding, encoder->component);
  if (!had_component && !encoder->component.empty()) {
    if (auto ok = store.put_array(name, kSifComponentKey, encoder->component); !ok) return tl::unexpected(ok.error());
  }
  return vectors;
}

Expected<std::vector<float>> encode_query(CollectionStore& store, const std::string& name, const WordVectors& model,
                                          std::string_view text) {
  auto encoder = collection_encoder(store, name, model);
  if (!encoder) return tl::unexpected(encoder.error());
  std::vector<std::string> texts{std::string(text)};
  Matrix encoded = encode_texts(model, texts, encoder->encoding, encoder->component);
  return std::vector<float>(encoded.row(0).begin(), encoded.row(0).end());
}

Expected<std::vector<SearchHit>> search_text(CollectionStore& store, const std::string& name, const WordVectors& model,
                                             std::string_view text, const SearchOptions& options) {
  auto query = encode_query(store, name, model, text);
  if (!query) return tl::unexpected(query.error());
  return store.search(name, *query, options);
}

}  // namespace semspace::store
