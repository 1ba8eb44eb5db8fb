// Text into a collection's space through its encoder: the word-vector model the collection was created with
// (checked by fingerprint, so vectors of another space are refused) and the pooling recorded with it. For SIF,
// the common component is fitted on the first batch of texts and kept with the collection, so later documents
// and queries are projected the same way.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "semspace/matrix.hpp"
#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"
#include "store/collection_store.hpp"

namespace semspace::store {

/// kInvalidArgument when the collection has no model or `model` is not it (another fingerprint).
Status check_encoder(const CollectionInfo& info, const WordVectors& model);

/// Encodes documents for the collection; stores the SIF component when this is the first batch with text.
/// Inside begin()/commit() the component is part of the transaction.
Expected<Matrix> encode_documents(CollectionStore& store, const std::string& name, const WordVectors& model,
                                  std::span<const std::string> texts);

/// Encodes a query text the way the collection's documents were encoded.
Expected<std::vector<float>> encode_query(CollectionStore& store, const std::string& name, const WordVectors& model,
                                          std::string_view text);

/// search() with a text query.
Expected<std::vector<SearchHit>> search_text(CollectionStore& store, const std::string& name, const WordVectors& model,
                                             std::string_view text, const SearchOptions& options = {});

}  // namespace semspace::store
