// Whole-file line reading for the small evaluation sets (at most a few MB): accepts "\n" and "\r\n" line ends
// and a missing final newline, as the published sets mix all three.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "semspace/status.hpp"

namespace semspace {

/// The file's lines without their line ends (line i of the result is line i + 1 of the file).
/// kIo naming the path when it cannot be opened or read.
Expected<std::vector<std::string>> read_text_lines(const std::filesystem::path& path);

/// The whole file as one string. kIo naming the path when it cannot be opened or read.
Expected<std::string> read_text_file(const std::filesystem::path& path);

/// Splits on runs of ASCII whitespace (space, tab, \r, \v, \f, \n); no empty fields.
std::vector<std::string_view> split_whitespace(std::string_view line);

/// ASCII lowercase copy (non-ASCII bytes unchanged: the evaluation sets are ASCII).
std::string ascii_lower(std::string_view text);
/// ASCII uppercase copy.
std::string ascii_upper(std::string_view text);

}  // namespace semspace
