// `semspace model pull` end to end: the built binary against the in-process FakeHub (HF_ENDPOINT), with
// SEMSPACE_HOME and HF_HOME in a temporary directory so no user cache or token is touched.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/fake_hub.hpp"

namespace {

namespace fs = std::filesystem;
using semspace::testing::FakeHub;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Outcome {
  int code = -1;
  std::string out, err;
};

class ModelPullCli : public testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    tmp_ = fs::temp_directory_path() / ("semspace-model-pull-" + std::to_string(rd()));
    fs::create_directories(tmp_);
    hub_.files["config.json"] = FakeHub::file(R"({"model_type":"bert"})");
    hub_.files["vocab.txt"] = FakeHub::file("[PAD]\nhello\n");
    hub_.files["1_Pooling/config.json"] = FakeHub::file(R"({"pooling_mode_mean_tokens":true})");
    hub_.files["model.safetensors"] = FakeHub::file(std::string(30000, 'w'), true, true);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(tmp_, ec);
  }

  // HF_TOKEN is cleared unless given; HF_HOME points at an empty folder, so no token file is found either.
  Outcome run(const std::string& args, const std::string& token = "") {
    const std::string command = "env -u HF_TOKEN -u HF_TOKEN_PATH HF_HOME='" + (tmp_ / "hf").string() +
                                "' SEMSPACE_HOME='" + (tmp_ / "home").string() + "' HF_ENDPOINT='" + hub_.url() + "' " +
                                (token.empty() ? "" : "HF_TOKEN='" + token + "' ") + SEMSPACE_BINARY_DIR +
                                "/semspace " + args + " >'" + (tmp_ / "out").string() + "' 2>'" +
                                (tmp_ / "err").string() + "'";
    const int status = std::system(command.c_str());
    return Outcome{WIFEXITED(status) ? WEXITSTATUS(status) : 128, slurp(tmp_ / "out"), slurp(tmp_ / "err")};
  }

  fs::path tmp_;
  FakeHub hub_;
};

TEST_F(ModelPullCli, PullsIntoSemspaceHomeAndPrintsJson) {
  const Outcome r = run("model pull org/model --json");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(json.is_object()) << r.out;
  const fs::path folder = tmp_ / "home" / "models" / "org" / "model" / "snapshots" / hub_.commit;
  EXPECT_EQ(json["repo"], "org/model");
  EXPECT_EQ(json["revision"], "main");
  EXPECT_EQ(json["commit"], hub_.commit);
  EXPECT_EQ(json["path"], folder.string());
  EXPECT_EQ(json["files"].size(), 4u);
  std::uint64_t total = 0;
  for (const auto& [name, file] : hub_.files) total += file.content.size();
  EXPECT_EQ(json["bytes_downloaded"], total);
  EXPECT_EQ(slurp(folder / "model.safetensors"), std::string(30000, 'w'));
  EXPECT_EQ(r.err, "");  // stderr is not a terminal here: no progress lines

  const Outcome again = run("model pull org/model");
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_NE(again.out.find("4 files, 0 downloaded"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find(folder.string()), std::string::npos) << again.out;
}

TEST_F(ModelPullCli, GatedRepoNeedsHfToken) {
  hub_.required_token = "hf_cli";
  const Outcome denied = run("model pull org/model");
  EXPECT_EQ(denied.code, 1);
  EXPECT_NE(denied.err.find("HTTP 401"), std::string::npos) << denied.err;
  EXPECT_NE(denied.err.find("set HF_TOKEN"), std::string::npos) << denied.err;
  const Outcome allowed = run("model pull org/model", "hf_cli");
  EXPECT_EQ(allowed.code, 0) << allowed.err;
}

TEST_F(ModelPullCli, ErrorsExitOneOrTwo) {
  const Outcome missing = run("model pull org/missing");
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("semspace: error: " + hub_.url() + "/api/models/org/missing/revision/main: HTTP 404: "
                             "no model repo org/missing"),
            std::string::npos)
      << missing.err;
  const Outcome revision = run("model pull org/model --revision nope");
  EXPECT_EQ(revision.code, 1);
  EXPECT_NE(revision.err.find("no revision \"nope\""), std::string::npos) << revision.err;
  const Outcome usage = run("model pull just-a-name");
  EXPECT_EQ(usage.code, 2);
  EXPECT_NE(usage.err.find("not a hub model id"), std::string::npos) << usage.err;
  EXPECT_EQ(hub_.requests().size(), 2u);  // the bad id never reached the hub
}

}  // namespace
