#include "io/word2vec_binary.hpp"

#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "io/atomic_file.hpp"
#include "io/byte_reader.hpp"
#include "io/text_lines.hpp"
#include "io/vector_checks.hpp"
#include "io/vector_formats.hpp"

namespace semspace::io {

Expected<WordVectors> read_word2vec_binary(std::span<const std::byte> data, std::string_view name) {
  if (data.empty()) return make_error(ErrorCode::kCorrupt, fmt::format("{}: file is empty", name));
  ByteReader reader(data, name);
  const auto* chars = reinterpret_cast<const char*>(data.data());

  // The header is short text; look for its '\n' only in the first bytes so a binary blob fails quickly.
  constexpr std::size_t kMaxHeader = 64;
  std::string_view head(chars, std::min(data.size(), kMaxHeader));
  std::size_t newline = head.find('\n');
  std::string_view header = head.substr(0, newline);
  std::uint64_t count = 0;
  std::uint64_t dim_value = 0;
  {
    std::string_view rest = header;
    if (!rest.empty() && rest.back() == '\r') rest.remove_suffix(1);
    std::string_view count_field;
    std::string_view dim_field;
    if (newline == std::string_view::npos || !next_field(rest, count_field) || !next_field(rest, dim_field) ||
        !is_blank(rest) || !parse_count(count_field, count) || !parse_count(dim_field, dim_value)) {
      return make_error(ErrorCode::kCorrupt, fmt::format("{}: expected a header line \"<count> <dim>\", found \"{}\"",
                                                         name, display_token(header)));
    }
  }
  if (dim_value == 0 || dim_value > kMaxVectorDim) {
    return make_error(ErrorCode::kCorrupt, fmt::format("{}: header dimension {} is outside 1..{}", name, dim_value,
                                                       kMaxVectorDim));
  }
  const auto dim = static_cast<std::size_t>(dim_value);
  reader.skip(newline + 1);
  // Each record holds at least a 1-byte word, a space and dim floats.
  std::uint64_t need = 0;
  bool representable = checked_mul(count, 2 + 4 * static_cast<std::uint64_t>(dim), need);
  if (!representable || need > reader.remaining()) {
    return make_error(ErrorCode::kCorrupt,
                      fmt::format("{}: header says {} words of dimension {}, but only {} bytes follow (need at least {})",
                                  name, count, dim, reader.remaining(),
                                  representable ? fmt::format("{}", need) : std::string("more than 2^64")));
  }

  Matrix matrix(static_cast<std::size_t>(count), dim);
  std::vector<std::string> words;
  words.reserve(static_cast<std::size_t>(count));
  std::unordered_map<std::string_view, std::size_t> seen;  // word -> 1-based position
  seen.reserve(static_cast<std::size_t>(count));
  const std::size_t vector_bytes = dim * sizeof(float);

  for (std::size_t i = 0; i < count; ++i) {
    // The '\n' after the previous vector is optional, so it is skipped here rather than required there.
    while (reader.remaining() > 0 && chars[reader.offset()] == '\n') reader.skip(1);
    const std::size_t word_offset = reader.offset();
    const void* space = reader.remaining() == 0 ? nullptr : std::memchr(chars + word_offset, ' ', reader.remaining());
    if (space == nullptr) {
      return make_error(ErrorCode::kCorrupt,
                        fmt::format("{}: truncated at byte {} while reading word #{} of {} (no terminating space)",
                                    name, word_offset, i + 1, count));
    }
    std::string_view word(chars + word_offset, static_cast<const char*>(space) - (chars + word_offset));
    if (word.empty()) return reader.corrupt(fmt::format("word #{} is empty", i + 1));
    reader.skip(word.size() + 1);
    if (reader.remaining() < vector_bytes) {
      return reader.truncated(fmt::format("the vector of word \"{}\"", display_token(word)), vector_bytes);
    }
    auto row = matrix.row(i);
    std::memcpy(row.data(), chars + reader.offset(), vector_bytes);
    if (auto column = first_non_finite(row)) {
      return reader.corrupt(fmt::format("value {} at position {} of word \"{}\" is not a finite number", row[*column],
                                        *column, display_token(word)));
    }
    reader.skip(vector_bytes);
    auto [it, inserted] = seen.emplace(word, i + 1);
    if (!inserted) {
      return make_error(ErrorCode::kCorrupt, fmt::format("{}: at byte {}: duplicate word \"{}\" (word #{}, first #{})",
                                                         name, word_offset, display_token(word), i + 1, it->second));
    }
    words.emplace_back(word);
  }
  while (reader.remaining() > 0) {
    char c = chars[reader.offset()];
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') break;
    reader.skip(1);
  }
  if (reader.remaining() > 0) {
    return reader.corrupt(
        fmt::format("{} unexpected bytes after the {} words the header announced", reader.remaining(), count));
  }
  return WordVectors(std::move(words), {}, std::move(matrix));
}

Status write_word2vec_binary(const WordVectors& vectors, const std::filesystem::path& path) {
  if (auto ok = check_writable_as_text(vectors, path); !ok) return ok;
  auto file = AtomicFileWriter::create(path);
  if (!file) return tl::unexpected(file.error());
  if (auto s = file->write(fmt::format("{} {}\n", vectors.size(), vectors.dim())); !s) return s;
  const Matrix& rows = vectors.words_matrix();
  for (std::size_t r = 0; r < rows.rows(); ++r) {
    if (auto s = file->write(vectors.words()[r]); !s) return s;
    if (auto s = file->write(std::string_view(" ")); !s) return s;
    if (auto s = file->write(std::as_bytes(rows.row(r))); !s) return s;
    if (auto s = file->write(std::string_view("\n")); !s) return s;
  }
  return file->commit();
}

}  // namespace semspace::io
