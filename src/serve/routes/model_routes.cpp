// GET /models (and /v1/models for OpenAI clients); word queries of a word-vector model: neighbours, analogy,
// similarity.
#include <fmt/format.h>

#include "analysis/word_queries.hpp"
#include "serve/http_error.hpp"
#include "serve/json_request.hpp"
#include "serve/routes/routes.hpp"

namespace semspace::serve {
namespace {

nlohmann::json model_json(const ServedModel& model) {
  return {{"id", model.id}, {"object", "model"}, {"created", 0}, {"owned_by", "semspace"},
          {"kind", model.model.kind_name()}, {"dimension", model.model.dim()}};
}

void list_models(ServerState& state, httplib::Response& response) {
  auto data = nlohmann::json::array();
  for (const auto& model : state.models()) data.push_back(model_json(*model));
  send_json(response, {{"object", "list"}, {"data", std::move(data)}});
}

HttpError word_error(const Error& error) {
  HttpError http = to_http_error(error);
  if (error.code == ErrorCode::kNotFound) http.code = "word_not_found";
  return http;
}

nlohmann::json neighbors_json(const std::vector<Neighbor>& neighbors) {
  auto out = nlohmann::json::array();
  for (const auto& neighbor : neighbors) out.push_back({{"word", neighbor.word}, {"score", neighbor.score}});
  return {{"result", std::move(out)}};
}

// POST /models/{model}/<verb>: parse the body, run the query on the model's word vectors, answer its JSON.
template <class Parse, class Query>
void add_word_route(httplib::Server& server, ServerState& state, const std::string& verb, Parse parse, Query query) {
  server.Post("/models/(.+)/" + verb, labelled("/models/{model}/" + verb, [&state, parse, query](
                                                                              const httplib::Request& request,
                                                                              httplib::Response& response) {
    auto words = word_vector_model(state, request.matches[1]);
    if (!words) return send_error(response, words.error());
    auto parsed = parse(request.body);
    if (!parsed) return send_error(response, to_http_error(parsed.error()));
    auto result = query(**words, *parsed);
    if (!result) return send_error(response, word_error(result.error()));
    send_json(response, *result);
  }));
}

}  // namespace

tl::expected<const WordVectors*, HttpError> word_vector_model(ServerState& state, const std::string& id) {
  const ServedModel* model = state.find_model(id);
  if (!model) return tl::unexpected(HttpError{404, "model_not_found", fmt::format("model \"{}\" is not served here", id)});
  const WordVectors* words = model->model.word_vectors();
  if (!words) {
    return tl::unexpected(HttpError{400, "word_vectors_required",
                                    fmt::format("model \"{}\" is a transformer; this needs word vectors", id)});
  }
  return words;
}

void register_model_routes(httplib::Server& server, ServerState& state) {
  auto list = [&state](const httplib::Request&, httplib::Response& response) { list_models(state, response); };
  server.Get("/models", labelled("/models", list));
  server.Get("/v1/models", labelled("/v1/models", list));
  // Ids may contain '/' (ORG/NAME): the greedy group takes everything up to the last path segment.
  add_word_route(server, state, "neighbors", parse_neighbors_request, [](const WordVectors& words, const auto& request) {
    return nearest_neighbors(words, request.word, request.k).map(neighbors_json);
  });
  add_word_route(server, state, "analogy", parse_analogy_request, [](const WordVectors& words, const auto& request) {
    return analogy(words, request.a, request.b, request.c, request.k).map(neighbors_json);
  });
  add_word_route(server, state, "similarity", parse_similarity_request, [](const WordVectors& words, const auto& request) {
    return similarity(words, request.a, request.b).map([](float score) { return nlohmann::json{{"score", score}}; });
  });
}

}  // namespace semspace::serve
