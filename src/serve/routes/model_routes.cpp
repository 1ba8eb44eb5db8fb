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

template <class Body>
void word_query(ServerState& state, const httplib::Request& request, httplib::Response& response, Body body) {
  auto words = word_vector_model(state, request.matches[1]);
  if (!words) return send_error(response, words.error());
  body(**words);
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
  server.Post("/models/(.+)/neighbors", labelled("/models/{model}/neighbors", [&state](const httplib::Request& request,
                                                                                        httplib::Response& response) {
    word_query(state, request, response, [&](const WordVectors& words) {
      auto parsed = parse_neighbors_request(request.body);
      if (!parsed) return send_error(response, to_http_error(parsed.error()));
      auto result = nearest_neighbors(words, parsed->word, parsed->k);
      if (!result) return send_error(response, word_error(result.error()));
      send_json(response, neighbors_json(*result));
    });
  }));
  server.Post("/models/(.+)/analogy", labelled("/models/{model}/analogy", [&state](const httplib::Request& request,
                                                                                    httplib::Response& response) {
    word_query(state, request, response, [&](const WordVectors& words) {
      auto parsed = parse_analogy_request(request.body);
      if (!parsed) return send_error(response, to_http_error(parsed.error()));
      auto result = analogy(words, parsed->a, parsed->b, parsed->c, parsed->k);
      if (!result) return send_error(response, word_error(result.error()));
      send_json(response, neighbors_json(*result));
    });
  }));
  server.Post("/models/(.+)/similarity", labelled("/models/{model}/similarity", [&state](const httplib::Request& request,
                                                                                          httplib::Response& response) {
    word_query(state, request, response, [&](const WordVectors& words) {
      auto parsed = parse_similarity_request(request.body);
      if (!parsed) return send_error(response, to_http_error(parsed.error()));
      auto result = similarity(words, parsed->a, parsed->b);
      if (!result) return send_error(response, word_error(result.error()));
      send_json(response, {{"score", *result}});
    });
  }));
}

}  // namespace semspace::serve
