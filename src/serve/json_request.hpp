// Request bodies of every JSON endpoint, parsed into plain structs. Parsing is separate from doing, so the fuzz
// target (tests/fuzz/fuzz_http_request.cpp) reaches every parser without a server. Errors are kInvalidArgument
// and name the field and what was expected, e.g. `field "input"[2]: expected a string, found number`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "semspace/status.hpp"
#include "store/collection_store.hpp"
#include "store/metadata_filter.hpp"

namespace semspace::serve {

/// POST /v1/embeddings (OpenAI).
struct EmbeddingsRequest {
  std::vector<std::string> input;   // a string is a list of one
  std::string model;                // "" (absent): the first served model
  bool base64 = false;              // encoding_format "base64": little-endian float32, as OpenAI's
  std::optional<int> dimensions;    // truncate to the first n values and renormalise
};
Expected<EmbeddingsRequest> parse_embeddings_request(std::string_view body);

/// POST /embed (Text Embeddings Inference).
struct TeiEmbedRequest {
  std::vector<std::string> inputs;
  std::string model;                // not in TEI (one model per server); ours may serve several; "": the first
  bool normalize = true;
  bool truncate = true;             // texts longer than the model's max length are always truncated; false is refused
};
Expected<TeiEmbedRequest> parse_tei_embed_request(std::string_view body);

/// PUT /collections/{name}.
struct CreateCollectionRequest {
  int dimension = 0;                // 0: the model's
  std::string metric = "cosine";
  std::string model;                // "" = vectors only
  std::string pooling = "sif";      // word-vector models: sif or mean
};
Expected<CreateCollectionRequest> parse_create_collection_request(std::string_view body);

/// One point of an upsert: a vector or a text, never both.
struct PointInput {
  store::PointId id;
  std::optional<std::vector<float>> vector;
  std::optional<std::string> text;
  std::string metadata_json = "{}";
};
/// POST /collections/{name}/points.
Expected<std::vector<PointInput>> parse_upsert_request(std::string_view body);
/// POST /collections/{name}/points/get and /points/delete: {"ids": [..]}.
Expected<std::vector<store::PointId>> parse_ids_request(std::string_view body);

/// POST /collections/{name}/search: exactly one of text, vector, id.
struct SearchRequest {
  std::optional<std::string> text;
  std::optional<std::vector<float>> vector;
  std::optional<store::PointId> id;
  int k = 10;
  std::optional<store::FilterNode> filter;
};
Expected<SearchRequest> parse_search_request(std::string_view body);

/// POST .../project (and the projection part of .../locate).
struct ProjectRequest {
  std::string method = "pca";       // pca | tsne
  int dim = 2;                      // 2 | 3
  std::size_t limit = 5000;
  double perplexity = 30.0;
  std::uint64_t seed = 42;
};
Expected<ProjectRequest> parse_project_request(std::string_view body);

struct LocateRequest {
  ProjectRequest projection;
  std::string text;
};
Expected<LocateRequest> parse_locate_request(std::string_view body);

/// POST /models/{model}/neighbors.
struct NeighborsRequest {
  std::string word;
  int k = 10;
};
Expected<NeighborsRequest> parse_neighbors_request(std::string_view body);

/// POST /models/{model}/analogy: a is to b as c is to ?
struct AnalogyRequest {
  std::string a, b, c;
  int k = 10;
};
Expected<AnalogyRequest> parse_analogy_request(std::string_view body);

/// POST /models/{model}/similarity.
struct SimilarityRequest {
  std::string a, b;
};
Expected<SimilarityRequest> parse_similarity_request(std::string_view body);

/// The largest k a search or neighbours request may ask for.
inline constexpr int kMaxK = 10000;
/// The largest projection a request may ask for (points).
inline constexpr std::size_t kMaxProjectLimit = 100000;

}  // namespace semspace::serve
