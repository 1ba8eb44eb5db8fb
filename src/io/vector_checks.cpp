#include "io/vector_checks.hpp"

#include <cmath>

#include <fmt/format.h>

#include "io/text_lines.hpp"

namespace semspace::io {

std::optional<std::size_t> first_non_finite(std::span<const float> values) noexcept {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) return i;
  }
  return std::nullopt;
}

Status check_writable_as_text(const WordVectors& vectors, const std::filesystem::path& path) {
  const auto& words = vectors.words();
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i].empty() || words[i].find_first_of(" \t\n\r") != std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("{}: word #{} \"{}\" is empty or contains whitespace; this format cannot store it",
                                    path.string(), i + 1, display_token(words[i])));
    }
  }
  const Matrix& rows = vectors.words_matrix();
  for (std::size_t r = 0; r < rows.rows(); ++r) {
    if (auto column = first_non_finite(rows.row(r))) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("{}: value {} at position {} of word \"{}\" is not a finite number; refusing to write",
                                    path.string(), rows.row(r)[*column], *column, display_token(words[r])));
    }
  }
  return {};
}

}  // namespace semspace::io
