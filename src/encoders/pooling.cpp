#include "encoders/pooling.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace semspace {
namespace {

constexpr double kPowerTolerance = 1e-7;
constexpr int kPowerMaxSteps = 10000;

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// The normaliser of p(w): the total count with counts, else the harmonic number H_N of Zipf's law on the rank
// (word2vec/GloVe text files carry no counts). One pass over the vocabulary; the weights themselves are computed
// per token as needed, so encoding one query does not cost a vector of the whole vocabulary's weights.
double sif_normaliser(const WordVectors& model) {
  double total = 0;
  if (model.has_counts()) {
    for (std::uint64_t c : model.counts()) total += static_cast<double>(c);
    return total;
  }
  for (std::size_t i = model.size(); i > 0; --i) total += 1.0 / static_cast<double>(i);  // small terms first
  return total;
}

}  // namespace

Status PoolingOptions::validate() const {
  if (!(std::isfinite(sif_a) && sif_a > 0)) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("sif_a must be a positive number, got {}", sif_a));
  }
  return {};
}

void whitespace_lowercase_tokenize(std::string_view text, std::vector<std::string>& tokens) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_ascii_space(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_ascii_space(text[i])) ++i;
    if (i == start) continue;
    std::string token(text.substr(start, i - start));
    for (char& c : token) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    tokens.push_back(std::move(token));
  }
}

Expected<SentenceEncoder> SentenceEncoder::create(const WordVectors& model, const PoolingOptions& options) {
  if (auto ok = options.validate(); !ok) return tl::unexpected(ok.error());
  return SentenceEncoder(model, options);
}

SentenceEncoder::SentenceEncoder(const WordVectors& model, const PoolingOptions& options)
    : model_(&model), options_(options) {
  auto ok = options_.validate();
  SEMSPACE_CHECK(ok.has_value(), "invalid PoolingOptions: {}", ok ? "" : ok.error().message);
  if (options_.method == Pooling::kSif) normaliser_ = sif_normaliser(model);
}

float SentenceEncoder::weight(std::uint32_t index) const {
  if (options_.method != Pooling::kSif) return 1.0f;
  const double a = options_.sif_a;
  double p;
  if (model_->has_counts()) {
    p = normaliser_ > 0 ? static_cast<double>(model_->counts()[index]) / normaliser_ : 0.0;
  } else {
    p = 1.0 / (static_cast<double>(index + 1) * normaliser_);
  }
  return static_cast<float>(a / (a + p));
}

Status SentenceEncoder::set_common_component(std::span<const float> u) {
  if (!u.empty() && u.size() != static_cast<std::size_t>(dim())) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("common component has {} entries but the model has dim {}", u.size(), dim()));
  }
  component_.assign(u.begin(), u.end());
  return {};
}

Matrix SentenceEncoder::encode(std::span<const std::string> texts, const Tokenize& tokenize) const {
  const std::size_t dims = static_cast<std::size_t>(dim());
  Matrix out(texts.size(), dims);
  std::vector<std::string> tokens;
  std::vector<double> sum(dims);
  for (std::size_t t = 0; t < texts.size(); ++t) {
    tokens.clear();
    tokenize(texts[t], tokens);
    std::fill(sum.begin(), sum.end(), 0.0);
    std::size_t used = 0;
    for (const std::string& token : tokens) {
      if (auto index = model_->find(token)) {
        const double w = weight(*index);
        auto v = model_->vector(*index);
        for (std::size_t d = 0; d < dims; ++d) sum[d] += w * v[d];
        ++used;
      } else if (model_->has_subwords()) {
        auto v = model_->vector(token);
        if (!v) continue;
        for (std::size_t d = 0; d < dims; ++d) sum[d] += (*v)[d];  // weight 1: p = 0 (see weight())
        ++used;
      }
    }
    if (used == 0) continue;
    auto row = out.row(t);
    for (std::size_t d = 0; d < dims; ++d) row[d] = static_cast<float>(sum[d] / static_cast<double>(used));
  }
  if (options_.method != Pooling::kSif) return out;
  if (options_.remove_component && texts.size() >= 2) {
    remove_common_component(out, fit_common_component(out));
  } else {
    remove_common_component(out, component_);
  }
  return out;
}

std::vector<float> fit_common_component(const Matrix& x) {
  const std::size_t n = x.rows(), dims = x.cols();
  // Gram matrix X^T X (dims x dims): the power iteration then costs dims^2 per step, independent of n.
  std::vector<double> gram(dims * dims, 0.0);
  std::vector<double> start(dims, 0.0);
  std::size_t longest = 0;
  double longest_norm = 0;
  for (std::size_t r = 0; r < n; ++r) {
    auto row = x.row(r);
    double norm = 0;
    for (std::size_t i = 0; i < dims; ++i) {
      const double xi = row[i];
      start[i] += xi;
      norm += xi * xi;
      for (std::size_t j = 0; j <= i; ++j) gram[i * dims + j] += xi * row[j];
    }
    if (norm > longest_norm) {
      longest_norm = norm;
      longest = r;
    }
  }
  std::vector<float> u(dims, 0.0f);
  if (longest_norm == 0) return u;
  for (std::size_t i = 0; i < dims; ++i) {
    for (std::size_t j = 0; j < i; ++j) gram[j * dims + i] = gram[i * dims + j];
  }
  auto normalize = [](std::vector<double>& v) {
    double norm = 0;
    for (double a : v) norm += a * a;
    norm = std::sqrt(norm);
    if (norm > 0) {
      for (double& a : v) a /= norm;
    }
    return norm;
  };
  // The sum of the rows points near the top direction for uncentered data (fast convergence); if the rows cancel
  // out, the longest row is a deterministic start that X^T X cannot map to zero.
  double start_norm = normalize(start);
  if (start_norm <= 1e-12 * std::sqrt(longest_norm)) {
    auto row = x.row(longest);
    start.assign(row.begin(), row.end());
    normalize(start);
  }
  std::vector<double> v = std::move(start), next(dims);
  for (int step = 0; step < kPowerMaxSteps; ++step) {
    for (std::size_t i = 0; i < dims; ++i) {
      double s = 0;
      for (std::size_t j = 0; j < dims; ++j) s += gram[i * dims + j] * v[j];
      next[i] = s;
    }
    if (normalize(next) == 0) break;  // start orthogonal to the row space: cannot happen for the starts above
    double moved = 0;
    for (std::size_t i = 0; i < dims; ++i) moved = std::max(moved, std::abs(next[i] - v[i]));
    v.swap(next);
    if (moved < kPowerTolerance) break;
  }
  std::size_t largest = 0;
  for (std::size_t i = 1; i < dims; ++i) {
    if (std::abs(v[i]) > std::abs(v[largest])) largest = i;
  }
  const double sign = v[largest] < 0 ? -1.0 : 1.0;
  for (std::size_t i = 0; i < dims; ++i) u[i] = static_cast<float>(sign * v[i]);
  return u;
}

void remove_common_component(Matrix& x, std::span<const float> u) {
  if (u.empty()) return;
  SEMSPACE_CHECK(u.size() == x.cols(), "component has {} entries, matrix has {} columns", u.size(), x.cols());
  for (std::size_t r = 0; r < x.rows(); ++r) {
    auto row = x.row(r);
    double proj = 0;
    for (std::size_t i = 0; i < u.size(); ++i) proj += static_cast<double>(row[i]) * u[i];
    for (std::size_t i = 0; i < u.size(); ++i) row[i] = static_cast<float>(row[i] - proj * u[i]);
  }
}

}  // namespace semspace
