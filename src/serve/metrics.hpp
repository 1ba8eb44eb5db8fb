// Prometheus text exposition of what the server does: requests by route and status, latency histograms per
// route, the sizes of the embedding batches, and the depth of the embedding queues. Thread-safe: every handler
// thread records into it; one mutex, held for a few additions.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace semspace::serve {

class Metrics {
 public:
  /// Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 14> kLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                              0.1,    0.25,  0.5,    1.0,   2.5,   5.0,  10.0};
  /// Upper bounds of the batch-size buckets, in texts.
  static constexpr std::array<double, 10> kBatchBuckets = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

  void record_request(std::string_view route, int status, double seconds);
  void record_batch(std::size_t texts);
  /// The current number of queued texts, read when the metrics are rendered.
  void set_queue_depth(std::function<std::size_t()> depth);

  /// The text format of Prometheus (version 0.0.4).
  std::string render() const;

 private:
  template <std::size_t N>
  struct Histogram {
    std::array<std::uint64_t, N> buckets{};  // per bucket (not cumulative); render() accumulates
    std::uint64_t count = 0;
    double sum = 0;
    void add(const std::array<double, N>& bounds, double value);
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;  // (route, status) -> count
  std::map<std::string, Histogram<kLatencyBuckets.size()>> latency_;
  Histogram<kBatchBuckets.size()> batches_;
  std::uint64_t batched_texts_ = 0;
  std::function<std::size_t()> queue_depth_;
};

}  // namespace semspace::serve
