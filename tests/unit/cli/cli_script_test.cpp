// Runs the declarative CLI scripts in tests/cli/*.t against the built `semspace` binary.
//
// A script is a sequence of steps that share one fresh temporary directory:
//   run: <shell command>      {semspace}, {tmp}, {source} and {data} are substituted; runs with /bin/sh -c
//   exit: <code>              expected exit status (default 0)
//   stdout~ <regex>           stdout must contain a match (ECMAScript regex); may repeat
//   stdout!~ <regex>          stdout must not contain a match
//   stderr~ <regex>           stderr must contain a match
//   stderr!~ <regex>          stderr must not contain a match
//   require-data: <path>      skip the rest of the script when {data}/<path> is missing (no ../shared/data)
// Lines starting with '#' and blank lines are ignored.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) text.replace(at, from.size(), to);
  return text;
}

struct Step {
  int line = 0;
  std::string command;
  int exit_code = 0;
  std::vector<std::pair<std::string, std::string>> checks;  // kind, regex
};

std::vector<fs::path> scripts() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(fs::path(SEMSPACE_SOURCE_DIR) / "tests" / "cli")) {
    if (entry.path().extension() == ".t") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class CliScript : public testing::TestWithParam<fs::path> {};

TEST_P(CliScript, Passes) {
  const fs::path script = GetParam();
  std::random_device rd;
  const fs::path tmp = fs::temp_directory_path() / ("semspace-cli-" + script.stem().string() + "-" + std::to_string(rd()));
  fs::create_directories(tmp);
  const std::string data = (fs::path(SEMSPACE_SOURCE_DIR) / ".." / "shared" / "data").lexically_normal().string();
  auto substitute = [&](std::string text) {
    text = replace_all(text, "{semspace}", std::string(SEMSPACE_BINARY_DIR) + "/semspace");
    text = replace_all(text, "{tmp}", tmp.string());
    text = replace_all(text, "{source}", SEMSPACE_SOURCE_DIR);
    return replace_all(text, "{data}", data);
  };

  std::vector<Step> steps;
  std::istringstream lines(slurp(script));
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    auto take = [&](const std::string& prefix) -> std::optional<std::string> {
      if (line.rfind(prefix, 0) != 0) return std::nullopt;
      std::string rest = line.substr(prefix.size());
      rest.erase(0, rest.find_first_not_of(' '));
      return rest;
    };
    if (auto cmd = take("run:")) {
      steps.push_back(Step{number, substitute(*cmd), 0, {}});
    } else if (auto data_path = take("require-data:")) {
      steps.push_back(Step{number, "", 0, {{"require-data", *data_path}}});
    } else if (steps.empty()) {
      FAIL() << script << ":" << number << ": expectation before any run: line";
    } else if (auto code = take("exit:")) {
      steps.back().exit_code = std::stoi(*code);
    } else if (auto re = take("stdout!~")) {
      steps.back().checks.emplace_back("stdout!~", *re);
    } else if (auto re2 = take("stdout~")) {
      steps.back().checks.emplace_back("stdout~", *re2);
    } else if (auto re4 = take("stderr!~")) {
      steps.back().checks.emplace_back("stderr!~", *re4);
    } else if (auto re3 = take("stderr~")) {
      steps.back().checks.emplace_back("stderr~", *re3);
    } else {
      FAIL() << script << ":" << number << ": cannot parse: " << line;
    }
  }

  for (const auto& step : steps) {
    if (step.command.empty()) {
      if (!fs::exists(fs::path(data) / step.checks[0].second)) {
        GTEST_SKIP() << "evaluation data missing: " << data << "/" << step.checks[0].second;
      }
      continue;
    }
    const fs::path out = tmp / ".stdout", err = tmp / ".stderr";
    std::string full = "cd '" + tmp.string() + "' && ( " + step.command + " ) >'" + out.string() + "' 2>'" + err.string() + "'";
    int status = std::system(full.c_str());
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::string stdout_text = slurp(out), stderr_text = slurp(err);
    std::string where = script.filename().string() + ":" + std::to_string(step.line) + ": " + step.command;
    EXPECT_EQ(code, step.exit_code) << where << "\nstdout: " << stdout_text.substr(0, 2000)
                                    << "\nstderr: " << stderr_text.substr(0, 2000);
    for (const auto& [kind, pattern] : step.checks) {
      const bool on_stderr = kind.rfind("stderr", 0) == 0;
      const std::string& text = on_stderr ? stderr_text : stdout_text;
      bool found = std::regex_search(text, std::regex(pattern));
      if (kind == "stdout!~" || kind == "stderr!~") {
        EXPECT_FALSE(found) << where << "\nunexpected match of /" << pattern << "/ in:\n" << text.substr(0, 2000);
      } else {
        EXPECT_TRUE(found) << where << "\nno match of /" << pattern << "/ in " << (on_stderr ? "stderr" : "stdout")
                           << ":\n" << text.substr(0, 2000);
      }
    }
    if (testing::Test::HasFailure()) break;
  }
  if (!testing::Test::HasFailure()) fs::remove_all(tmp);
}

INSTANTIATE_TEST_SUITE_P(Scripts, CliScript, testing::ValuesIn(scripts()),
                         [](const testing::TestParamInfo<fs::path>& info) {
                           std::string name = info.param.stem().string();
                           for (char& c : name) if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

}  // namespace
