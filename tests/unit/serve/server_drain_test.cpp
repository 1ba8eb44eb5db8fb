// build/semspace serve end to end: prints its URL, answers, and on SIGTERM finishes a request in flight (held in
// the batcher by --max-wait-ms) before exiting 0.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <future>

#include <gtest/gtest.h>

#include "serve_fixture.hpp"

namespace semspace::serve::testing {
namespace {

TEST(ServerDrain, SigtermFinishesTheRequestInFlightAndExitsZero) {
  ScratchDir dir;
  std::filesystem::create_directories(dir.path() / "home" / "models");
  ASSERT_TRUE(io::write_native_model(make_test_model(), dir.path() / "home" / "models" / "default.sem"));
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    setenv("SEMSPACE_HOME", (dir.path() / "home").c_str(), 1);
    const std::string binary = std::string(SEMSPACE_BINARY_DIR) + "/semspace";
    const std::string db = (dir.path() / "c.db").string();
    execl(binary.c_str(), binary.c_str(), "serve", "--port", "0", "--db", db.c_str(), "--max-wait-ms", "800",
          "--threads", "1", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  // "semspace serving on http://127.0.0.1:PORT/"
  FILE* stream = fdopen(out[0], "r");
  char line[256] = {};
  ASSERT_NE(fgets(line, sizeof line, stream), nullptr);
  int port = 0;
  ASSERT_EQ(std::sscanf(line, "semspace serving on http://127.0.0.1:%d/", &port), 1) << line;
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  ASSERT_EQ(client.Get("/health")->status, 200);

  auto in_flight = std::async(std::launch::async, [port] {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(10, 0);
    return c.Post("/v1/embeddings", R"({"input": "king queen"})", "application/json");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // queued, waiting for company
  ASSERT_EQ(kill(child, SIGTERM), 0);
  auto answered = in_flight.get();
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->status, 200);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  fclose(stream);
  // Nothing listens any more.
  httplib::Client after("127.0.0.1", port);
  EXPECT_FALSE(after.Get("/health"));
}

}  // namespace
}  // namespace semspace::serve::testing
