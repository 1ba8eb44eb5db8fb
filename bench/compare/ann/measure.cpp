#include "measure.hpp"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "core/threads.hpp"

namespace ann {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double heap_in_use() {
  malloc_trim(0);
  const struct mallinfo2 info = mallinfo2();
  return static_cast<double>(info.uordblks) + static_cast<double>(info.hblkhd);
}

double recall_at(const std::vector<std::uint64_t>& found, const std::vector<std::int64_t>& truth, int truth_k,
                 std::size_t nq, int k) {
  double hits = 0;
  for (std::size_t q = 0; q < nq; ++q) {
    const std::int64_t* t = truth.data() + q * truth_k;
    const int expected = static_cast<int>(std::count_if(t, t + k, [](std::int64_t x) { return x >= 0; }));
    if (expected == 0) continue;
    for (int i = 0; i < k; ++i) {
      const std::uint64_t label = found[q * k + i];
      if (label == ~std::uint64_t{0}) continue;
      if (std::find(t, t + expected, static_cast<std::int64_t>(label)) != t + expected) ++hits;
    }
  }
  return hits / (static_cast<double>(nq) * k);
}

// Results no farther than the k-th true neighbour (plus float rounding), of the k asked for. A filtered search's
// result must also pass the filter.
double recall_with_ties(const std::vector<std::uint64_t>& found, const std::vector<std::int64_t>& truth, int truth_k,
                        semspace::MatrixView queries, int k, const ExactDistances& exact,
                        const semspace::index::LabelSet* filter) {
  double hits = 0;
  for (std::size_t q = 0; q < queries.rows; ++q) {
    const std::int64_t* t = truth.data() + q * truth_k;
    const int expected = static_cast<int>(std::count_if(t, t + k, [](std::int64_t x) { return x >= 0; }));
    if (expected == 0) continue;
    const float* query = queries.data + q * queries.stride;
    const double kth = exact(query, static_cast<std::uint64_t>(t[expected - 1]));
    const double limit = kth + 1e-6 * std::max(1.0, std::fabs(kth));
    int found_here = 0;
    for (int i = 0; i < k; ++i) {
      const std::uint64_t label = found[q * k + i];
      if (label == ~std::uint64_t{0} || (filter != nullptr && !filter->contains(label))) continue;
      found_here += exact(query, label) <= limit;
    }
    hits += std::min(found_here, expected);
  }
  return hits / (static_cast<double>(queries.rows) * k);
}

}  // namespace

double ExactDistances::operator()(const float* query, std::uint64_t row) const {
  const float* v = base.data + row * base.stride;
  double acc = 0;
  if (metric == DataMetric::kL2) {
    for (std::size_t j = 0; j < base.cols; ++j) {
      const double d = static_cast<double>(query[j]) - v[j];
      acc += d * d;
    }
    return acc;
  }
  for (std::size_t j = 0; j < base.cols; ++j) acc += static_cast<double>(query[j]) * v[j];
  return 1.0 - acc;
}

double rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  double size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE));
}

BuildResult measure_build(Contender& c, semspace::MatrixView base, int threads) {
  c.reset();
  BuildResult r;
  r.contender = c.name();
  r.threads = threads;
  const double heap0 = heap_in_use(), rss0 = rss_bytes();
  const auto start = Clock::now();
  c.build(base, threads);
  r.seconds = seconds_since(start);
  r.heap_bytes = heap_in_use() - heap0;
  r.rss_bytes = rss_bytes() - rss0;
  r.structure_bytes = static_cast<double>(c.structure_bytes());
  return r;
}

double time_search(const Contender& c, const std::string& mode, semspace::MatrixView queries, int k, int threads,
                   std::uint64_t* found) {
  const std::size_t nq = queries.rows;
  std::fill(found, found + nq * k, ~std::uint64_t{0});
  Clock::time_point start;
  if (mode == "batch") {
    start = Clock::now();
    c.search_batch(queries, k, threads, found);
    return seconds_since(start);
  }
  const bool filtered = mode == "filtered";
  std::atomic<std::size_t> next{0};
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  semspace::core::run_threads(threads, [&](int thread_id) {
    c.thread_init();
    ready.fetch_add(1);
    if (thread_id == 0) {
      while (ready.load() < threads) std::this_thread::yield();
      start = Clock::now();
      go.store(true);
    } else {
      while (!go.load()) std::this_thread::yield();
    }
    for (std::size_t q; (q = next.fetch_add(1)) < nq;) {
      const float* query = queries.data + q * queries.stride;
      if (filtered) {
        c.search_one_filtered(query, k, found + q * k);
      } else {
        c.search_one(query, k, found + q * k);
      }
    }
  });
  return seconds_since(start);
}

SearchResult score_search(const Contender& c, const std::string& mode, semspace::MatrixView queries,
                          const std::vector<std::uint64_t>& found, const std::vector<std::int64_t>& truth,
                          int truth_k, int k, int threads, int ef, double qps,
                          const semspace::index::LabelSet* filter, const ExactDistances* exact) {
  const std::size_t nq = queries.rows;
  SearchResult r;
  r.contender = c.name();
  r.mode = mode;
  r.threads = threads;
  r.ef = ef;
  r.qps = qps;
  r.queries = nq;
  r.recall = recall_at(found, truth, truth_k, nq, k);
  if (exact != nullptr) r.recall_ties = recall_with_ties(found, truth, truth_k, queries, k, *exact, filter);
  if (filter != nullptr) {
    for (std::uint64_t label : found) r.violations += label != ~std::uint64_t{0} && !filter->contains(label);
  }
  return r;
}

}  // namespace ann
