#include "serve/projection.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "analysis/tsne.hpp"

namespace semspace::serve {
namespace {

constexpr std::size_t kLocateNeighbors = 10;

Matrix unit_rows(const Matrix& vectors) {
  Matrix unit(vectors.rows(), vectors.cols());
  for (std::size_t r = 0; r < vectors.rows(); ++r) {
    auto in = vectors.row(r);
    double norm = 0;
    for (float x : in) norm += static_cast<double>(x) * x;
    const float scale = norm > 0 ? static_cast<float>(1.0 / std::sqrt(norm)) : 0.0f;
    auto out = unit.row(r);
    for (std::size_t c = 0; c < in.size(); ++c) out[c] = in[c] * scale;
  }
  return unit;
}

nlohmann::json coords_json(std::span<const float> row) {
  auto out = nlohmann::json::array();
  for (float x : row) out.push_back(x);
  return out;
}

}  // namespace

tl::expected<std::shared_ptr<const Projection>, HttpError> project(std::vector<nlohmann::json> ids,
                                                                   const std::vector<std::string>& metadata,
                                                                   const Matrix& vectors, const ProjectRequest& request) {
  if (vectors.rows() < 2) {
    return tl::unexpected(HttpError{400, "invalid_request",
                                    fmt::format("a projection needs at least 2 points, found {}", vectors.rows())});
  }
  auto projection = std::make_shared<Projection>();
  projection->method = request.method;
  projection->dim = request.dim;
  const MatrixView view{vectors.data(), vectors.rows(), vectors.cols(), vectors.cols()};
  if (request.method == "pca") {
    auto pca = fit_pca(view, {.components = request.dim});
    if (!pca) return tl::unexpected(to_http_error(pca.error()));
    auto coords = pca->transform(view);
    if (!coords) return tl::unexpected(to_http_error(coords.error()));
    projection->coords = std::move(*coords);
    projection->pca.emplace(std::move(*pca));
  } else {
    // t-SNE has no transform for new points: locate() places texts by their neighbours' coordinates instead.
    // A page projecting a small collection should still get a map: the perplexity is lowered to the largest that
    // the points carry (3 * perplexity + 1 rows), and the answer says which was used.
    const double fits = static_cast<double>(vectors.rows() - 1) / 3.0;
    if (fits < 1.0) {
      return tl::unexpected(HttpError{400, "invalid_request",
                                      fmt::format("t-SNE needs at least 4 points, found {}", vectors.rows())});
    }
    projection->perplexity = std::min(request.perplexity, fits);
    auto result = analysis::tsne(view, {.dim = static_cast<std::size_t>(request.dim),
                                        .perplexity = projection->perplexity,
                                        .seed = request.seed});
    if (!result) return tl::unexpected(to_http_error(result.error()));
    projection->coords = std::move(result->embedding);
  }
  projection->unit_vectors = unit_rows(vectors);
  auto points = nlohmann::json::array();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    nlohmann::json meta = nlohmann::json::object();
    if (i < metadata.size()) meta = nlohmann::json::parse(metadata[i], nullptr, false);
    if (meta.is_discarded()) meta = nlohmann::json::object();
    points.push_back({{"id", ids[i]}, {"coords", coords_json(projection->coords.row(i))}, {"metadata", std::move(meta)}});
  }
  nlohmann::json body{{"method", request.method}, {"dim", request.dim}, {"points", std::move(points)}};
  if (request.method == "tsne") body["perplexity"] = projection->perplexity;
  projection->body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  projection->ids = std::move(ids);
  return projection;
}

tl::expected<nlohmann::json, HttpError> locate(const Projection& projection, std::span<const float> vector) {
  if (vector.size() != projection.unit_vectors.cols()) {
    return tl::unexpected(HttpError{400, "invalid_request",
                                    fmt::format("vector has dimension {} but the projected points have {}",
                                                vector.size(), projection.unit_vectors.cols())});
  }
  double norm = 0;
  for (float x : vector) norm += static_cast<double>(x) * x;
  const double inverse = norm > 0 ? 1.0 / std::sqrt(norm) : 0.0;
  const std::size_t n = projection.unit_vectors.rows();
  std::vector<float> scores(n);
  for (std::size_t r = 0; r < n; ++r) {
    auto row = projection.unit_vectors.row(r);
    double dot = 0;
    for (std::size_t c = 0; c < row.size(); ++c) dot += static_cast<double>(row[c]) * vector[c];
    scores[r] = static_cast<float>(dot * inverse);
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  const std::size_t k = std::min(kLocateNeighbors, n);
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                    [&](std::size_t a, std::size_t b) { return scores[a] > scores[b] || (scores[a] == scores[b] && a < b); });
  order.resize(k);
  auto neighbors = nlohmann::json::array();
  for (std::size_t i : order) neighbors.push_back({{"id", projection.ids[i]}, {"score", scores[i]}});
  std::vector<float> coords(static_cast<std::size_t>(projection.dim), 0.0f);
  if (projection.pca) {
    const MatrixView one{vector.data(), 1, vector.size(), vector.size()};
    auto placed = projection.pca->transform(one);
    if (!placed) return tl::unexpected(to_http_error(placed.error()));
    coords.assign(placed->row(0).begin(), placed->row(0).end());
  } else {
    // No transform to apply (t-SNE): the score-weighted mean of the neighbours' coordinates; negative scores
    // weigh nothing, and when none is positive the plain mean stands.
    double total = 0;
    for (std::size_t i : order) total += std::max(0.0f, scores[i]);
    for (std::size_t i : order) {
      const double weight = total > 0 ? std::max(0.0f, scores[i]) / total : 1.0 / static_cast<double>(k);
      for (int d = 0; d < projection.dim; ++d) coords[d] += static_cast<float>(weight * projection.coords.row(i)[d]);
    }
  }
  return nlohmann::json{{"coords", coords_json(coords)}, {"neighbors", std::move(neighbors)}};
}

std::string ProjectionCache::key(const std::string& source, const ProjectRequest& request) {
  return fmt::format("{}\n{}\n{}\n{}\n{}\n{}", source, request.method, request.dim, request.limit, request.perplexity,
                     request.seed);
}

std::shared_ptr<const Projection> ProjectionCache::find(const std::string& key) const {
  std::lock_guard lock(mutex_);
  for (const auto& [entry_key, projection] : entries_) {
    if (entry_key == key) return projection;
  }
  return nullptr;
}

void ProjectionCache::put(const std::string& key, std::shared_ptr<const Projection> projection) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [&](const auto& entry) { return entry.first == key; });
  if (entries_.size() >= kCapacity) entries_.erase(entries_.begin());
  entries_.emplace_back(key, std::move(projection));
}

void ProjectionCache::forget(const std::string& source) {
  std::lock_guard lock(mutex_);
  const std::string prefix = source + "\n";
  std::erase_if(entries_, [&](const auto& entry) { return entry.first.starts_with(prefix); });
}

}  // namespace semspace::serve
