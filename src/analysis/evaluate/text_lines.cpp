#include "analysis/evaluate/text_lines.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace semspace {
namespace {
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }
}  // namespace

Expected<std::vector<std::string>> read_text_lines(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorCode::kIo, fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  }
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  if (in.bad()) return make_error(ErrorCode::kIo, fmt::format("{}: read error", path.string()));
  return lines;
}

Expected<std::string> read_text_file(const std::filesystem::path& path) {
  std::error_code ignored;
  // An ifstream opens a directory and then reads nothing: say what is wrong instead of parsing "".
  if (std::filesystem::is_directory(path, ignored)) {
    return make_error(ErrorCode::kIo, fmt::format("{}: is a directory, not a file", path.string()));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(ErrorCode::kIo, fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return make_error(ErrorCode::kIo, fmt::format("{}: read error", path.string()));
  return std::move(text).str();
}

std::vector<std::string_view> split_whitespace(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    std::size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

namespace {
std::string shift_case(std::string_view text, char from_first, char from_last, char to_first) {
  std::string out(text);
  for (char& c : out) {
    if (c >= from_first && c <= from_last) c = static_cast<char>(c - from_first + to_first);
  }
  return out;
}
}  // namespace

std::string ascii_lower(std::string_view text) { return shift_case(text, 'A', 'Z', 'a'); }
std::string ascii_upper(std::string_view text) { return shift_case(text, 'a', 'z', 'A'); }

}  // namespace semspace
