#include "io/text_vectors.hpp"

#include <algorithm>
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
namespace {

tl::unexpected<Error> line_error(std::string_view name, std::size_t line, std::string_view message) {
  return make_error(ErrorCode::kCorrupt, fmt::format("{}:{}: {}", name, line, message));
}

// The fewest bytes a valid "word v1 .. vD" record can take: a 1-byte word and D one-digit values, each after a
// separator. Bounding row counts by it keeps a lying header or a file of empty lines from driving allocation.
std::uint64_t min_record_bytes(std::size_t dim) { return 2 * static_cast<std::uint64_t>(dim) + 1; }

}  // namespace

Expected<WordVectors> read_text_vectors(std::span<const std::byte> data, std::string_view name, bool has_header) {
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (text.empty()) return make_error(ErrorCode::kCorrupt, fmt::format("{}: file is empty", name));
  LineCursor lines(text);
  std::string_view line;
  std::size_t dim = 0;
  std::uint64_t declared_count = 0;
  std::size_t capacity = 0;
  std::string_view pending;  // GloVe: the first line is both the dimension probe and the first record
  bool have_pending = false;

  if (has_header) {
    lines.next(line);
    std::string_view rest = line;
    std::string_view count_field;
    std::string_view dim_field;
    std::uint64_t dim_value = 0;
    if (!next_field(rest, count_field) || !next_field(rest, dim_field) || !is_blank(rest) ||
        !parse_count(count_field, declared_count) || !parse_count(dim_field, dim_value)) {
      return line_error(name, 1, fmt::format("expected a header \"<count> <dim>\", found \"{}\"", display_token(line)));
    }
    if (dim_value == 0 || dim_value > kMaxVectorDim) {
      return line_error(name, 1, fmt::format("dimension {} is outside 1..{}", dim_value, kMaxVectorDim));
    }
    dim = static_cast<std::size_t>(dim_value);
    std::uint64_t need = 0;
    bool representable = checked_mul(declared_count, min_record_bytes(dim), need);
    if (!representable || need > lines.remaining_bytes()) {
      return line_error(name, 1,
                        fmt::format("header says {} words of dimension {}, but only {} bytes follow (need at least {})",
                                    declared_count, dim, lines.remaining_bytes(),
                                    representable ? fmt::format("{}", need) : std::string("more than 2^64")));
    }
    capacity = static_cast<std::size_t>(declared_count);
  } else {
    while (lines.next(line) && is_blank(line)) {
    }
    if (is_blank(line)) return make_error(ErrorCode::kCorrupt, fmt::format("{}: file has no vectors", name));
    std::size_t fields = count_fields(line);
    std::string_view rest = line;
    std::string_view word;
    next_field(rest, word);
    if (fields < 2) {
      return line_error(name, lines.line_number(),
                        fmt::format("expected values after word \"{}\", found none", display_token(word)));
    }
    if (fields - 1 > kMaxVectorDim) {
      return line_error(name, lines.line_number(),
                        fmt::format("{} values after word \"{}\"; the maximum dimension is {}", fields - 1,
                                    display_token(word), kMaxVectorDim));
    }
    dim = fields - 1;
    std::size_t newlines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    capacity = std::min<std::size_t>(newlines + 1, text.size() / min_record_bytes(dim) + 1);
    pending = line;
    have_pending = true;
  }

  Matrix matrix(capacity, dim);
  std::vector<std::string_view> word_views;
  word_views.reserve(capacity);
  std::unordered_map<std::string_view, std::size_t> first_line;  // word -> line of its first occurrence
  first_line.reserve(capacity);

  while (have_pending || lines.next(line)) {
    if (have_pending) {
      line = pending;
      have_pending = false;
    }
    if (is_blank(line)) continue;
    const std::size_t line_no = lines.line_number();
    std::string_view rest = line;
    std::string_view word;
    next_field(rest, word);
    if (has_header && word_views.size() == declared_count) {
      return line_error(name, line_no, fmt::format("header says {} words, but more lines follow", declared_count));
    }
    SEMSPACE_CHECK(word_views.size() < capacity, "row capacity {} too small at line {}", capacity, line_no);
    auto row = matrix.row(word_views.size());
    std::string_view field;
    for (std::size_t j = 0; j < dim; ++j) {
      if (!next_field(rest, field)) {
        return line_error(name, line_no,
                          fmt::format("expected {} floats after word \"{}\", found {}", dim, display_token(word), j));
      }
      FloatParse parsed = parse_float(field, row[j]);
      if (parsed != FloatParse::kOk) return line_error(name, line_no, describe_float_error(parsed, field, word));
    }
    if (!is_blank(rest)) {
      return line_error(name, line_no,
                        fmt::format("expected {} floats after word \"{}\", found {}", dim, display_token(word),
                                    dim + count_fields(rest)));
    }
    auto [it, inserted] = first_line.emplace(word, line_no);
    if (!inserted) {
      return line_error(name, line_no,
                        fmt::format("duplicate word \"{}\" (first on line {})", display_token(word), it->second));
    }
    word_views.push_back(word);
  }

  if (has_header && word_views.size() < declared_count) {
    return make_error(ErrorCode::kCorrupt, fmt::format("{}: header says {} words, but the file ends after {} (line {})",
                                                       name, declared_count, word_views.size(), lines.line_number()));
  }
  std::vector<std::string> words(word_views.begin(), word_views.end());
  if (words.size() < capacity) {
    Matrix exact(words.size(), dim);
    std::copy_n(matrix.data(), exact.size(), exact.data());
    matrix = std::move(exact);
  }
  return WordVectors(std::move(words), {}, std::move(matrix));
}

Status write_text_vectors(const WordVectors& vectors, const std::filesystem::path& path, bool has_header) {
  if (auto ok = check_writable_as_text(vectors, path); !ok) return ok;
  auto file = AtomicFileWriter::create(path);
  if (!file) return tl::unexpected(file.error());
  fmt::memory_buffer buffer;
  const Matrix& rows = vectors.words_matrix();
  if (has_header) fmt::format_to(std::back_inserter(buffer), "{} {}\n", vectors.size(), vectors.dim());
  for (std::size_t r = 0; r < rows.rows(); ++r) {
    buffer.append(vectors.words()[r]);
    // fmt's "{}" prints the shortest decimal that parses back to the same float, so text round-trips exactly.
    for (float x : rows.row(r)) fmt::format_to(std::back_inserter(buffer), " {}", x);
    buffer.push_back('\n');
    if (buffer.size() >= (1 << 16)) {
      if (auto s = file->write(std::string_view(buffer.data(), buffer.size())); !s) return s;
      buffer.clear();
    }
  }
  if (auto s = file->write(std::string_view(buffer.data(), buffer.size())); !s) return s;
  return file->commit();
}

}  // namespace semspace::io
