#include "analysis/word_queries.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "analysis/score_blocks.hpp"
#include "analysis/top_k.hpp"

namespace semspace {
namespace {

constexpr float kCosMulEpsilon = 1e-3f;  // Levy & Goldberg's epsilon, keeps the division finite

void normalize(std::vector<float>& v) {
  double norm = 0;
  for (float x : v) norm += static_cast<double>(x) * x;
  if (norm <= 0) return;
  const float inv = static_cast<float>(1.0 / std::sqrt(norm));
  for (float& x : v) x *= inv;
}

// A unit vector for any word: the precomputed unit row for vocabulary words, subwords otherwise.
Expected<std::vector<float>> unit_vector(const WordVectors& model, std::string_view word) {
  if (auto index = model.find(word)) {
    auto row = model.unit_words_matrix().row(*index);
    return std::vector<float>(row.begin(), row.end());
  }
  auto v = model.vector(word);
  if (!v) return tl::unexpected(v.error());
  normalize(*v);
  return std::move(*v);
}

Status check_k(int k) {
  if (k < 1) return make_error(ErrorCode::kInvalidArgument, fmt::format("k must be at least 1, got {}", k));
  return {};
}

// Scores of the first `limit` unit rows; excluded ids set to -infinity so no top-k ever keeps them.
std::vector<float> unit_scores(const WordVectors& model, std::span<const float> query, std::size_t limit) {
  MatrixView rows = model.unit_words_matrix().view();
  rows.rows = limit;
  std::vector<float> scores(limit);
  dot_rows(query, rows, scores);
  return scores;
}

void mask(std::vector<float>& scores, std::span<const std::uint32_t> ids) {
  for (std::uint32_t id : ids) {
    if (id < scores.size()) scores[id] = -INFINITY;
  }
}

std::vector<Neighbor> best(const WordVectors& model, std::span<const float> scores, int k) {
  TopK top(static_cast<std::size_t>(k));
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (scores[i] != -INFINITY) top.push(scores[i], static_cast<std::uint32_t>(i));
  }
  std::vector<Neighbor> out;
  for (const ScoredId& s : top.take_sorted()) out.push_back({model.words()[s.id], s.score});
  return out;
}

std::vector<std::uint32_t> lookup_ids(const WordVectors& model, std::span<const std::string> words) {
  std::vector<std::uint32_t> ids;
  for (const auto& w : words) {
    if (auto id = model.find(w)) ids.push_back(*id);
  }
  return ids;
}

}  // namespace

Expected<float> similarity(const WordVectors& model, std::string_view a, std::string_view b) {
  auto va = unit_vector(model, a);
  if (!va) return tl::unexpected(va.error());
  auto vb = unit_vector(model, b);
  if (!vb) return tl::unexpected(vb.error());
  double dot = 0;
  for (std::size_t i = 0; i < va->size(); ++i) dot += static_cast<double>((*va)[i]) * (*vb)[i];
  return static_cast<float>(dot);
}

Expected<std::vector<Neighbor>> nearest_neighbors(const WordVectors& model, std::span<const float> query, int k,
                                                  std::span<const std::string> exclude) {
  if (auto ok = check_k(k); !ok) return tl::unexpected(ok.error());
  if (query.size() != static_cast<std::size_t>(model.dim())) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("query has {} dims but the model has {}", query.size(), model.dim()));
  }
  std::vector<float> unit(query.begin(), query.end());
  normalize(unit);
  auto scores = unit_scores(model, unit, model.size());
  mask(scores, lookup_ids(model, exclude));
  return best(model, scores, k);
}

Expected<std::vector<Neighbor>> nearest_neighbors(const WordVectors& model, std::string_view word, int k,
                                                  std::span<const std::string> exclude) {
  if (auto ok = check_k(k); !ok) return tl::unexpected(ok.error());
  auto query = unit_vector(model, word);
  if (!query) return tl::unexpected(query.error());
  auto scores = unit_scores(model, *query, model.size());
  mask(scores, lookup_ids(model, exclude));
  if (auto self = model.find(word)) scores[*self] = -INFINITY;
  return best(model, scores, k);
}

Expected<std::vector<Neighbor>> analogy(const WordVectors& model, std::string_view a, std::string_view b,
                                        std::string_view c, int k, AnalogyMethod method, std::size_t restrict_vocab) {
  if (auto ok = check_k(k); !ok) return tl::unexpected(ok.error());
  auto va = unit_vector(model, a);
  if (!va) return tl::unexpected(va.error());
  auto vb = unit_vector(model, b);
  if (!vb) return tl::unexpected(vb.error());
  auto vc = unit_vector(model, c);
  if (!vc) return tl::unexpected(vc.error());
  const std::size_t limit = restrict_vocab == 0 ? model.size() : std::min(restrict_vocab, model.size());

  std::vector<float> scores;
  if (method == AnalogyMethod::k3CosAdd) {
    std::vector<float> target(va->size());
    for (std::size_t i = 0; i < target.size(); ++i) target[i] = (*vb)[i] - (*va)[i] + (*vc)[i];
    // Normalizing the target turns the dot products into cosines without changing the ranking.
    normalize(target);
    scores = unit_scores(model, target, limit);
  } else {
    auto cos_a = unit_scores(model, *va, limit);
    auto cos_b = unit_scores(model, *vb, limit);
    scores = unit_scores(model, *vc, limit);
    for (std::size_t i = 0; i < limit; ++i) {
      scores[i] = (cos_b[i] + 1) * 0.5f * (scores[i] + 1) * 0.5f / ((cos_a[i] + 1) * 0.5f + kCosMulEpsilon);
    }
  }
  for (std::string_view w : {a, b, c}) {
    if (auto id = model.find(w); id && *id < limit) scores[*id] = -INFINITY;
  }
  return best(model, scores, k);
}

}  // namespace semspace
