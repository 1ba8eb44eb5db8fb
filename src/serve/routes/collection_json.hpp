// JSON shapes the collection and projector routes share.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "serve/http_error.hpp"
#include "store/collection_store.hpp"

namespace semspace::serve {

/// {"name", "dimension", "metric", "count", "model"}.
nlohmann::json collection_json(const store::CollectionInfo& info);
/// 7 or "seven", as the id was stored.
nlohmann::json id_json(const store::PointId& id);
/// A stored metadata text as JSON ({} if it does not parse, which the store does not let happen).
nlohmann::json metadata_json(const std::string& text);
/// to_http_error, with kNotFound answered as 404 collection_not_found.
HttpError collection_error(const Error& error);

}  // namespace semspace::serve
