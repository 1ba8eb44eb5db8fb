// The Word Embedding Association Test (Caliskan, Bryson & Narayanan 2017, Science 356(6334):183-186).
//
// For target sets X, Y and attribute sets A, B of word vectors, each target word w gets its association
//   s(w, A, B) = mean_{a in A} cos(w, a) - mean_{b in B} cos(w, b).
// The effect size is (mean_{x in X} s(x) - mean_{y in Y} s(y)) / std_{w in X u Y} s(w), with the sample standard
// deviation (n - 1), as the paper. The one-sided p-value is the share of the partitions (X_i, Y_i) of X u Y into
// sets of sizes |X| and |Y| whose statistic sum_{X_i} s - sum_{Y_i} s is strictly greater than the observed one:
// all partitions when there are at most max_exact_partitions of them, else a seeded uniform sample of
// `permutations` partitions. Every partition has the same total, so the statistic only depends on sum_{X_i} s;
// sums within 1e-10 * sum_w |s(w)| of the observed one count as ties (rounding), not as greater.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/bias/weat_sets.hpp"
#include "semspace/matrix.hpp"
#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace {

struct WeatOptions {
  std::uint64_t max_exact_partitions = 100000;  // enumerate every partition up to this many
  std::uint64_t permutations = 100000;          // partitions sampled above it
  std::uint64_t seed = 1;                       // the sample (sampled p-values only)
  bool use_subwords = false;  // words outside the vocabulary take their n-gram vector (subword models only)
  /// kInvalidArgument when permutations is 0.
  Status validate() const;
};

enum class WeatPValueMethod { kExact, kSampled };
std::string_view weat_p_value_method_name(WeatPValueMethod method) noexcept;

struct WeatStatistics {
  double effect_size = std::numeric_limits<double>::quiet_NaN();  // NaN when every s(w) is equal (std 0)
  double p_value = 1.0;
  WeatPValueMethod method = WeatPValueMethod::kExact;
  std::uint64_t partitions = 0;  // enumerated (exact) or sampled
  double statistic = 0;          // sum_{x in X} s(x) - sum_{y in Y} s(y)
  double mean_x = 0, mean_y = 0;  // mean association of X and of Y
  double std_dev = 0;             // sample standard deviation of s over X u Y
};

/// s(w, A, B) for each row w of `targets`; rows of a and b are attribute vectors. Any lengths (rows are scaled to
/// unit length; a zero row has cosine 0 with everything); a and b must have at least one row and every matrix
/// the same number of columns (InternalError otherwise).
std::vector<double> weat_associations(MatrixView targets, MatrixView a, MatrixView b);

/// The effect size and p-value from the associations of X's and Y's words. InternalError when either is empty or
/// the options are invalid.
/// Deterministic: the same inputs and options give the same result.
WeatStatistics weat_statistics(std::span<const double> s_x, std::span<const double> s_y,
                               const WeatOptions& options = {});

/// Number of partitions of n items into sets of k and n - k (the binomial coefficient), or `cap` + 1 when it
/// exceeds `cap`.
std::uint64_t weat_partition_count(std::size_t n, std::size_t k, std::uint64_t cap);

struct WeatTestResult {
  WeatTestSpec spec;
  std::size_t x_words = 0, y_words = 0, a_words = 0, b_words = 0;  // words found (in the vocabulary, or by subwords)
  std::vector<std::string> missing;  // words of X, Y, A, B that were not found, each once, in that order
  std::optional<WeatStatistics> statistics;  // empty when the test could not run
  std::string error;                         // why it could not run (a whole set missing)
};

/// Runs one test on a model: words are looked up as written, then in lower case (find_list_word); words not found
/// are listed in `missing` and skipped. When every word of a set is missing the test does not run and `error`
/// names the set. Precondition: spec's sets exist in `sets` (check_weat_sets_exist) and options are valid.
WeatTestResult run_weat_test(const WordVectors& model, const WeatTestSpec& spec, const WeatWordSets& sets,
                             const WeatOptions& options = {});

/// run_weat_test for each test, in order.
std::vector<WeatTestResult> run_weat_tests(const WordVectors& model, const std::vector<WeatTestSpec>& tests,
                                           const WeatWordSets& sets, const WeatOptions& options = {});

}  // namespace semspace
