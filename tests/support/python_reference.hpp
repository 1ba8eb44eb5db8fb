// Runs an independent numpy reference script (tests/reference/*.py) and reads back what it prints.
#pragma once

#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace semspace::testing {

inline std::filesystem::path reference_script(const std::string& name) {
  return std::filesystem::path(SEMSPACE_SOURCE_DIR) / "tests" / "reference" / name;
}

/// A fresh directory under the build tree for one test's files.
/// A fresh directory per process: ctest runs each test in its own process, several at a time, so a
/// directory shared by name would be removed under a neighbour's feet.
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::path(SEMSPACE_BINARY_DIR) / "test_scratch" / (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

struct CommandResult {
  int status = -1;
  std::string output;
};

/// Runs `/usr/bin/python3 script args...` (args must not need shell quoting beyond paths without quotes).
inline CommandResult run_python(const std::filesystem::path& script, const std::vector<std::string>& args) {
  std::string command = "/usr/bin/python3 '" + script.string() + "'";
  for (const auto& a : args) command += " '" + a + "'";
  command += " 2>&1";
  CommandResult result;
  FILE* raw = popen(command.c_str(), "r");
  if (raw == nullptr) return result;
  std::array<char, 4096> buffer;
  std::size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), raw)) > 0) result.output.append(buffer.data(), n);
  result.status = pclose(raw);
  return result;
}

/// Whitespace-separated numbers of a text file, in order.
inline std::vector<double> read_numbers(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<double> out;
  double v;
  while (in >> v) out.push_back(v);
  return out;
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace semspace::testing
