#include "analysis/bias/hard_debias.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_set>

#include <fmt/format.h>

#include "analysis/bias/word_lookup.hpp"
#include "analysis/evaluate/text_lines.hpp"
#include "analysis/pca.hpp"

namespace semspace {
namespace {

using Vector = std::vector<double>;

double dot(std::span<const float> a, std::span<const double> b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

double dot(std::span<const double> a, std::span<const double> b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

Vector unit(std::span<const float> v) {
  Vector out(v.begin(), v.end());
  const double length = std::sqrt(dot(out, out));
  if (length > 0) {
    for (double& x : out) x /= length;
  }
  return out;
}

// dst <- source * length (float), the debiased direction at the word's original length.
void store(std::span<float> dst, const Vector& source, double length) {
  for (std::size_t i = 0; i < dst.size(); ++i) dst[i] = static_cast<float>(source[i] * length);
}

double length_of(std::span<const float> v) {
  double sum = 0;
  for (float x : v) sum += static_cast<double>(x) * x;
  return std::sqrt(sum);
}

std::string title_case(std::string_view word) {
  std::string out = ascii_lower(word);
  return ascii_upper(out.substr(0, 1)) + out.substr(std::min<std::size_t>(1, out.size()));
}

// Lower-case forms of the words neutralisation leaves alone.
std::unordered_set<std::string> specific_set(const DebiasWordLists& lists) {
  std::unordered_set<std::string> out;
  for (const auto& word : lists.specific_words) out.insert(ascii_lower(word));
  for (const auto* pairs : {&lists.definitional_pairs, &lists.equalize_pairs}) {
    for (const auto& [a, b] : *pairs) {
      out.insert(ascii_lower(a));
      out.insert(ascii_lower(b));
    }
  }
  return out;
}

// Bolukbasi et al.'s equalize on unit vectors: both words become nu +- z g.
void equalize_pair(std::span<float> a, std::span<float> b, const Vector& g) {
  const double a_length = length_of(a), b_length = length_of(b);
  if (a_length == 0 || b_length == 0) return;
  const Vector ua = unit(a), ub = unit(b);
  Vector nu(g.size());
  for (std::size_t i = 0; i < g.size(); ++i) nu[i] = (ua[i] + ub[i]) / 2;
  const double along = dot(nu, g);
  for (std::size_t i = 0; i < g.size(); ++i) nu[i] -= along * g[i];
  double z = std::sqrt(std::max(0.0, 1.0 - dot(nu, nu)));
  if (dot(ua, g) - dot(ub, g) < 0) z = -z;
  Vector ra(g.size()), rb(g.size());
  for (std::size_t i = 0; i < g.size(); ++i) {
    ra[i] = nu[i] + z * g[i];
    rb[i] = nu[i] - z * g[i];
  }
  store(a, ra, a_length);
  store(b, rb, b_length);
}

// Solves each vocabulary word's own input row so that the mean of its input rows is its debiased vector, after
// the n-gram rows lost their component along g.
Matrix subword_input(const WordVectors& model, const Matrix& debiased_words, const Vector& g) {
  Matrix input = model.input().clone();
  const std::size_t words = model.size(), dim = static_cast<std::size_t>(model.dim());
  for (std::size_t r = words; r < input.rows(); ++r) {
    auto row = input.row(r);
    const double along = dot(row, g);
    for (std::size_t c = 0; c < dim; ++c) row[c] = static_cast<float>(row[c] - along * g[c]);
  }
  Vector own(dim);
  for (std::uint32_t w = 0; w < words; ++w) {
    const auto rows = model.input_rows(w);
    const auto target = debiased_words.row(w);
    for (std::size_t c = 0; c < dim; ++c) own[c] = static_cast<double>(rows.size()) * target[c];
    for (std::size_t k = 1; k < rows.size(); ++k) {
      const auto bucket = input.row(rows[k]);
      for (std::size_t c = 0; c < dim; ++c) own[c] -= bucket[c];
    }
    auto dst = input.row(w);
    for (std::size_t c = 0; c < dim; ++c) dst[c] = static_cast<float>(own[c]);
  }
  return input;
}

}  // namespace

Expected<BiasDirection> find_bias_direction(const WordVectors& model,
                                            std::span<const std::pair<std::string, std::string>> pairs) {
  BiasDirection out;
  const Matrix& units = model.unit_words_matrix();
  const std::size_t dim = static_cast<std::size_t>(model.dim());
  std::vector<std::pair<std::uint32_t, std::uint32_t>> found;
  for (const auto& [a, b] : pairs) {
    auto ia = find_list_word(model, a), ib = find_list_word(model, b);
    if (ia && ib) {
      found.emplace_back(*ia, *ib);
    } else {
      out.missing_pairs.push_back(a + "/" + b);
    }
  }
  if (found.empty()) {
    return make_error(ErrorCode::kNotFound,
                      fmt::format("none of the {} definitional pairs has both words in the model", pairs.size()));
  }
  Matrix centred(2 * found.size(), dim);
  for (std::size_t p = 0; p < found.size(); ++p) {
    const auto a = units.row(found[p].first), b = units.row(found[p].second);
    for (std::size_t c = 0; c < dim; ++c) {
      const float half = (a[c] - b[c]) / 2;  // a - mean and b - mean are +-(a - b) / 2
      centred.row(2 * p)[c] = half;
      centred.row(2 * p + 1)[c] = -half;
    }
  }
  auto pca = fit_pca(centred.view(), {.components = 1, .solver = PcaSolver::kExact});
  if (!pca) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("the definitional pairs give no direction ({} pairs found, every pair's words have "
                                  "the same vector)", found.size()));
  }
  const auto component = pca->component_matrix().row(0);
  out.vector.assign(component.begin(), component.end());
  double orientation = 0;
  for (const auto& [ia, ib] : found) {
    for (std::size_t c = 0; c < dim; ++c) orientation += (units.row(ia)[c] - units.row(ib)[c]) * out.vector[c];
  }
  if (orientation < 0) {
    for (float& x : out.vector) x = -x;
  }
  out.explained_variance_ratio = pca->explained_variance_ratio()[0];
  out.pairs_used = found.size();
  return out;
}

double direct_bias(const WordVectors& model, std::span<const float> direction, std::span<const std::uint32_t> rows) {
  if (rows.empty()) return 0;
  const Vector g = unit(direction);
  const Matrix& words = model.words_matrix();
  double sum = 0;
  for (auto r : rows) {
    const double length = length_of(words.row(r));
    if (length > 0) sum += std::fabs(dot(words.row(r), g)) / length;
  }
  return sum / static_cast<double>(rows.size());
}

Expected<HardDebiasResult> hard_debias(const WordVectors& model, const DebiasWordLists& lists) {
  auto direction = find_bias_direction(model, lists.definitional_pairs);
  if (!direction) return tl::unexpected(direction.error());
  HardDebiasReport report;
  report.direction = std::move(*direction);
  const Vector g(report.direction.vector.begin(), report.direction.vector.end());
  const std::size_t dim = static_cast<std::size_t>(model.dim());

  Matrix words = model.words_matrix().clone();
  const auto specific = specific_set(lists);
  for (std::uint32_t w = 0; w < model.size(); ++w) {
    if (specific.contains(ascii_lower(model.words()[w]))) {
      ++report.specific;
      continue;
    }
    report.neutralized_rows.push_back(w);
    auto row = words.row(w);
    const double length = length_of(row);
    if (length == 0) continue;
    Vector v = unit(row);
    const double along = dot(v, g);
    for (std::size_t c = 0; c < dim; ++c) v[c] -= along * g[c];
    const double rest = std::sqrt(dot(v, v));
    // A word lying along g itself has nothing left; it stays the zero vector.
    store(row, v, rest > 0 ? length / rest : 0.0);
  }

  for (const auto& [a, b] : lists.equalize_pairs) {
    std::set<std::pair<std::uint32_t, std::uint32_t>> done;
    for (const auto& [va, vb] : {std::pair{a, b}, {ascii_lower(a), ascii_lower(b)}, {title_case(a), title_case(b)},
                                 {ascii_upper(a), ascii_upper(b)}}) {
      auto ia = model.find(va), ib = model.find(vb);
      if (!ia || !ib || *ia == *ib || !done.emplace(*ia, *ib).second) continue;
      equalize_pair(words.row(*ia), words.row(*ib), g);
      ++report.equalized_pairs;
    }
    if (done.empty()) report.missing_equalize_pairs.push_back(a + "/" + b);
  }

  std::vector<std::string> vocabulary = model.words();
  std::vector<std::uint64_t> counts = model.counts();
  if (!model.has_subwords()) {
    return HardDebiasResult{WordVectors(std::move(vocabulary), std::move(counts), std::move(words)),
                            std::move(report)};
  }
  report.subwords_neutralized = true;
  Matrix input = subword_input(model, words, g);
  return HardDebiasResult{WordVectors(std::move(vocabulary), std::move(counts), std::move(input), model.subwords()),
                          std::move(report)};
}

}  // namespace semspace
