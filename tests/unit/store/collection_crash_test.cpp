// Crash test: a child process upserts in a loop and acknowledges each committed id on a pipe; the parent kills
// it with SIGKILL at a random moment. After reopening, every acknowledged point must be there with its vector,
// the database must pass PRAGMA integrity_check, and search (through a snapshot the child may have been
// writing when it died) must agree with the database.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "store/collection_store.hpp"
#include "store_test_util.hpp"

namespace semspace::store {
namespace {

constexpr int kDim = 8;

std::vector<float> vector_of(std::int64_t id) {
  std::mt19937_64 rng(static_cast<std::uint64_t>(id) * 7919 + 1);
  std::normal_distribution<float> normal;
  std::vector<float> v(kDim);
  for (float& x : v) x = normal(rng);
  return v;
}

// Runs in the child: never returns. Writes each id to `ack` only after the upsert that stored it committed.
[[noreturn]] void upsert_forever(const std::filesystem::path& db, std::int64_t first_id, int ack) {
  auto store = CollectionStore::open(db);
  if (!store) _exit(3);
  std::mt19937 rng(static_cast<unsigned>(first_id));
  std::int64_t next = first_id;
  for (int batch = 0;; ++batch) {
    const int n = 1 + static_cast<int>(rng() % 5);
    std::vector<Point> points;
    for (int i = 0; i < n; ++i, ++next) {
      points.push_back(Point{(next % 3 == 0) ? PointId(std::to_string(next)) : PointId(next), vector_of(next),
                             "{\"n\":" + std::to_string(next) + "}"});
    }
    if (!store->upsert("c", points)) _exit(4);
    for (const auto& p : points) {
      std::int64_t id = std::holds_alternative<std::int64_t>(p.id) ? std::get<std::int64_t>(p.id)
                                                                     : std::stoll(std::get<std::string>(p.id));
      if (::write(ack, &id, sizeof id) != static_cast<ssize_t>(sizeof id)) _exit(5);
    }
    // Now and then refresh the index snapshot, so some kills land in the middle of writing one.
    if (batch % 25 == 24 && !store->sync_index("c")) _exit(6);
  }
}

TEST(CollectionCrash, AcknowledgedUpsertsSurviveSigkill) {
  testing::ScratchDir dir("crash");
  const auto db = dir / "c.db";
  {
    auto store = testing::open_or_die(db);
    ASSERT_TRUE(store.create(testing::info_of("c", kDim, "l2")));
  }
  std::mt19937 rng(std::random_device{}());
  std::set<std::int64_t> acknowledged;
  for (int round = 0; round < 4; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      upsert_forever(db, std::int64_t{round} * 1'000'000, fds[1]);
    }
    ::close(fds[1]);
    std::string received;
    char buffer[4096];
    auto drain = [&](int timeout_ms) {
      pollfd pfd{fds[0], POLLIN, 0};
      if (::poll(&pfd, 1, timeout_ms) <= 0) return false;
      ssize_t got = ::read(fds[0], buffer, sizeof buffer);
      if (got > 0) received.append(buffer, static_cast<std::size_t>(got));
      return got > 0;
    };
    // Wait for the first acknowledgement (the child is running), then a random 20..300 ms more.
    const auto start = std::chrono::steady_clock::now();
    while (received.empty() && std::chrono::steady_clock::now() - start < std::chrono::seconds(20)) drain(50);
    const auto kill_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(20 + rng() % 280);
    while (std::chrono::steady_clock::now() < kill_at) drain(5);
    ASSERT_EQ(::kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the child stopped by itself: status " << status;
    while (drain(100)) {
    }
    ::close(fds[0]);
    // Pipe writes of 8 bytes are atomic, so only whole ids arrive.
    ASSERT_EQ(received.size() % sizeof(std::int64_t), 0u);
    for (std::size_t at = 0; at < received.size(); at += sizeof(std::int64_t)) {
      std::int64_t id;
      std::memcpy(&id, received.data() + at, sizeof id);
      acknowledged.insert(id);
    }

    auto store = testing::open_or_die(db);
    ASSERT_TRUE(store.check_integrity());
    auto count = store.count("c");
    ASSERT_TRUE(count);
    EXPECT_GE(*count, acknowledged.size()) << "round " << round;
    std::size_t missing = 0;
    for (std::int64_t id : acknowledged) {
      PointId key = (id % 3 == 0) ? PointId(std::to_string(id)) : PointId(id);
      auto point = store.get("c", key);
      ASSERT_TRUE(point);
      if (!*point || (*point)->vector != vector_of(id)) ++missing;
    }
    EXPECT_EQ(missing, 0u) << "acknowledged points lost or damaged after kill -9 (round " << round << ")";
    // The derived index agrees with the database, whatever state the child left its snapshot in.
    std::vector<std::int64_t> ids(acknowledged.begin(), acknowledged.end());
    for (int probe = 0; probe < 5; ++probe) {
      const std::int64_t id = ids[rng() % ids.size()];
      auto hits = store.search("c", vector_of(id), SearchOptions{.k = 1});
      ASSERT_TRUE(hits) << hits.error().message;
      ASSERT_EQ(hits->size(), 1u);
      EXPECT_EQ(hits->front().id, (id % 3 == 0) ? PointId(std::to_string(id)) : PointId(id));
    }
  }
  EXPECT_GT(acknowledged.size(), 4u);
  RecordProperty("acknowledged", static_cast<int>(acknowledged.size()));
}

}  // namespace
}  // namespace semspace::store
