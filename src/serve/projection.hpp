// 2-D/3-D projections of a set of points for the projector page (PCA now; t-SNE once analysis::tsne lands),
// where a new vector lands in one, and a small cache of computed projections keyed by everything that decides
// them. Thread-safe cache: one mutex around a map of immutable, shared projections.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "analysis/pca.hpp"
#include "semspace/matrix.hpp"
#include "serve/http_error.hpp"
#include "serve/json_request.hpp"

namespace semspace::serve {

struct Projection {
  std::string method;
  int dim = 2;
  std::vector<nlohmann::json> ids;       // point ids (collections) or words (models)
  Matrix unit_vectors;                   // the points in the original space, unit length: neighbours of a located text
  Matrix coords;                         // rows = points, cols = dim
  std::optional<PcaModel> pca;           // PCA: the fitted transform, to place new vectors
  double perplexity = 0;                 // t-SNE: the perplexity used (the request's, lowered to what the points carry)
  std::string body;                      // the /project answer, serialised once
};

/// Projects the rows of `vectors` (one per id; metadata one JSON object text per id, or empty for {}).
/// t-SNE lowers a perplexity the points cannot carry to (rows - 1) / 3 and says so in the answer; 400 for too few
/// points (PCA: 2, t-SNE: 4) and for errors of the fit.
tl::expected<std::shared_ptr<const Projection>, HttpError> project(std::vector<nlohmann::json> ids,
                                                                   const std::vector<std::string>& metadata,
                                                                   const Matrix& vectors, const ProjectRequest& request);

/// Where `vector` lands in the projection and its 10 nearest projected points (cosine in the original space):
/// {"coords": [..], "neighbors": [{"id", "score"}]}. PCA: the fitted transform; otherwise the score-weighted
/// mean of the coordinates of those 10 points.
tl::expected<nlohmann::json, HttpError> locate(const Projection& projection, std::span<const float> vector);

class ProjectionCache {
 public:
  static constexpr std::size_t kCapacity = 16;
  /// "collection:NAME" or "model:ID" plus the request's parameters.
  static std::string key(const std::string& source, const ProjectRequest& request);
  std::shared_ptr<const Projection> find(const std::string& key) const;
  void put(const std::string& key, std::shared_ptr<const Projection> projection);
  /// Forgets every projection of `source` (its points changed).
  void forget(const std::string& source);

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::shared_ptr<const Projection>>> entries_;  // oldest first
};

}  // namespace semspace::serve
