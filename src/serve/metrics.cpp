#include "serve/metrics.hpp"

#include <fmt/format.h>

namespace semspace::serve {

template <std::size_t N>
void Metrics::Histogram<N>::add(const std::array<double, N>& bounds, double value) {
  for (std::size_t i = 0; i < N; ++i) {
    if (value <= bounds[i]) {
      ++buckets[i];
      break;
    }
  }
  ++count;
  sum += value;
}

void Metrics::record_request(std::string_view route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), status}];
  latency_[std::string(route)].add(kLatencyBuckets, seconds);
}

void Metrics::record_batch(std::size_t texts) {
  std::lock_guard lock(mutex_);
  batches_.add(kBatchBuckets, static_cast<double>(texts));
  batched_texts_ += texts;
}

void Metrics::set_queue_depth(std::function<std::size_t()> depth) {
  std::lock_guard lock(mutex_);
  queue_depth_ = std::move(depth);
}

namespace {

template <std::size_t N>
void render_histogram(std::string& out, std::string_view name, std::string_view labels, const std::array<double, N>& bounds,
                      const std::array<std::uint64_t, N>& buckets, std::uint64_t count, double sum) {
  const std::string sep = labels.empty() ? "" : ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < N; ++i) {
    cumulative += buckets[i];
    out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, bounds[i], cumulative);
  }
  out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, count);
  const std::string braces = labels.empty() ? "" : fmt::format("{{{}}}", labels);
  out += fmt::format("{}_sum{} {}\n{}_count{} {}\n", name, braces, sum, name, braces, count);
}

}  // namespace

std::string Metrics::render() const {
  std::function<std::size_t()> depth;
  std::string out;
  {
    std::lock_guard lock(mutex_);
    depth = queue_depth_;
    out += "# HELP semspace_http_requests_total HTTP requests answered, by route and status.\n";
    out += "# TYPE semspace_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
      out += fmt::format("semspace_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", key.first, key.second, count);
    }
    out += "# HELP semspace_http_request_duration_seconds Time from routing to the answer, by route.\n";
    out += "# TYPE semspace_http_request_duration_seconds histogram\n";
    for (const auto& [route, histogram] : latency_) {
      render_histogram(out, "semspace_http_request_duration_seconds", fmt::format("route=\"{}\"", route),
                       kLatencyBuckets, histogram.buckets, histogram.count, histogram.sum);
    }
    out += "# HELP semspace_embedding_batch_size Texts per model call of the embedding batcher.\n";
    out += "# TYPE semspace_embedding_batch_size histogram\n";
    render_histogram(out, "semspace_embedding_batch_size", "", kBatchBuckets, batches_.buckets, batches_.count,
                     batches_.sum);
  }
  // Outside the lock: the depth function takes the batchers' own locks.
  out += "# HELP semspace_embedding_queue_depth Texts waiting in the embedding queues.\n";
  out += "# TYPE semspace_embedding_queue_depth gauge\n";
  out += fmt::format("semspace_embedding_queue_depth {}\n", depth ? depth() : 0);
  return out;
}

}  // namespace semspace::serve
