// The server's routes, one file per concern: embeddings (OpenAI, TEI), models (list, word queries), collections
// (CRUD and search), the projector's endpoints (project, locate) and the static page. Each register_* adds its
// routes to the server; they share the ServerState.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <httplib.h>

#include "semspace/word_vectors.hpp"
#include "serve/http_error.hpp"
#include "serve/server_state.hpp"

namespace semspace::serve {

void register_embedding_routes(httplib::Server& server, ServerState& state);
void register_model_routes(httplib::Server& server, ServerState& state);
void register_collection_routes(httplib::Server& server, ServerState& state);
void register_projector_routes(httplib::Server& server, ServerState& state);
/// Last: its catch-all GET must come after every API route.
void register_static_routes(httplib::Server& server, ServerState& state);

/// The served word-vector model `id`: 404 model_not_found, or 400 word_vectors_required for a transformer.
tl::expected<const WordVectors*, HttpError> word_vector_model(ServerState& state, const std::string& id);

/// The file under `root` that the URL path names (a folder: its index.html): 403 forbidden for paths that would
/// leave `root` ("..", symlinks pointing out), 404 not_found for anything absent or not a regular file.
tl::expected<std::filesystem::path, HttpError> resolve_static_path(const std::filesystem::path& root,
                                                                   std::string_view url_path);

/// Wraps a handler so the metrics count its requests under `label` (the route pattern, not the concrete path,
/// so the number of series stays bounded).
httplib::Server::Handler labelled(std::string label, httplib::Server::Handler handler);
/// The label of the route that is handling the current request on this thread ("unmatched" if none).
const std::string& current_route_label();
/// Resets the label at the start of each request.
void reset_route_label();

}  // namespace semspace::serve
