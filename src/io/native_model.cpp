#include "io/native_model.hpp"

#include <array>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <xxhash.h>

#include "io/checksummed_file.hpp"
#include "io/byte_reader.hpp"
#include "io/text_lines.hpp"
#include "io/vector_checks.hpp"
#include "io/vector_formats.hpp"

namespace semspace::io {
namespace {

constexpr std::array<char, 8> kMagic = {'S', 'E', 'M', 'S', 'P', 'A', 'C', 'E'};
constexpr std::uint32_t kFlagHasCounts = 1u;
constexpr std::uint64_t kMatrixAlignment = 64;  // lets the mapped matrix serve aligned SIMD loads in place
constexpr std::size_t kChecksumBytes = 8;

// Fixed-width little-endian header; field order and offsets are the on-disk layout (docs/formats/native-model.md).
struct Header {
  std::uint32_t version = kNativeVersion;
  std::uint32_t dim = 0;
  std::uint64_t vocab_size = 0;
  std::int32_t minn = 0;
  std::int32_t maxn = 0;
  std::uint32_t buckets = 0;
  std::uint32_t flags = 0;
  std::uint64_t vocab_offset = 0;
  std::uint64_t vocab_length = 0;
  std::uint64_t counts_offset = 0;
  std::uint64_t counts_length = 0;
  std::uint64_t matrix_offset = 0;
  std::uint64_t matrix_length = 0;
};
static_assert(sizeof(Header) == 80, "Header must have no padding");
constexpr std::size_t kHeaderBytes = kMagic.size() + sizeof(Header);  // 88

std::uint64_t align_up(std::uint64_t value, std::uint64_t alignment) { return (value + alignment - 1) / alignment * alignment; }

tl::unexpected<Error> corrupt(std::string_view name, std::string_view message) {
  return make_error(ErrorCode::kCorrupt, fmt::format("{}: {}", name, message));
}

Expected<WordVectors> parse(std::span<const std::byte> data, std::string_view name,
                            const std::shared_ptr<core::MappedFile>& owner) {
  if (data.size() < kHeaderBytes + kChecksumBytes) {
    if (data.empty()) return corrupt(name, "file is empty");
    return corrupt(name, fmt::format("file is {} bytes, too small for a native model (at least {})", data.size(),
                                     kHeaderBytes + kChecksumBytes));
  }
  if (!has_native_magic(data)) return corrupt(name, "not a semspace native model (bad magic)");
  Header header;
  std::memcpy(&header, data.data() + kMagic.size(), sizeof(Header));
  if (header.version != kNativeVersion) {
    return make_error(ErrorCode::kUnsupported, fmt::format("{}: native format version {} is not supported (only {})",
                                                           name, header.version, kNativeVersion));
  }
  std::uint64_t matrix_end = 0;
  std::uint64_t declared_size = 0;
  if (!checked_add(header.matrix_offset, header.matrix_length, matrix_end) ||
      !checked_add(matrix_end, kChecksumBytes, declared_size) || declared_size != data.size()) {
    return corrupt(name, fmt::format("header describes {} bytes but the file has {} (truncated or corrupted)",
                                     declared_size == 0 ? std::string("more than 2^64") : fmt::format("{}", declared_size),
                                     data.size()));
  }
  std::uint64_t stored_checksum = 0;
  std::memcpy(&stored_checksum, data.data() + data.size() - kChecksumBytes, kChecksumBytes);
  if (XXH3_64bits(data.data(), data.size() - kChecksumBytes) != stored_checksum) {
    return corrupt(name, "checksum mismatch (file corrupted)");
  }

  // From here on the bytes are what the writer wrote, but a buggy or hostile writer can still lie; check all.
  if ((header.flags & ~kFlagHasCounts) != 0) {
    return make_error(ErrorCode::kUnsupported, fmt::format("{}: unknown header flags {:#x}", name, header.flags));
  }
  if (header.dim == 0 || header.dim > kMaxVectorDim) {
    return corrupt(name, fmt::format("dimension {} is outside 1..{}", header.dim, kMaxVectorDim));
  }
  if (header.minn < 0 || header.maxn < 0) {
    return corrupt(name, fmt::format("negative n-gram lengths minn {} maxn {}", header.minn, header.maxn));
  }
  SubwordOptions subwords{.minn = header.minn, .maxn = header.maxn, .buckets = header.buckets};
  std::uint64_t vocab_end = 0;
  std::uint64_t counts_end = 0;
  if (header.vocab_offset < kHeaderBytes || !checked_add(header.vocab_offset, header.vocab_length, vocab_end) ||
      vocab_end > header.counts_offset || !checked_add(header.counts_offset, header.counts_length, counts_end) ||
      counts_end > header.matrix_offset || header.matrix_offset % kMatrixAlignment != 0) {
    return corrupt(name, fmt::format("section offsets out of order or misaligned (vocabulary {}+{}, counts {}+{}, "
                                     "matrix {}+{})",
                                     header.vocab_offset, header.vocab_length, header.counts_offset,
                                     header.counts_length, header.matrix_offset, header.matrix_length));
  }
  // Every word takes at least its 4-byte length prefix.
  if (header.vocab_size > header.vocab_length / 4) {
    return corrupt(name, fmt::format("header says {} words but the vocabulary section holds only {} bytes",
                                     header.vocab_size, header.vocab_length));
  }
  const bool has_counts = (header.flags & kFlagHasCounts) != 0;
  const std::uint64_t expected_counts = has_counts ? header.vocab_size * 8 : 0;
  if (header.counts_length != expected_counts) {
    return corrupt(name, fmt::format("counts section is {} bytes, expected {} for {} words", header.counts_length,
                                     expected_counts, header.vocab_size));
  }
  const std::uint64_t rows = header.vocab_size + (subwords.enabled() ? header.buckets : 0);
  std::uint64_t expected_matrix = 0;
  if (!checked_mul(rows, static_cast<std::uint64_t>(header.dim) * sizeof(float), expected_matrix) ||
      header.matrix_length != expected_matrix) {
    return corrupt(name, fmt::format("matrix section is {} bytes, expected {} rows x {} floats", header.matrix_length,
                                     rows, header.dim));
  }

  ByteReader reader(data.first(static_cast<std::size_t>(vocab_end)), name);
  reader.skip(static_cast<std::size_t>(header.vocab_offset));
  std::vector<std::string> words;
  words.reserve(static_cast<std::size_t>(header.vocab_size));
  std::unordered_map<std::string_view, std::uint64_t> seen;
  seen.reserve(static_cast<std::size_t>(header.vocab_size));
  for (std::uint64_t i = 0; i < header.vocab_size; ++i) {
    const std::size_t record_offset = reader.offset();
    auto length = reader.read<std::uint32_t>("a vocabulary word length");
    if (!length) return tl::unexpected(length.error());
    auto bytes = reader.take(*length, "a vocabulary word");
    if (!bytes) return tl::unexpected(bytes.error());
    std::string_view word(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    auto [it, inserted] = seen.emplace(word, i + 1);
    if (!inserted) {
      return corrupt(name, fmt::format("at byte {}: duplicate word \"{}\" (word #{}, first #{})", record_offset,
                                       display_token(word), i + 1, it->second));
    }
    words.emplace_back(word);
  }
  if (reader.remaining() != 0) {
    return reader.corrupt(fmt::format("{} unexpected bytes at the end of the vocabulary section", reader.remaining()));
  }
  std::vector<std::uint64_t> counts(has_counts ? words.size() : 0);
  if (!counts.empty()) std::memcpy(counts.data(), data.data() + header.counts_offset, counts.size() * 8);

  const auto matrix_rows = static_cast<std::size_t>(rows);
  Matrix input;
  if (owner != nullptr && owner->data() == data.data()) {
    // Zero-copy: the private mapping is page-aligned, so the 64-aligned offset gives an aligned matrix.
    auto* base = reinterpret_cast<float*>(owner->data() + header.matrix_offset);
    input = Matrix::wrap(base, matrix_rows, header.dim, owner);
  } else {
    input = Matrix(matrix_rows, header.dim);
    if (input.size() > 0) std::memcpy(input.data(), data.data() + header.matrix_offset, input.size() * sizeof(float));
  }
  for (std::size_t r = 0; r < matrix_rows; ++r) {
    if (auto column = first_non_finite(input.row(r))) {
      std::string what = r < words.size() ? fmt::format("word \"{}\"", display_token(words[r]))
                                          : fmt::format("n-gram bucket {}", r - words.size());
      return corrupt(name, fmt::format("matrix row {} ({}) has a non-finite value at position {}", r, what, *column));
    }
  }
  return WordVectors(std::move(words), std::move(counts), std::move(input), subwords);
}

}  // namespace

bool has_native_magic(std::span<const std::byte> data) noexcept {
  return data.size() >= kMagic.size() && std::memcmp(data.data(), kMagic.data(), kMagic.size()) == 0;
}

Expected<WordVectors> read_native_model(const std::filesystem::path& path) {
  auto file = core::MappedFile::open(path);
  if (!file) return tl::unexpected(file.error());
  return parse((*file)->bytes(), path.string(), *file);
}

Expected<WordVectors> read_native_model(std::shared_ptr<core::MappedFile> file, std::string_view name) {
  SEMSPACE_CHECK(file != nullptr, "read_native_model given no file for {}", name);
  return parse(file->bytes(), name, file);
}

Expected<WordVectors> read_native_model(std::span<const std::byte> data, std::string_view name) {
  return parse(data, name, nullptr);
}

Status write_native_model(const WordVectors& vectors, const std::filesystem::path& path) {
  const Matrix& input = vectors.input();
  for (std::size_t r = 0; r < input.rows(); ++r) {
    if (auto column = first_non_finite(input.row(r))) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("{}: input row {} has a non-finite value at position {}; refusing to write",
                                    path.string(), r, *column));
    }
  }
  Header header;
  header.dim = static_cast<std::uint32_t>(vectors.dim());
  header.vocab_size = vectors.size();
  header.minn = vectors.subwords().minn;
  header.maxn = vectors.subwords().maxn;
  header.buckets = vectors.subwords().buckets;
  header.flags = vectors.has_counts() ? kFlagHasCounts : 0;
  header.vocab_offset = kHeaderBytes;
  for (const auto& word : vectors.words()) {
    if (word.size() > UINT32_MAX) {
      return make_error(ErrorCode::kInvalidArgument, fmt::format("{}: a word of {} bytes is too long to store",
                                                                 path.string(), word.size()));
    }
    header.vocab_length += 4 + word.size();
  }
  header.counts_offset = align_up(header.vocab_offset + header.vocab_length, 8);
  header.counts_length = vectors.has_counts() ? vectors.size() * 8 : 0;
  header.matrix_offset = align_up(header.counts_offset + header.counts_length, kMatrixAlignment);
  header.matrix_length = input.size() * sizeof(float);

  auto file = ChecksummedFileWriter::create(path);
  if (!file) return tl::unexpected(file.error());
  auto put = [&](std::span<const std::byte> bytes) { return file->write(bytes); };
  auto pad_to = [&](std::uint64_t offset) -> Status {
    static constexpr std::array<std::byte, kMatrixAlignment> kZeros{};
    SEMSPACE_CHECK(file->size() <= offset && offset - file->size() <= kZeros.size(), "bad padding to {}", offset);
    return put(std::span(kZeros).first(static_cast<std::size_t>(offset - file->size())));
  };
  Status s = put(std::as_bytes(std::span(kMagic)));
  if (s) s = put(std::as_bytes(std::span(&header, 1)));
  for (const auto& word : vectors.words()) {
    if (!s) break;
    auto length = static_cast<std::uint32_t>(word.size());
    s = put(std::as_bytes(std::span(&length, 1)));
    if (s) s = put(std::as_bytes(std::span(word.data(), word.size())));
  }
  if (s) s = pad_to(header.counts_offset);
  if (s && vectors.has_counts()) s = put(std::as_bytes(std::span(vectors.counts())));
  if (s) s = pad_to(header.matrix_offset);
  if (s) s = put(std::as_bytes(std::span(input.data(), input.size())));
  if (!s) return s;
  return file->commit();
}

}  // namespace semspace::io
