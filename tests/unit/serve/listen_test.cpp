// The listening socket: a burst of simultaneous requests is answered (Debian's httplib listens with a
// backlog of 5, widened by Server::bind), and a second server on a port in use is refused, not let in to share.
#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "serve_fixture.hpp"

namespace semspace::serve::testing {
namespace {

TEST(Listen, BurstOfSimultaneousConnectionsIsAllAnswered) {
  TestServer server([](ServeOptions& options, const std::filesystem::path&) { options.http_threads = 4; });
  constexpr int kClients = 64;
  std::atomic<int> ready{0}, answered{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&] {
      ++ready;
      while (ready < kClients) std::this_thread::yield();  // connect together
      auto result = server.post("/v1/embeddings", R"({"input": "king"})");
      if (result && result->status == 200) ++answered;
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(answered, kClients);
}

TEST(Listen, PortInUseIsRefused) {
  TestServer first;
  auto second = Server::create([&] {
    ServeOptions options;
    options.port = first.port();
    options.models_root = first.dir() / "models";
    options.db = first.dir() / "second.db";
    return options;
  }());
  ASSERT_TRUE(second) << second.error().message;
  auto bound = (*second)->bind();
  ASSERT_FALSE(bound);
  EXPECT_NE(bound.error().message.find("in use"), std::string::npos) << bound.error().message;
}

}  // namespace
}  // namespace semspace::serve::testing
