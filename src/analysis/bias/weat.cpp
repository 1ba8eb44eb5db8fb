#include "analysis/bias/weat.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "analysis/bias/word_lookup.hpp"
#include "core/random.hpp"

namespace semspace {
namespace {

double norm(std::span<const float> v) {
  double sum = 0;
  for (float x : v) sum += static_cast<double>(x) * x;
  return std::sqrt(sum);
}

double dot(std::span<const float> a, std::span<const float> b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += static_cast<double>(a[i]) * b[i];
  return sum;
}

// Mean cosine of w with the rows of m; norms of m's rows precomputed.
double mean_cosine(std::span<const float> w, double w_norm, MatrixView m, const std::vector<double>& m_norms) {
  double sum = 0;
  for (std::size_t r = 0; r < m.rows; ++r) {
    if (w_norm > 0 && m_norms[r] > 0) sum += dot(w, m.row(r)) / (w_norm * m_norms[r]);
  }
  return sum / static_cast<double>(m.rows);
}

std::vector<double> row_norms(MatrixView m) {
  std::vector<double> out(m.rows);
  for (std::size_t r = 0; r < m.rows; ++r) out[r] = norm(m.row(r));
  return out;
}

// Partitions whose X side sums above observed + tolerance are "greater"; nearer ones are the observed value
// again up to rounding (the observed partition itself, or words repeated across X and Y).
struct PartitionCounter {
  std::span<const double> pooled;  // X's associations first, then Y's
  std::size_t k;                   // |X|
  double threshold;                // observed sum over X plus the tie tolerance
};

double sum_of(std::span<const double> values, std::span<const std::uint32_t> indices) {
  double sum = 0;
  for (auto i : indices) sum += values[i];
  return sum;
}

// Every k-subset of the n pooled indices in lexicographic order; the first is X itself.
std::uint64_t count_greater_exact(const PartitionCounter& c, std::uint64_t& partitions) {
  const std::size_t n = c.pooled.size();
  std::vector<std::uint32_t> subset(c.k);
  std::iota(subset.begin(), subset.end(), 0u);
  std::uint64_t greater = 0;
  partitions = 0;
  while (true) {
    ++partitions;
    if (sum_of(c.pooled, subset) > c.threshold) ++greater;
    // Advance: the rightmost index that can still move right moves, and those after it follow it.
    std::size_t i = c.k;
    while (i > 0 && subset[i - 1] == n - c.k + (i - 1)) --i;
    if (i == 0) break;
    ++subset[i - 1];
    for (std::size_t j = i; j < c.k; ++j) subset[j] = subset[j - 1] + 1;
  }
  return greater;
}

// Uniform random k-subsets by a partial Fisher-Yates shuffle of the indices.
std::uint64_t count_greater_sampled(const PartitionCounter& c, std::uint64_t samples, std::uint64_t seed) {
  const std::size_t n = c.pooled.size();
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  core::Rng rng(seed);
  std::uint64_t greater = 0;
  for (std::uint64_t s = 0; s < samples; ++s) {
    for (std::size_t i = 0; i < c.k; ++i) {
      const std::size_t j = i + rng.below(static_cast<std::uint32_t>(n - i));
      std::swap(order[i], order[j]);
    }
    if (sum_of(c.pooled, std::span(order).first(c.k)) > c.threshold) ++greater;
  }
  return greater;
}

// The vectors of a set's words that the model has (unit rows of vocabulary words, n-gram means of the others:
// cosine ignores length); the rest go to `missing`, each word once per test.
Matrix gather(const WordVectors& model, const std::vector<std::string>& words, bool use_subwords,
              std::vector<std::string>& missing, std::set<std::string, std::less<>>& reported) {
  std::vector<std::vector<float>> rows;
  for (const auto& word : words) {
    if (auto index = find_list_word(model, word)) {
      auto unit = model.unit_words_matrix().row(*index);
      rows.emplace_back(unit.begin(), unit.end());
      continue;
    }
    if (use_subwords && model.has_subwords()) {
      if (auto vector = model.vector(word)) {
        rows.push_back(std::move(*vector));
        continue;
      }
    }
    if (reported.insert(word).second) missing.push_back(word);
  }
  Matrix m(rows.size(), static_cast<std::size_t>(model.dim()));
  for (std::size_t r = 0; r < rows.size(); ++r) std::copy(rows[r].begin(), rows[r].end(), m.row(r).begin());
  return m;
}

}  // namespace

Status WeatOptions::validate() const {
  if (permutations == 0) return make_error(ErrorCode::kInvalidArgument, "WEAT permutations must be at least 1");
  return {};
}

std::string_view weat_p_value_method_name(WeatPValueMethod method) noexcept {
  return method == WeatPValueMethod::kExact ? "exact" : "sampled";
}

std::vector<double> weat_associations(MatrixView targets, MatrixView a, MatrixView b) {
  SEMSPACE_CHECK(a.rows > 0 && b.rows > 0, "WEAT needs attribute words: |A| = {}, |B| = {}", a.rows, b.rows);
  SEMSPACE_CHECK(targets.cols == a.cols && a.cols == b.cols, "WEAT dimensions differ: {} {} {}", targets.cols,
                 a.cols, b.cols);
  const auto a_norms = row_norms(a), b_norms = row_norms(b);
  std::vector<double> s(targets.rows);
  for (std::size_t r = 0; r < targets.rows; ++r) {
    const auto w = targets.row(r);
    const double w_norm = norm(w);
    s[r] = mean_cosine(w, w_norm, a, a_norms) - mean_cosine(w, w_norm, b, b_norms);
  }
  return s;
}

std::uint64_t weat_partition_count(std::size_t n, std::size_t k, std::uint64_t cap) {
  if (k > n) return 0;
  k = std::min(k, n - k);
  // C(n, i + 1) = C(n, i) * (n - i) / (i + 1) is exact in integers at every step.
  unsigned __int128 count = 1;
  for (std::size_t i = 0; i < k; ++i) {
    count = count * (n - i) / (i + 1);
    if (count > cap) return cap + 1;
  }
  return static_cast<std::uint64_t>(count);
}

WeatStatistics weat_statistics(std::span<const double> s_x, std::span<const double> s_y, const WeatOptions& options) {
  SEMSPACE_CHECK(!s_x.empty() && !s_y.empty(), "WEAT needs target words: |X| = {}, |Y| = {}", s_x.size(),
                 s_y.size());
  SEMSPACE_CHECK(options.validate().has_value(), "invalid WEAT options: {} permutations", options.permutations);
  std::vector<double> pooled(s_x.begin(), s_x.end());
  pooled.insert(pooled.end(), s_y.begin(), s_y.end());
  const std::size_t n = pooled.size();

  WeatStatistics out;
  const double sum_x = std::accumulate(s_x.begin(), s_x.end(), 0.0);
  const double sum_y = std::accumulate(s_y.begin(), s_y.end(), 0.0);
  out.mean_x = sum_x / static_cast<double>(s_x.size());
  out.mean_y = sum_y / static_cast<double>(s_y.size());
  out.statistic = sum_x - sum_y;
  const double mean = (sum_x + sum_y) / static_cast<double>(n);
  double squares = 0, magnitude = 0;
  for (double v : pooled) {
    squares += (v - mean) * (v - mean);
    magnitude += std::fabs(v);
  }
  out.std_dev = n > 1 ? std::sqrt(squares / static_cast<double>(n - 1)) : 0.0;
  if (out.std_dev > 0) out.effect_size = (out.mean_x - out.mean_y) / out.std_dev;

  // X's sum as the exact enumeration's first subset computes it, so that partition ties with itself exactly.
  PartitionCounter counter{pooled, s_x.size(), 0.0};
  std::vector<std::uint32_t> x_indices(s_x.size());
  std::iota(x_indices.begin(), x_indices.end(), 0u);
  counter.threshold = sum_of(pooled, x_indices) + 1e-10 * magnitude;

  std::uint64_t greater = 0;
  if (weat_partition_count(n, s_x.size(), options.max_exact_partitions) <= options.max_exact_partitions) {
    out.method = WeatPValueMethod::kExact;
    greater = count_greater_exact(counter, out.partitions);
  } else {
    out.method = WeatPValueMethod::kSampled;
    out.partitions = options.permutations;
    greater = count_greater_sampled(counter, options.permutations, options.seed);
  }
  out.p_value = static_cast<double>(greater) / static_cast<double>(out.partitions);
  return out;
}

WeatTestResult run_weat_test(const WordVectors& model, const WeatTestSpec& spec, const WeatWordSets& sets,
                             const WeatOptions& options) {
  WeatTestResult result;
  result.spec = spec;
  std::set<std::string, std::less<>> reported;
  struct Side {
    const char* role;
    const std::string& set_name;
    Matrix vectors;
  };
  std::vector<Side> sides;
  for (auto [role, name] : {std::pair{"X", &spec.x}, {"Y", &spec.y}, {"A", &spec.a}, {"B", &spec.b}}) {
    const auto set = sets.find(*name);
    SEMSPACE_CHECK(set != sets.end(), "WEAT test {} names set {} which is not loaded", spec.id, *name);
    sides.push_back({role, *name, gather(model, set->second, options.use_subwords, result.missing, reported)});
  }
  result.x_words = sides[0].vectors.rows();
  result.y_words = sides[1].vectors.rows();
  result.a_words = sides[2].vectors.rows();
  result.b_words = sides[3].vectors.rows();
  for (const Side& side : sides) {
    if (side.vectors.rows() == 0) {
      result.error = fmt::format("{}: set {} (\"{}\", {} words): none of its words is in the model", spec.id,
                                 side.role, side.set_name, sets.find(side.set_name)->second.size());
      return result;
    }
  }
  const auto s_x = weat_associations(sides[0].vectors.view(), sides[2].vectors.view(), sides[3].vectors.view());
  const auto s_y = weat_associations(sides[1].vectors.view(), sides[2].vectors.view(), sides[3].vectors.view());
  result.statistics = weat_statistics(s_x, s_y, options);
  return result;
}

std::vector<WeatTestResult> run_weat_tests(const WordVectors& model, const std::vector<WeatTestSpec>& tests,
                                           const WeatWordSets& sets, const WeatOptions& options) {
  std::vector<WeatTestResult> results;
  results.reserve(tests.size());
  for (const auto& test : tests) results.push_back(run_weat_test(model, test, sets, options));
  return results;
}

}  // namespace semspace
