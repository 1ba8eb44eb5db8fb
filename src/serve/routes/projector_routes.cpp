// The projector page's endpoints: project a collection or a word-vector model to 2-D/3-D, and place a new text in
// a collection's projection. Projections are cached (ProjectionCache) until the collection's points change.
#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "serve/http_error.hpp"
#include "serve/json_request.hpp"
#include "serve/routes/collection_json.hpp"
#include "serve/routes/routes.hpp"
#include "store/collection_text.hpp"

namespace semspace::serve {
namespace {

using httplib::Request;
using httplib::Response;
using ProjectionResult = tl::expected<std::shared_ptr<const Projection>, HttpError>;

// The first `limit` points of the collection in id order (integers before strings), kept in a max-heap of size
// `limit` while the store streams every point past: memory stays bounded by `limit`.
struct Sample {
  std::vector<nlohmann::json> ids;
  std::vector<std::string> metadata;
  Matrix vectors;
};

Expected<Sample> first_points(store::CollectionStore& db, const std::string& name, std::size_t limit) {
  auto info = db.info(name);
  if (!info) return tl::unexpected(info.error());
  std::vector<store::Point> heap;
  auto by_id = [](const store::Point& a, const store::Point& b) { return a.id < b.id; };
  auto ok = db.for_each_point(name, [&](const store::Point& point) -> Status {
    if (heap.size() == limit && !(point.id < heap.front().id)) return {};
    heap.push_back(point);
    std::push_heap(heap.begin(), heap.end(), by_id);
    if (heap.size() > limit) {
      std::pop_heap(heap.begin(), heap.end(), by_id);
      heap.pop_back();
    }
    return {};
  });
  if (!ok) return tl::unexpected(ok.error());
  std::sort_heap(heap.begin(), heap.end(), by_id);
  Sample sample{{}, {}, Matrix(heap.size(), static_cast<std::size_t>(info->dim))};
  for (std::size_t i = 0; i < heap.size(); ++i) {
    sample.ids.push_back(id_json(heap[i].id));
    sample.metadata.push_back(std::move(heap[i].metadata_json));
    std::copy(heap[i].vector.begin(), heap[i].vector.end(), sample.vectors.row(i).begin());
  }
  return sample;
}

ProjectionResult collection_projection(ServerState& state, const std::string& name, const ProjectRequest& request) {
  const std::string source = "collection:" + name;
  const std::string key = ProjectionCache::key(source, request);
  if (auto cached = state.projections().find(key)) return cached;
  auto sample = state.with_store([&](store::CollectionStore& db) { return first_points(db, name, request.limit); });
  if (!sample) return tl::unexpected(collection_error(sample.error()));
  // Computed outside the store's lock: a projection of thousands of points takes a while.
  auto projection = project(std::move(sample->ids), sample->metadata, sample->vectors, request);
  if (projection) state.projections().put(key, *projection);
  return projection;
}

ProjectionResult model_projection(ServerState& state, const std::string& id, const ProjectRequest& request) {
  auto words = word_vector_model(state, id);
  if (!words) return tl::unexpected(words.error());
  const WordVectors& model = **words;
  const std::string key = ProjectionCache::key("model:" + id, request);
  if (auto cached = state.projections().find(key)) return cached;
  // The most frequent words: by count when the model has counts, else in file order (which word2vec, GloVe and
  // fastText write most frequent first).
  std::vector<std::uint32_t> order(model.size());
  std::iota(order.begin(), order.end(), 0u);
  if (model.has_counts()) {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return model.counts()[a] > model.counts()[b]; });
  }
  order.resize(std::min(order.size(), request.limit));
  std::vector<nlohmann::json> ids;
  Matrix vectors(order.size(), static_cast<std::size_t>(model.dim()));
  for (std::size_t i = 0; i < order.size(); ++i) {
    ids.push_back(model.words()[order[i]]);
    auto row = model.vector(order[i]);
    std::copy(row.begin(), row.end(), vectors.row(i).begin());
  }
  auto projection = project(std::move(ids), {}, vectors, request);
  if (projection) state.projections().put(key, *projection);
  return projection;
}

void send_projection(Response& response, const ProjectionResult& projection) {
  if (!projection) return send_error(response, projection.error());
  response.status = 200;
  response.set_content((*projection)->body, "application/json");
}

void locate_text(ServerState& state, const std::string& name, const Request& request, Response& response) {
  auto parsed = parse_locate_request(request.body);
  if (!parsed) return send_error(response, to_http_error(parsed.error()));
  auto projection = collection_projection(state, name, parsed->projection);
  if (!projection) return send_error(response, projection.error());
  auto vector = state.with_store([&](store::CollectionStore& db) -> Expected<std::vector<float>> {
    auto info = db.info(name);
    if (!info) return tl::unexpected(info.error());
    auto model = state.collection_model(*info);
    if (!model) return tl::unexpected(model.error());
    return store::encode_query(db, name, *model, parsed->text);
  });
  if (!vector) return send_error(response, collection_error(vector.error()));
  auto located = locate(**projection, *vector);
  if (!located) return send_error(response, located.error());
  send_json(response, *located);
}

}  // namespace

void register_projector_routes(httplib::Server& server, ServerState& state) {
  server.Post("/collections/([^/]+)/project", labelled("/collections/{name}/project", [&state](const Request& request,
                                                                                               Response& response) {
    auto parsed = parse_project_request(request.body);
    if (!parsed) return send_error(response, to_http_error(parsed.error()));
    send_projection(response, collection_projection(state, request.matches[1], *parsed));
  }));
  server.Post("/collections/([^/]+)/locate", labelled("/collections/{name}/locate", [&state](const Request& request,
                                                                                             Response& response) {
    locate_text(state, request.matches[1], request, response);
  }));
  server.Post("/models/(.+)/project", labelled("/models/{model}/project", [&state](const Request& request,
                                                                                  Response& response) {
    auto parsed = parse_project_request(request.body);
    if (!parsed) return send_error(response, to_http_error(parsed.error()));
    send_projection(response, model_projection(state, request.matches[1], *parsed));
  }));
}

}  // namespace semspace::serve
