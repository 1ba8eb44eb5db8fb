// The measurements, identical for every contender: build time and memory, search throughput and recall@10.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "contender.hpp"
#include "semspace/matrix.hpp"

namespace ann {

struct BuildResult {
  std::string contender;
  int threads = 1;
  double seconds = 0;
  double heap_bytes = 0;       // malloc'd bytes in use after minus before (glibc mallinfo2)
  double rss_bytes = 0;        // resident set after minus before (/proc/self/statm), after malloc_trim
  double structure_bytes = 0;  // the library's own layout, 0 = unknown
};

struct SearchResult {
  std::string contender;
  std::string mode;  // "single" (one query per call per thread), "batch" (one call), "filtered" (single, 1% filter)
  int threads = 1;
  int ef = 0;        // 0 for exact indexes
  double recall = 0; // recall@10 against the exact top 10 (of the passing points, for "filtered")
  // The same, counting a result as found when it is no farther than the 10th true neighbour (ann-benchmarks'
  // rule): where vectors repeat, which of equally near points the truth lists is arbitrary. -1 = not measured.
  double recall_ties = -1;
  double qps = 0;    // best of the repeats
  std::size_t queries = 0;
  std::size_t violations = 0;  // filtered: returned labels that do not pass the filter
};

struct SearchSetup {
  int k = 10;
  int repeats = 3;
};

/// The base vectors and metric the truth was computed on, for the tie-aware recall.
struct ExactDistances {
  semspace::MatrixView base;
  DataMetric metric = DataMetric::kL2;
  /// L2: squared distance; cosine (unit rows): 1 - dot. In double, from the stored floats.
  double operator()(const float* query, std::uint64_t row) const;
};

/// Builds `c` on `threads` threads, timing it and measuring the memory it keeps.
BuildResult measure_build(Contender& c, semspace::MatrixView base, int threads);

/// One pass over every query, the k best labels of each into found (nq x k); returns seconds. Mode "single": one
/// query per call, spread over `threads` threads by an atomic counter; "batch": one search_batch call;
/// "filtered": like single under the contender's filter.
double time_search(const Contender& c, const std::string& mode, semspace::MatrixView queries, int k, int threads,
                   std::uint64_t* found);

/// The result of a pass whose QPS is already known: recall (and tie-aware recall with `exact`), violations.
/// truth: nq x truth_k labels, best first.
SearchResult score_search(const Contender& c, const std::string& mode, semspace::MatrixView queries,
                          const std::vector<std::uint64_t>& found, const std::vector<std::int64_t>& truth,
                          int truth_k, int k, int threads, int ef, double qps,
                          const semspace::index::LabelSet* filter = nullptr, const ExactDistances* exact = nullptr);

/// Resident set size of this process in bytes.
double rss_bytes();

}  // namespace ann
