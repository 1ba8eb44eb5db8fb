// Collections in the style of Qdrant/Chroma: list, create (PUT), info, drop (DELETE); upsert, get and delete
// points; search by text, vector or a stored point's id, with k and a metadata filter. Every store call runs under
// the store's mutex (ServerState::with_store).
#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "encoders/text_encoding.hpp"
#include "serve/http_error.hpp"
#include "serve/json_request.hpp"
#include "serve/routes/collection_json.hpp"
#include "serve/routes/routes.hpp"
#include "store/collection_text.hpp"

namespace semspace::serve {
namespace {

using httplib::Request;
using httplib::Response;

void list_collections(ServerState& state, Response& response) {
  auto infos = state.with_store([](store::CollectionStore& db) { return db.list(); });
  if (!infos) return send_error(response, collection_error(infos.error()));
  auto out = nlohmann::json::array();
  for (const auto& info : *infos) out.push_back(collection_json(info));
  send_json(response, {{"collections", std::move(out)}});
}

void collection_info(ServerState& state, const std::string& name, Response& response) {
  auto info = state.with_store([&](store::CollectionStore& db) { return db.info(name); });
  if (!info) return send_error(response, collection_error(info.error()));
  send_json(response, collection_json(*info));
}

void create_collection(ServerState& state, const std::string& name, const Request& request, Response& response) {
  auto parsed = parse_create_collection_request(request.body);
  if (!parsed) return send_error(response, to_http_error(parsed.error()));
  const TextEncoding encoding{.sif = parsed->pooling == "sif"};
  store::CollectionInfo info{.name = name, .dim = parsed->dimension, .metric = parsed->metric, .model = parsed->model,
                             .fingerprint = "", .encoder = encoding.to_json(), .count = 0};
  if (!parsed->model.empty()) {
    auto model = state.model_by_spec(parsed->model);
    if (!model) {
      return send_error(response, HttpError{404, "model_not_found",
                                            fmt::format("field \"model\": {}", model.error().message)});
    }
    if (info.dim != 0 && info.dim != static_cast<int>(model->dim())) {
      return send_error(response, HttpError{400, "invalid_request",
                                            fmt::format("field \"dimension\": {} does not match model \"{}\" of dimension {}",
                                                        info.dim, parsed->model, model->dim())});
    }
    info.dim = static_cast<int>(model->dim());
    info.fingerprint = model->fingerprint();
    info.encoder = store::encoder_settings(*model, encoding);
  }
  auto created = state.with_store([&](store::CollectionStore& db) -> Expected<store::CollectionInfo> {
    if (db.info(name)) return make_error(ErrorCode::kUnsupported, "exists");
    if (auto ok = db.create(info); !ok) return tl::unexpected(ok.error());
    return db.info(name);
  });
  if (!created && created.error().code == ErrorCode::kUnsupported) {
    return send_error(response, HttpError{409, "collection_exists", fmt::format("collection '{}' exists already", name)});
  }
  if (!created) return send_error(response, to_http_error(created.error()));
  send_json(response, collection_json(*created), 201);
}

void drop_collection(ServerState& state, const std::string& name, Response& response) {
  auto dropped = state.with_store([&](store::CollectionStore& db) -> Status {
    if (auto info = db.info(name); !info) return tl::unexpected(info.error());
    return db.drop(name);
  });
  if (!dropped) return send_error(response, collection_error(dropped.error()));
  state.projections().forget("collection:" + name);
  send_json(response, {{"dropped", name}});
}

void upsert_points(ServerState& state, const std::string& name, const Request& request, Response& response) {
  auto parsed = parse_upsert_request(request.body);
  if (!parsed) return send_error(response, to_http_error(parsed.error()));
  if (parsed->size() > state.options().max_texts) {
    return send_error(response, HttpError{413, "too_many_inputs",
                                          fmt::format("{} points in one request; the limit is {} (--max-texts)",
                                                      parsed->size(), state.options().max_texts)});
  }
  auto result = state.with_store([&](store::CollectionStore& db) -> Expected<std::size_t> {
    auto info = db.info(name);
    if (!info) return tl::unexpected(info.error());
    std::vector<store::Point> points;
    std::vector<std::size_t> text_rows;
    std::vector<std::string> texts;
    for (auto& input : *parsed) {
      store::Point point{std::move(input.id), {}, std::move(input.metadata_json)};
      if (input.vector) {
        point.vector = std::move(*input.vector);
      } else {
        text_rows.push_back(points.size());
        texts.push_back(std::move(*input.text));
      }
      points.push_back(std::move(point));
    }
    // One transaction: the SIF component a first batch of texts fits is stored with the points, or neither is.
    if (auto ok = db.begin(); !ok) return tl::unexpected(ok.error());
    if (!texts.empty()) {
      auto model = state.collection_model(*info);
      if (!model) return db.rollback(), tl::unexpected(model.error());
      auto vectors = store::encode_documents(db, name, *model, texts, {.threads = state.options().threads});
      if (!vectors) return db.rollback(), tl::unexpected(vectors.error());
      for (std::size_t i = 0; i < text_rows.size(); ++i) {
        points[text_rows[i]].vector.assign(vectors->row(i).begin(), vectors->row(i).end());
      }
    }
    if (auto ok = db.upsert(name, points); !ok) return db.rollback(), tl::unexpected(ok.error());
    if (auto ok = db.commit(); !ok) return tl::unexpected(ok.error());
    return points.size();
  });
  if (!result) return send_error(response, collection_error(result.error()));
  state.projections().forget("collection:" + name);
  send_json(response, {{"upserted", *result}});
}

// POST .../points/get and .../points/delete: `act` runs on the body's ids under the store's lock, once the
// collection is known to exist.
template <class Act>
void with_ids(ServerState& state, const std::string& name, const Request& request, Response& response, Act act) {
  auto ids = parse_ids_request(request.body);
  if (!ids) return send_error(response, to_http_error(ids.error()));
  auto result = state.with_store([&](store::CollectionStore& db) -> Expected<nlohmann::json> {
    if (auto info = db.info(name); !info) return tl::unexpected(info.error());
    return act(db, *ids);
  });
  if (!result) return send_error(response, collection_error(result.error()));
  send_json(response, *result);
}

void get_points(ServerState& state, const std::string& name, const Request& request, Response& response) {
  with_ids(state, name, request, response, [&](store::CollectionStore& db, const std::vector<store::PointId>& ids)
                                               -> Expected<nlohmann::json> {
    auto found = nlohmann::json::array();
    auto missing = nlohmann::json::array();
    for (const auto& id : ids) {
      auto point = db.get(name, id);
      if (!point) return tl::unexpected(point.error());
      if (!*point) {
        missing.push_back(id_json(id));
        continue;
      }
      found.push_back({{"id", id_json(id)}, {"vector", (*point)->vector}, {"metadata", metadata_json((*point)->metadata_json)}});
    }
    return nlohmann::json{{"result", std::move(found)}, {"missing", std::move(missing)}};
  });
}

void delete_points(ServerState& state, const std::string& name, const Request& request, Response& response) {
  with_ids(state, name, request, response, [&](store::CollectionStore& db, const std::vector<store::PointId>& ids)
                                               -> Expected<nlohmann::json> {
    auto deleted = db.remove(name, ids);
    if (!deleted) return tl::unexpected(deleted.error());
    state.projections().forget("collection:" + name);
    return nlohmann::json{{"deleted", *deleted}};
  });
}

void search(ServerState& state, const std::string& name, const Request& request, Response& response) {
  auto parsed = parse_search_request(request.body);
  if (!parsed) return send_error(response, to_http_error(parsed.error()));
  auto hits = state.with_store([&](store::CollectionStore& db) -> tl::expected<std::vector<store::SearchHit>, HttpError> {
    auto info = db.describe(name);
    if (!info) return tl::unexpected(collection_error(info.error()));
    std::vector<float> query;
    int k = parsed->k;
    if (parsed->text) {
      auto model = state.collection_model(*info);
      if (!model) return tl::unexpected(to_http_error(model.error()));
      auto encoded = store::encode_query(db, name, *model, *parsed->text);
      if (!encoded) return tl::unexpected(to_http_error(encoded.error()));
      query = std::move(*encoded);
    } else if (parsed->vector) {
      if (static_cast<int>(parsed->vector->size()) != info->dim) {
        return tl::unexpected(HttpError{400, "invalid_request",
                                        fmt::format("field \"vector\" has dimension {} but collection '{}' has dimension {}",
                                                    parsed->vector->size(), name, info->dim)});
      }
      query = std::move(*parsed->vector);
    } else {
      auto point = db.get(name, *parsed->id);
      if (!point) return tl::unexpected(to_http_error(point.error()));
      if (!*point) {
        return tl::unexpected(HttpError{404, "point_not_found",
                                        fmt::format("collection '{}' has no point with id {}", name, store::id_to_json(*parsed->id))});
      }
      query = std::move((*point)->vector);
      ++k;  // the point itself comes back first; it is dropped below
    }
    const store::SearchOptions options{.k = k, .filter = parsed->filter ? &*parsed->filter : nullptr};
    auto found = db.search(name, query, options);
    if (!found) return tl::unexpected(to_http_error(found.error()));
    if (parsed->id) {
      std::erase_if(*found, [&](const store::SearchHit& hit) { return hit.id == *parsed->id; });
      if (found->size() > static_cast<std::size_t>(parsed->k)) found->resize(static_cast<std::size_t>(parsed->k));
    }
    return std::move(*found);
  });
  if (!hits) return send_error(response, hits.error());
  auto out = nlohmann::json::array();
  for (const auto& hit : *hits) {
    out.push_back({{"id", id_json(hit.id)}, {"score", hit.score}, {"metadata", metadata_json(hit.metadata_json)}});
  }
  send_json(response, {{"result", std::move(out)}});
}

// Adapts a handler of (state, name, request, response) to httplib's, the name being the path's first group.
template <class Handler>
httplib::Server::Handler named(ServerState& state, Handler handler) {
  return [&state, handler](const Request& request, Response& response) {
    handler(state, std::string(request.matches[1]), request, response);
  };
}

}  // namespace

void register_collection_routes(httplib::Server& server, ServerState& state) {
  server.Get("/collections", labelled("/collections", [&state](const Request&, Response& response) {
               list_collections(state, response);
             }));
  server.Get("/collections/([^/]+)", labelled("/collections/{name}", named(state, [](ServerState& s, const std::string& name,
                                                                                     const Request&, Response& response) {
               collection_info(s, name, response);
             })));
  server.Put("/collections/([^/]+)", labelled("/collections/{name}", named(state, create_collection)));
  server.Delete("/collections/([^/]+)", labelled("/collections/{name}", named(state, [](ServerState& s, const std::string& name,
                                                                                        const Request&, Response& response) {
                  drop_collection(s, name, response);
                })));
  server.Post("/collections/([^/]+)/points", labelled("/collections/{name}/points", named(state, upsert_points)));
  server.Post("/collections/([^/]+)/points/get", labelled("/collections/{name}/points/get", named(state, get_points)));
  server.Post("/collections/([^/]+)/points/delete", labelled("/collections/{name}/points/delete", named(state, delete_points)));
  server.Post("/collections/([^/]+)/search", labelled("/collections/{name}/search", named(state, search)));
}

}  // namespace semspace::serve
