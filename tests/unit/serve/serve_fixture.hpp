// A server on a free loopback port for the serve tests: a small word-vector model written by the test as
// $models/default.sem (so "default" names it), a fresh collections database, an optional web folder, and an
// httplib client.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "core/random.hpp"
#include "io/native_model.hpp"
#include "serve/server.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace::serve::testing {

/// The model's words, most frequent first (their counts fall in this order).
inline const std::vector<std::string>& test_words() {
  static const std::vector<std::string> words = {"the",   "a",     "king", "queen", "man",    "woman", "apple",
                                                 "banana", "fruit", "car",  "road",  "engine", "cat",   "dog",
                                                 "red",   "green", "blue", "fast",  "slow",   "eat"};
  return words;
}
inline constexpr std::size_t kTestDim = 8;

inline WordVectors make_test_model() {
  const auto& words = test_words();
  core::Rng rng(7);
  Matrix vectors(words.size(), kTestDim);
  for (std::size_t i = 0; i < vectors.size(); ++i) vectors.data()[i] = rng.uniform() * 2.0f - 1.0f;
  std::vector<std::uint64_t> counts;
  for (std::size_t i = 0; i < words.size(); ++i) counts.push_back(1000 - 10 * i);
  return WordVectors(words, std::move(counts), std::move(vectors));
}

class ScratchDir {
 public:
  ScratchDir()
      : path_(std::filesystem::temp_directory_path() /
              ("semspace-serve-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()))) {
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Starts the server in the constructor (after `adjust` changes the options), stops it in the destructor.
class TestServer {
 public:
  template <class Adjust>
  explicit TestServer(Adjust adjust) {
    std::filesystem::create_directories(dir_.path() / "models");
    auto written = io::write_native_model(make_test_model(), dir_.path() / "models" / "default.sem");
    if (!written) throw std::runtime_error(written.error().message);
    options_.port = 0;
    options_.models_root = dir_.path() / "models";
    options_.db = dir_.path() / "collections.db";
    options_.threads = 1;
    options_.http_threads = 32;
    options_.max_wait_ms = 1;
    adjust(options_, dir_.path());
    auto server = Server::create(options_);
    if (!server) throw std::runtime_error(server.error().message);
    server_ = std::move(*server);
    if (auto ok = server_->bind(); !ok) throw std::runtime_error(ok.error().message);
    thread_ = std::thread([this] { server_->run(); });
    // Old cpp-httplib: no wait_until_ready(); poll is_running().
    for (int i = 0; i < 500 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (!server_->is_running()) throw std::runtime_error("the test server did not start");
  }
  TestServer() : TestServer([](ServeOptions&, const std::filesystem::path&) {}) {}
  ~TestServer() {
    server_->stop();
    thread_.join();
  }

  int port() const { return server_->port(); }
  Server& server() { return *server_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::unique_ptr<httplib::Client> client() const {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", port());
    client->set_read_timeout(20, 0);
    return client;
  }
  /// POSTs a JSON body; the result must exist (the connection worked).
  httplib::Result post(const std::string& path, const std::string& body, const httplib::Headers& headers = {}) const {
    return client()->Post(path.c_str(), headers, body, "application/json");
  }
  httplib::Result get(const std::string& path, const httplib::Headers& headers = {}) const {
    return client()->Get(path.c_str(), headers);
  }

 private:
  ScratchDir dir_;
  ServeOptions options_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

/// The body as JSON (a test failure, not an exception, when it does not parse).
inline nlohmann::json body_json(const httplib::Result& result) {
  if (!result) {
    ADD_FAILURE() << "no response: " << httplib::to_string(result.error());
    return nlohmann::json();
  }
  auto value = nlohmann::json::parse(result->body, nullptr, false);
  if (value.is_discarded()) ADD_FAILURE() << "not JSON: " << result->body.substr(0, 200);
  return value;
}

/// The error code of an error answer: {"error": {"code": .., "message": ..}}, with a non-empty message.
inline std::string error_code(const httplib::Result& result) {
  auto value = body_json(result);
  if (!value.is_object() || !value.contains("error") || !value["error"].contains("code")) return "<no error object>";
  EXPECT_FALSE(value["error"]["message"].get<std::string>().empty());
  return value["error"]["code"].get<std::string>();
}

}  // namespace semspace::serve::testing
