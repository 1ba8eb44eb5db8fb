#include "serve/batch_queue.hpp"

#include <algorithm>
#include <exception>
#include <new>

#include <fmt/format.h>

namespace semspace::serve {

EmbeddingBatcher::EmbeddingBatcher(Encode encode, BatchOptions options, std::function<void(std::size_t)> on_batch)
    : encode_(std::move(encode)), options_(options), on_batch_(std::move(on_batch)), worker_([this] { run(); }) {}

EmbeddingBatcher::~EmbeddingBatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

std::optional<std::future<Expected<Matrix>>> EmbeddingBatcher::submit(std::vector<std::string> texts) {
  SEMSPACE_CHECK(!texts.empty(), "an embedding job needs at least one text");
  Job job{std::move(texts), {}, std::chrono::steady_clock::now()};
  auto future = job.result.get_future();
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || (!queue_.empty() && queued_texts_ + job.texts.size() > options_.max_queued_texts)) return std::nullopt;
    queued_texts_ += job.texts.size();
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return future;
}

std::size_t EmbeddingBatcher::queued_texts() const {
  std::lock_guard lock(mutex_);
  return queued_texts_;
}

void EmbeddingBatcher::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    // Wait for company until the batch is full or the oldest job has waited max_wait.
    const auto deadline = queue_.front().arrived + options_.max_wait;
    wake_.wait_until(lock, deadline, [this] { return stopping_ || queued_texts_ >= options_.max_batch; });
    std::vector<Job> jobs;
    std::size_t texts = 0;
    while (!queue_.empty() && (jobs.empty() || texts + queue_.front().texts.size() <= options_.max_batch)) {
      texts += queue_.front().texts.size();
      jobs.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    queued_texts_ -= texts;
    lock.unlock();
    process(jobs, texts);
    lock.lock();
  }
}

void EmbeddingBatcher::process(std::vector<Job>& jobs, std::size_t texts) {
  std::vector<std::string> all;
  all.reserve(texts);
  for (auto& job : jobs) std::move(job.texts.begin(), job.texts.end(), std::back_inserter(all));
  Expected<Matrix> rows = make_error(ErrorCode::kIo, "embedding failed");
  try {
    rows = encode_(all);
  } catch (const std::bad_alloc&) {
    rows = make_error(ErrorCode::kIo, "out of memory while embedding");
  } catch (const std::exception& error) {  // a broken invariant: answer 500 rather than lose the worker
    rows = make_error(ErrorCode::kIo, fmt::format("internal error while embedding: {}", error.what()));
  }
  if (on_batch_) on_batch_(texts);
  if (rows && rows->rows() != texts) {
    rows = make_error(ErrorCode::kIo, fmt::format("the model gave {} rows for {} texts", rows->rows(), texts));
  }
  std::size_t first = 0;
  // The texts were moved out, the vectors keep their sizes: each job takes as many rows as it gave texts.
  for (auto& job : jobs) {
    const std::size_t count = job.texts.size();
    if (!rows) {
      job.result.set_value(tl::unexpected(rows.error()));
      continue;
    }
    Matrix part(count, rows->cols());
    for (std::size_t r = 0; r < count; ++r) std::copy_n(rows->row(first + r).data(), rows->cols(), part.row(r).data());
    first += count;
    job.result.set_value(std::move(part));
  }
}

}  // namespace semspace::serve
