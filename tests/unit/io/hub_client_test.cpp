// pull_model and resolve_pulled_model against FakeHub (tests/support/fake_hub.hpp): an in-process imitation of the
// hub and its CDN on loopback. No test touches the internet.
#include "io/hub_client.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>

#include <gtest/gtest.h>

#include "support/fake_hub.hpp"
#include "unit/io/io_test_util.hpp"

namespace semspace::io {
namespace {

namespace fs = std::filesystem;
using semspace::testing::FakeHub;
using testing_util::read_file;
using testing_util::write_file;

std::string bytes(std::size_t n, std::uint32_t seed) {
  std::string s(n, '\0');
  std::uint32_t x = seed;
  for (auto& c : s) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

class HubClientTest : public testing_util::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    hub_.files["config.json"] = FakeHub::file(R"({"model_type":"bert"})");
    hub_.files["tokenizer.json"] = FakeHub::file(R"({"model":{"type":"WordPiece"}})");
    hub_.files["vocab.txt"] = FakeHub::file("[PAD]\n[UNK]\nhello\n");
    hub_.files["modules.json"] = FakeHub::file("[]");
    hub_.files["1_Pooling/config.json"] = FakeHub::file(R"({"pooling_mode_mean_tokens":true})");
    hub_.files["model.safetensors"] = FakeHub::file(weights_, true, true);
    hub_.files["pytorch_model.bin"] = FakeHub::file("pickle", true, true);
    hub_.files["onnx/model.onnx"] = FakeHub::file("onnx", true, true);
    hub_.files["README.md"] = FakeHub::file("# model");
  }

  HubOptions options(std::string token = "") const {
    HubOptions o;
    o.endpoint = hub_.url();
    o.token = std::move(token);
    return o;
  }
  fs::path models() const { return dir_ / "models"; }
  fs::path snapshot() const { return models() / "org" / "model" / "snapshots" / hub_.commit; }
  Expected<PullResult> pull(const std::string& token = "", const std::string& repo = "org/model",
                            const std::string& revision = "main") {
    return pull_model(models(), repo, revision, options(token));
  }

  const std::string weights_ = bytes(50000, 7);
  FakeHub hub_;
};

TEST_F(HubClientTest, PullsTheModelFilesPinnedToTheCommit) {
  auto result = pull();
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->commit, hub_.commit);
  EXPECT_EQ(result->folder, snapshot());
  std::vector<std::string> names;
  for (const auto& f : result->files) {
    names.push_back(f.name);
    EXPECT_TRUE(f.downloaded) << f.name;
    EXPECT_EQ(f.size, hub_.files[f.name].content.size()) << f.name;
    EXPECT_EQ(read_file(snapshot() / f.name), hub_.files[f.name].content) << f.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"config.json", "tokenizer.json", "vocab.txt", "modules.json",
                                             "1_Pooling/config.json", "model.safetensors"}));
  EXPECT_FALSE(fs::exists(snapshot() / "pytorch_model.bin"));
  EXPECT_FALSE(fs::exists(snapshot() / "model.safetensors.part"));
  std::uint64_t total = 0;
  for (const auto& f : result->files) total += f.size;
  EXPECT_EQ(result->bytes_downloaded, total);
  EXPECT_EQ(read_file(models() / "org" / "model" / "refs" / "main"), hub_.commit);
  // Files are fetched at the commit, not at "main", so a push during the pull cannot mix two versions.
  for (const auto& r : hub_.requests()) {
    if (r.server == "hub" && r.path.find("/resolve/") != std::string::npos) {
      EXPECT_NE(r.path.find("/resolve/" + hub_.commit + "/"), std::string::npos) << r.path;
    }
    EXPECT_EQ(r.path.find("pytorch_model"), std::string::npos) << r.path;
  }
  auto folder = resolve_pulled_model(models(), "org/model");
  ASSERT_TRUE(folder) << folder.error().message;
  EXPECT_EQ(*folder, snapshot());
}

TEST_F(HubClientTest, TokenGoesToTheHubButNotToTheCdn) {
  hub_.required_token = "hf_secret";
  auto result = pull("hf_secret");
  ASSERT_TRUE(result) << result.error().message;
  std::size_t hub_requests = 0, cdn_requests = 0;
  for (const auto& r : hub_.requests()) {
    if (r.server == "hub") {
      ++hub_requests;
      EXPECT_EQ(r.authorization, "Bearer hf_secret") << r.path;
    } else {
      ++cdn_requests;
      EXPECT_EQ(r.authorization, "") << r.path;
    }
  }
  EXPECT_EQ(hub_requests, 7u);  // the listing and six files
  EXPECT_EQ(cdn_requests, 1u);  // model.safetensors
}

TEST_F(HubClientTest, MissingTokenForAGatedRepoSaysToSetHfToken) {
  hub_.required_token = "hf_secret";
  auto result = pull();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kIo);
  EXPECT_NE(result.error().message.find("401"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find("HF_TOKEN"), std::string::npos) << result.error().message;
  EXPECT_NE(result.error().message.find(hub_.url() + "/api/models/org/model/revision/main"), std::string::npos)
      << result.error().message;
  EXPECT_EQ(hub_.download_requests(), 0u);

  auto wrong = pull("hf_wrong");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("rejected the token"), std::string::npos) << wrong.error().message;
}

TEST_F(HubClientTest, GatedRepoWithoutAccessSaysHowToGetIt) {
  hub_.forbidden = true;
  auto result = pull("hf_token_without_access");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kIo);
  const std::string& message = result.error().message;
  EXPECT_NE(message.find("HTTP 403: no access to org/model with this token"), std::string::npos) << message;
  EXPECT_NE(message.find("accept its conditions"), std::string::npos) << message;
  EXPECT_NE(message.find("hub says: Access to model org/model is restricted"), std::string::npos) << message;
}

TEST_F(HubClientTest, UnknownRepoAndRevisionAreNotFound) {
  auto repo = pull("", "org/missing");
  ASSERT_FALSE(repo);
  EXPECT_EQ(repo.error().code, ErrorCode::kNotFound);
  EXPECT_NE(repo.error().message.find("no model repo org/missing"), std::string::npos) << repo.error().message;

  auto revision = pull("", "org/model", "v9");
  ASSERT_FALSE(revision);
  EXPECT_EQ(revision.error().code, ErrorCode::kNotFound);
  EXPECT_NE(revision.error().message.find("no revision \"v9\""), std::string::npos) << revision.error().message;
  EXPECT_FALSE(fs::exists(models() / "org" / "missing"));
}

TEST_F(HubClientTest, FileMissingAtResolveIsNotFoundNamingIt) {
  hub_.unresolvable.insert("vocab.txt");
  auto result = pull();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kNotFound);
  EXPECT_NE(result.error().message.find(hub_.url() + "/org/model/resolve/" + hub_.commit +
                                        "/vocab.txt: HTTP 404: no file vocab.txt in org/model"),
            std::string::npos)
      << result.error().message;
  EXPECT_FALSE(fs::exists(snapshot() / "vocab.txt.part"));  // the 404 body is not saved as file content
}

TEST_F(HubClientTest, ResumesAfterADroppedConnection) {
  hub_.drop_once["model.safetensors"] = 20000;
  auto first = pull();
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().code, ErrorCode::kIo);
  // Named without the CDN's signed query string.
  EXPECT_NE(first.error().message.find(hub_.cdn_url() + "/blob/model.safetensors: network error"), std::string::npos)
      << first.error().message;
  EXPECT_EQ(first.error().message.find("X-Amz-Signature"), std::string::npos) << first.error().message;
  const fs::path part = snapshot() / "model.safetensors.part";
  ASSERT_TRUE(fs::exists(part));
  EXPECT_EQ(read_file(part), weights_.substr(0, 20000));
  EXPECT_FALSE(fs::exists(models() / "org" / "model" / "refs" / "main"));  // incomplete: not resolvable
  EXPECT_FALSE(resolve_pulled_model(models(), "org/model"));

  auto second = pull();
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(read_file(snapshot() / "model.safetensors"), weights_);
  EXPECT_FALSE(fs::exists(part));
  const auto requests = hub_.requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.back().server, "cdn");
  EXPECT_EQ(requests.back().range, "bytes=20000-");
  ASSERT_EQ(second->files.back().name, "model.safetensors");
  EXPECT_EQ(second->bytes_downloaded, weights_.size() - 20000);  // the small files were complete already
}

TEST_F(HubClientTest, ProgressStartsAtTheResumedOffsetAndEndsOnceComplete) {
  hub_.drop_once["model.safetensors"] = 20000;
  ASSERT_FALSE(pull());
  struct Event {
    std::string file;
    std::uint64_t done, total;
    bool complete;
  };
  std::vector<Event> events;
  auto record = [&](const std::string& file, std::uint64_t done, std::uint64_t total, bool complete) {
    events.push_back({file, done, total, complete});
  };
  auto result = pull_model(models(), "org/model", "main", options(), record);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_GE(events.size(), 2u);
  for (const auto& e : events) EXPECT_EQ(e.file, "model.safetensors");  // the small files were already complete
  EXPECT_EQ(events.front().done, 20000u);
  EXPECT_FALSE(events.front().complete);
  EXPECT_TRUE(events.back().complete);
  EXPECT_EQ(events.back().done, weights_.size());
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    EXPECT_FALSE(events[i].complete);
    EXPECT_LE(events[i].done, events[i + 1].done);
    EXPECT_EQ(events[i].total, weights_.size());
  }
  events.clear();
  ASSERT_TRUE(pull_model(models(), "org/model", "main", options(), record));
  EXPECT_TRUE(events.empty());
}

TEST_F(HubClientTest, ServerIgnoringTheRangeRestartsTheFile) {
  hub_.ignore_range = true;
  fs::create_directories(snapshot());
  write_file(snapshot() / "model.safetensors.part", weights_.substr(0, 1000));
  auto result = pull();
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(read_file(snapshot() / "model.safetensors"), weights_);  // not the 1000 bytes twice
  EXPECT_EQ(hub_.requests().back().range, "bytes=1000-");
}

TEST_F(HubClientTest, ChecksumMismatchDeletesTheDownloadAndNamesTheFile) {
  hub_.files["model.safetensors"].listed_sha256 = std::string(64, 'a');
  auto result = pull();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(result.error().message.find("checksum mismatch for model.safetensors"), std::string::npos)
      << result.error().message;
  EXPECT_FALSE(fs::exists(snapshot() / "model.safetensors"));
  EXPECT_FALSE(fs::exists(snapshot() / "model.safetensors.part"));
  EXPECT_FALSE(fs::exists(models() / "org" / "model" / "refs" / "main"));
}

TEST_F(HubClientTest, CorruptPartIsCaughtByTheChecksum) {
  fs::create_directories(snapshot());
  write_file(snapshot() / "model.safetensors.part", std::string(1000, 'x'));  // not a prefix of the weights
  auto result = pull();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kCorrupt);
  EXPECT_FALSE(fs::exists(snapshot() / "model.safetensors.part"));
  auto again = pull();  // starts from byte 0
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(read_file(snapshot() / "model.safetensors"), weights_);
}

// A full disk cannot be made portably in a test; a file-size limit fails write(2) the same way, mid-download.
TEST_F(HubClientTest, WriteFailureNamesThePartFileAndTheNextPullResumes) {
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit small = saved;
  small.rlim_cur = 20000;
  auto* saved_handler = std::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of a signal
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  auto result = pull();
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, saved_handler);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kIo);
  const fs::path part = snapshot() / "model.safetensors.part";
  EXPECT_EQ(result.error().message.rfind(part.string() + ": cannot write: ", 0), 0u) << result.error().message;
  const std::uint64_t kept = fs::file_size(part);
  EXPECT_GT(kept, 0u);
  EXPECT_LE(kept, 20000u);
  EXPECT_EQ(read_file(part), weights_.substr(0, kept));

  auto again = pull();
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(read_file(snapshot() / "model.safetensors"), weights_);
  EXPECT_EQ(hub_.requests().back().range, "bytes=" + std::to_string(kept) + "-");
}

TEST_F(HubClientTest, SizeMismatchIsAnError) {
  hub_.files["vocab.txt"].listed_size = 5;
  auto result = pull();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kCorrupt);
  EXPECT_NE(result.error().message.find("hub lists 5 for vocab.txt"), std::string::npos) << result.error().message;
  EXPECT_FALSE(fs::exists(snapshot() / "vocab.txt"));
}

TEST_F(HubClientTest, RepullFetchesNothingWhenComplete) {
  ASSERT_TRUE(pull());
  const std::size_t downloads = hub_.download_requests();
  const std::size_t requests = hub_.requests().size();
  auto again = pull();
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(hub_.download_requests(), downloads);
  EXPECT_EQ(hub_.requests().size(), requests + 1);  // only the listing, to learn what "main" is now
  EXPECT_EQ(again->bytes_downloaded, 0u);
  for (const auto& f : again->files) EXPECT_FALSE(f.downloaded) << f.name;

  // A damaged file (wrong size) is fetched again, and only that one.
  write_file(snapshot() / "vocab.txt", "cut");
  auto repaired = pull();
  ASSERT_TRUE(repaired) << repaired.error().message;
  EXPECT_EQ(hub_.download_requests(), downloads + 1);
  EXPECT_EQ(read_file(snapshot() / "vocab.txt"), hub_.files["vocab.txt"].content);
}

TEST_F(HubClientTest, ShardedWeightsFollowTheIndex) {
  hub_.files.erase("model.safetensors");
  const std::string a = bytes(3000, 1), b = bytes(4000, 2);
  hub_.files["model-00001-of-00002.safetensors"] = FakeHub::file(a, true, true);
  hub_.files["model-00002-of-00002.safetensors"] = FakeHub::file(b, true, true);
  hub_.files["model.safetensors.index.json"] =
      FakeHub::file(R"({"metadata":{},"weight_map":{"x":"model-00001-of-00002.safetensors",)"
                    R"("y":"model-00002-of-00002.safetensors","z":"model-00001-of-00002.safetensors"}})");
  auto result = pull();
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(read_file(snapshot() / "model-00001-of-00002.safetensors"), a);
  EXPECT_EQ(read_file(snapshot() / "model-00002-of-00002.safetensors"), b);
  EXPECT_EQ(result->files.size(), 8u);  // five small files, the index and two shards
}

TEST_F(HubClientTest, RefusesPickleOnlyModels) {
  hub_.files.erase("model.safetensors");
  auto result = pull();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(result.error().message.find("only pytorch_model.bin"), std::string::npos) << result.error().message;
  EXPECT_EQ(hub_.download_requests(), 0u);
}

TEST_F(HubClientTest, NamesTheUrlOnNetworkFailure) {
  HubOptions o;
  o.endpoint = "http://127.0.0.1:1";  // nothing listens on port 1
  auto result = pull_model(models(), "org/model", "main", o);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kIo);
  EXPECT_NE(result.error().message.find("http://127.0.0.1:1/api/models/org/model/revision/main: network error"),
            std::string::npos)
      << result.error().message;
}

TEST_F(HubClientTest, AnotherPullOfTheSameModelIsRefused) {
  const fs::path model_dir = models() / "org" / "model";
  fs::create_directories(model_dir);
  const int fd = ::open((model_dir / ".lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  auto result = pull();
  ::close(fd);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("another pull of org/model is running"), std::string::npos)
      << result.error().message;
  EXPECT_TRUE(pull());
}

TEST_F(HubClientTest, RevisionsWithSlashesAreOnePathSegment) {
  hub_.revision = "refs/pr/1";
  auto result = pull("", "org/model", "refs/pr/1");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(hub_.requests().front().path, "/api/models/org/model/revision/refs/pr/1");  // decoded by the server
  auto folder = resolve_pulled_model(models(), "org/model", "refs/pr/1");
  ASSERT_TRUE(folder) << folder.error().message;
  EXPECT_EQ(*folder, snapshot());
  EXPECT_FALSE(resolve_pulled_model(models(), "org/model", "main"));
}

TEST_F(HubClientTest, ResolveExplainsHowToPull) {
  auto missing = resolve_pulled_model(models(), "org/model");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("semspace model pull org/model"), std::string::npos)
      << missing.error().message;
  auto bad = resolve_pulled_model(models(), "../etc");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE(pull());
  fs::remove_all(snapshot());
  auto gone = resolve_pulled_model(models(), "org/model");
  ASSERT_FALSE(gone);
  EXPECT_NE(gone.error().message.find("is missing"), std::string::npos) << gone.error().message;
}

TEST(HubIds, RepoIdsAndRevisions) {
  EXPECT_TRUE(check_repo_id("sentence-transformers/all-MiniLM-L6-v2"));
  EXPECT_TRUE(check_repo_id("BAAI/bge-small-en-v1.5"));
  for (const char* bad : {"", "bert-base-uncased", "a/b/c", "../x", "a/..", "/a", "a/", "a b/c", "a/b?c", "a/b%2f"}) {
    auto r = check_repo_id(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(check_revision("main"));
  EXPECT_TRUE(check_revision("refs/pr/12"));
  EXPECT_TRUE(check_revision("v1.0"));
  for (const char* bad : {"", "../main", "a//b", "/main", "main/", "a b", "x?y"}) {
    EXPECT_FALSE(check_revision(bad)) << bad;
  }
}

// Environment variables are process-wide: this test sets and restores the ones it reads.
class HubEnvironmentTest : public testing_util::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    for (const char* name : kNames) {
      if (const char* v = std::getenv(name)) saved_.emplace_back(name, v);
      ::unsetenv(name);
    }
  }
  void TearDown() override {
    for (const char* name : kNames) ::unsetenv(name);
    for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
    TempDirTest::TearDown();
  }
  static constexpr const char* kNames[] = {"HF_ENDPOINT", "HF_TOKEN", "HF_TOKEN_PATH", "HF_HOME", "XDG_CACHE_HOME",
                                           "HOME"};
  std::vector<std::pair<std::string, std::string>> saved_;
};

TEST_F(HubEnvironmentTest, DefaultsWithoutAnyVariable) {
  ::setenv("HOME", dir_.c_str(), 1);
  const auto o = HubOptions::from_environment();
  EXPECT_EQ(o.endpoint, "https://huggingface.co");
  EXPECT_EQ(o.token, "");
}

TEST_F(HubEnvironmentTest, TokenSourcesInHuggingfaceHubOrder) {
  ::setenv("HOME", dir_.c_str(), 1);
  fs::create_directories(dir_ / ".cache" / "huggingface");
  write_file(dir_ / ".cache" / "huggingface" / "token", "hf_home_default\n");
  EXPECT_EQ(HubOptions::from_environment().token, "hf_home_default");
  fs::create_directories(dir_ / "xdg" / "huggingface");
  write_file(dir_ / "xdg" / "huggingface" / "token", "hf_xdg");
  ::setenv("XDG_CACHE_HOME", (dir_ / "xdg").c_str(), 1);
  EXPECT_EQ(HubOptions::from_environment().token, "hf_xdg");
  fs::create_directories(dir_ / "hf");
  write_file(dir_ / "hf" / "token", "  hf_from_hf_home  \n");
  ::setenv("HF_HOME", (dir_ / "hf").c_str(), 1);
  EXPECT_EQ(HubOptions::from_environment().token, "hf_from_hf_home");
  write_file(dir_ / "elsewhere", "hf_token_path");
  ::setenv("HF_TOKEN_PATH", (dir_ / "elsewhere").c_str(), 1);
  EXPECT_EQ(HubOptions::from_environment().token, "hf_token_path");
  ::setenv("HF_TOKEN", "hf_env", 1);
  EXPECT_EQ(HubOptions::from_environment().token, "hf_env");
}

TEST_F(HubEnvironmentTest, HfEndpointIsHonoured) {
  FakeHub hub;
  hub.files["config.json"] = FakeHub::file("{}");
  hub.files["model.safetensors"] = FakeHub::file("weights", true);
  ::setenv("HOME", dir_.c_str(), 1);
  ::setenv("HF_ENDPOINT", (hub.url() + "/").c_str(), 1);
  const auto o = HubOptions::from_environment();
  EXPECT_EQ(o.endpoint, hub.url());
  auto result = pull_model(dir_ / "models", "org/model", "main", o);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(hub.requests().size(), 3u);
  EXPECT_EQ(read_file(result->folder / "model.safetensors"), "weights");
}

}  // namespace
}  // namespace semspace::io
