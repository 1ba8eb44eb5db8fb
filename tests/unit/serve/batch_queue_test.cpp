// The batcher: concurrent jobs share model calls and each gets its own rows back; a full queue refuses; over HTTP,
// concurrent requests are answered in fewer model calls than requests, and a full queue answers 503 Retry-After.
#include <atomic>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "serve/batch_queue.hpp"
#include "serve_fixture.hpp"

namespace semspace::serve::testing {
namespace {

// Row i of a text "n" is (n, n+1): every job can check it got the rows of its own texts.
Expected<Matrix> fake_encode(std::span<const std::string> texts) {
  Matrix out(texts.size(), 2);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    out.row(i)[0] = std::stof(texts[i]);
    out.row(i)[1] = std::stof(texts[i]) + 1;
  }
  return out;
}

TEST(BatchQueue, ConcurrentJobsShareCallsAndGetTheirOwnRows) {
  std::atomic<int> calls{0};
  std::atomic<std::size_t> largest{0};
  EmbeddingBatcher batcher(
      [&](std::span<const std::string> texts) {
        ++calls;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return fake_encode(texts);
      },
      {.max_batch = 16, .max_wait = std::chrono::milliseconds(20), .max_queued_texts = 1000},
      [&](std::size_t texts) { largest = std::max<std::size_t>(largest, texts); });
  constexpr int kJobs = 40;
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int job = 0; job < kJobs; ++job) {
    threads.emplace_back([&, job] {
      auto future = batcher.submit({std::to_string(job * 10), std::to_string(job * 10 + 1)});
      if (!future) return void(++wrong);
      auto rows = future->get();
      if (!rows || rows->rows() != 2 || rows->row(0)[0] != job * 10 || rows->row(1)[1] != job * 10 + 2) ++wrong;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_LT(calls, kJobs / 2) << "40 concurrent jobs should need far fewer model calls";
  EXPECT_LE(largest, 16u);  // never beyond max_batch
  EXPECT_EQ(batcher.queued_texts(), 0u);
}

TEST(BatchQueue, FullQueueRefusesAndErrorsReachEveryJob) {
  std::promise<void> release;
  auto released = release.get_future().share();
  EmbeddingBatcher batcher(
      [&](std::span<const std::string>) -> Expected<Matrix> {
        released.wait();
        return make_error(ErrorCode::kIo, "model broke");
      },
      {.max_batch = 2, .max_wait = std::chrono::milliseconds(0), .max_queued_texts = 3});
  auto first = batcher.submit({"1", "2"});  // taken by the worker, which then blocks
  ASSERT_TRUE(first);
  while (batcher.queued_texts() != 0) std::this_thread::yield();
  auto second = batcher.submit({"1", "2", "3"});  // an empty queue takes any job
  ASSERT_TRUE(second);
  EXPECT_FALSE(batcher.submit({"4"}));  // 3 + 1 > 3
  release.set_value();
  auto a = first->get();
  auto b = second->get();
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().message, "model broke");
  ASSERT_FALSE(b);
}

TEST(BatchQueue, HttpRequestsShareBatches) {
  TestServer server([](ServeOptions& options, const std::filesystem::path&) {
    options.max_wait_ms = 50;
    options.max_batch = 64;
  });
  constexpr int kRequests = 16;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&] {
      auto result = server.post("/v1/embeddings", R"({"input": "king queen"})");
      if (result && result->status == 200) ++ok;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok, kRequests);
  const std::string metrics = server.get("/metrics")->body;
  const auto at = metrics.find("semspace_embedding_batch_size_count ");
  ASSERT_NE(at, std::string::npos);
  const int batches = std::stoi(metrics.substr(at + std::string("semspace_embedding_batch_size_count ").size()));
  EXPECT_GE(batches, 1);
  EXPECT_LT(batches, kRequests) << metrics;
  EXPECT_NE(metrics.find("semspace_embedding_batch_size_sum 16\n"), std::string::npos);
}

TEST(BatchQueue, HttpFullQueueAnswers503WithRetryAfter) {
  TestServer server([](ServeOptions& options, const std::filesystem::path&) {
    options.max_wait_ms = 1500;  // the first request's batch waits for company
    options.max_batch = 1000;
    options.max_texts = 2;
    options.max_queued_texts = 2;
  });
  auto waiting = std::async(std::launch::async, [&] { return server.post("/v1/embeddings", R"({"input": ["a", "cat"]})"); });
  // Until the first request is queued, the second could take its place: wait for the queue to show it.
  for (int i = 0; i < 500; ++i) {
    if (server.get("/metrics")->body.find("semspace_embedding_queue_depth 2\n") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  auto refused = server.post("/v1/embeddings", R"({"input": "dog"})");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(error_code(refused), "overloaded");
  EXPECT_EQ(refused->get_header_value("Retry-After"), "1");
  auto first = waiting.get();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
}

}  // namespace
}  // namespace semspace::serve::testing
