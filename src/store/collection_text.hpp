// Text into a collection's space through its encoder: the model the collection was created with (checked by
// fingerprint, so vectors of another space are refused): a transformer, or word vectors with the pooling recorded
// with the collection. For SIF, the common component is fitted on the first batch of texts and kept with the
// collection, so later documents and queries are projected the same way.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "semspace/matrix.hpp"
#include "semspace/status.hpp"
#include "encoders/text_model.hpp"
#include "store/collection_store.hpp"

namespace semspace::store {

/// kInvalidArgument when the collection has no model or `model` is not it (another fingerprint).
Status check_encoder(const CollectionInfo& info, const TextModel& model);

/// Encodes documents for the collection; stores the SIF component when this is the first batch with text.
/// Inside begin()/commit() the component is part of the transaction. kInvalidArgument for options.int8: a
/// collection holds its model's f32 vectors (encode_query likewise).
Expected<Matrix> encode_documents(CollectionStore& store, const std::string& name, const TextModel& model,
                                  std::span<const std::string> texts, const TextEncodeOptions& options = {});

/// Encodes a query text the way the collection's documents were encoded.
Expected<std::vector<float>> encode_query(CollectionStore& store, const std::string& name, const TextModel& model,
                                          std::string_view text, const TextEncodeOptions& options = {});

/// The encoder settings a new collection records for `model`: word vectors' pooling (`encoding`), or a
/// transformer's pooling, normalisation and max length (informative: the folder decides them).
std::string encoder_settings(const TextModel& model, const TextEncoding& encoding);

/// search() with a text query.
Expected<std::vector<SearchHit>> search_text(CollectionStore& store, const std::string& name, const TextModel& model,
                                             std::string_view text, const SearchOptions& options = {});

}  // namespace semspace::store
