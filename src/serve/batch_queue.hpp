// Request batching for embeddings: handlers submit their texts to a bounded queue; one worker thread takes the
// queued jobs in arrival order, up to max_batch texts, waiting at most max_wait after the oldest job arrived for
// more to come, runs the model once for all of them and hands each job its rows. Concurrent requests thus share
// model calls, so throughput grows with concurrency. A full queue refuses new jobs (the server answers 503 with
// Retry-After) instead of growing memory.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace::serve {

struct BatchOptions {
  std::size_t max_batch = 64;                     // texts per model call (a larger job runs alone)
  std::chrono::microseconds max_wait{5000};       // how long the oldest job may wait for company
  std::size_t max_queued_texts = 8192;            // beyond this, submit() refuses
};

/// Thread-safe: any number of threads may submit(). The destructor finishes the queued jobs, then joins.
class EmbeddingBatcher {
 public:
  /// encode: one row per text, in order; called on the worker thread only.
  using Encode = std::function<Expected<Matrix>(std::span<const std::string>)>;
  /// on_batch: called on the worker after each model call with its number of texts (metrics).
  EmbeddingBatcher(Encode encode, BatchOptions options, std::function<void(std::size_t)> on_batch = {});
  ~EmbeddingBatcher();
  EmbeddingBatcher(const EmbeddingBatcher&) = delete;
  EmbeddingBatcher& operator=(const EmbeddingBatcher&) = delete;

  /// Queues the texts (at least one). nullopt when the queue holds max_queued_texts already (a job that finds the
  /// queue empty is always taken, whatever its size). The future gives one row per text or the model's error.
  std::optional<std::future<Expected<Matrix>>> submit(std::vector<std::string> texts);

  /// Texts waiting (not yet taken by the worker).
  std::size_t queued_texts() const;

 private:
  struct Job {
    std::vector<std::string> texts;
    std::promise<Expected<Matrix>> result;
    std::chrono::steady_clock::time_point arrived;
  };
  void run();
  void process(std::vector<Job>& jobs, std::size_t texts);

  Encode encode_;
  BatchOptions options_;
  std::function<void(std::size_t)> on_batch_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;           // guarded by mutex_
  std::size_t queued_texts_ = 0;    // guarded by mutex_
  bool stopping_ = false;           // guarded by mutex_
  std::thread worker_;              // last: starts after everything above is built
};

}  // namespace semspace::serve
