#include "serve/routes/collection_json.hpp"

namespace semspace::serve {

nlohmann::json collection_json(const store::CollectionInfo& info) {
  return {{"name", info.name}, {"dimension", info.dim}, {"metric", info.metric}, {"count", info.count},
          {"model", info.model}};
}

nlohmann::json id_json(const store::PointId& id) {
  if (const auto* integer = std::get_if<std::int64_t>(&id)) return *integer;
  return std::get<std::string>(id);
}

nlohmann::json metadata_json(const std::string& text) {
  auto value = nlohmann::json::parse(text, nullptr, false);
  return value.is_discarded() ? nlohmann::json::object() : value;
}

HttpError collection_error(const Error& error) {
  HttpError http = to_http_error(error);
  if (error.code == ErrorCode::kNotFound) http.code = "collection_not_found";
  return http;
}

}  // namespace semspace::serve
