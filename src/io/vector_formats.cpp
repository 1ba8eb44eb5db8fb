#include "io/vector_formats.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "core/mapped_file.hpp"
#include "io/fasttext_bin.hpp"
#include "io/glove_text.hpp"
#include "io/native_model.hpp"
#include "io/text_lines.hpp"
#include "io/word2vec_binary.hpp"
#include "io/word2vec_text.hpp"

namespace semspace::io {
namespace {

struct FormatName {
  VectorFormat format;
  std::string_view name;
};
constexpr std::array<FormatName, 6> kFormatNames = {{
    {VectorFormat::kNative, "native"},
    {VectorFormat::kWord2VecText, "word2vec"},
    {VectorFormat::kWord2VecBinary, "word2vec-bin"},
    {VectorFormat::kGloveText, "glove"},
    {VectorFormat::kFastTextVec, "vec"},
    {VectorFormat::kFastTextBin, "fasttext-bin"},
}};

constexpr std::size_t kSniffBytes = 4096;

std::string lower_extension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

bool has_fasttext_magic(std::span<const std::byte> head) {
  std::int32_t magic = 0;
  if (head.size() < sizeof(magic)) return false;
  std::memcpy(&magic, head.data(), sizeof(magic));
  return magic == kFastTextMagic;
}

// True when the first line is exactly two non-negative integers (word2vec's "<count> <dim>" header). A first
// line longer than the sniffed bytes is a vector line, not a header.
bool first_line_is_count_header(std::span<const std::byte> head) {
  std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
  std::size_t newline = text.find('\n');
  if (newline == std::string_view::npos && head.size() >= kSniffBytes) return false;
  std::string_view line = text.substr(0, newline);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::string_view first;
  std::string_view second;
  std::uint64_t value = 0;
  return next_field(line, first) && next_field(line, second) && is_blank(line) && parse_count(first, value) &&
         parse_count(second, value);
}

// head: the first bytes of the file (up to kSniffBytes).
Expected<VectorFormat> detect(std::span<const std::byte> head, const std::filesystem::path& name) {
  if (has_native_magic(head)) return VectorFormat::kNative;
  if (has_fasttext_magic(head)) return VectorFormat::kFastTextBin;
  const std::string ext = lower_extension(name);
  if (ext == ".sem") return VectorFormat::kNative;  // without the magic; the reader reports the damage
  if (ext == ".bin") return VectorFormat::kWord2VecBinary;
  if (ext == ".vec") return VectorFormat::kFastTextVec;
  if (ext == ".txt") return first_line_is_count_header(head) ? VectorFormat::kWord2VecText : VectorFormat::kGloveText;
  if (ext == ".glove") return VectorFormat::kGloveText;
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("{}: cannot tell the vector format from the extension \"{}\"; name it explicitly "
                                "(native, word2vec, word2vec-bin, glove, vec, fasttext-bin)",
                                name.string(), ext));
}

Expected<WordVectors> read_as(std::span<const std::byte> data, std::string_view name, VectorFormat format) {
  switch (format) {
    case VectorFormat::kNative: return read_native_model(data, name);
    case VectorFormat::kWord2VecText:
    case VectorFormat::kFastTextVec: return read_word2vec_text(data, name);
    case VectorFormat::kWord2VecBinary: return read_word2vec_binary(data, name);
    case VectorFormat::kGloveText: return read_glove_text(data, name);
    case VectorFormat::kFastTextBin: return read_fasttext_bin(data, name);
  }
  SEMSPACE_CHECK(false, "unknown VectorFormat {}", static_cast<int>(format));
  return make_error(ErrorCode::kInvalidArgument, "unreachable");
}

}  // namespace

std::string_view vector_format_name(VectorFormat format) noexcept {
  for (const auto& entry : kFormatNames) {
    if (entry.format == format) return entry.name;
  }
  return "unknown";
}

Expected<VectorFormat> parse_vector_format_name(std::string_view name) {
  for (const auto& entry : kFormatNames) {
    if (entry.name == name) return entry.format;
  }
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("unknown vector format \"{}\" (expected native, word2vec, word2vec-bin, glove, vec or "
                                "fasttext-bin)",
                                display_token(name)));
}

Expected<VectorFormat> detect_vector_format(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  std::array<std::byte, kSniffBytes> head{};
  in.read(reinterpret_cast<char*>(head.data()), head.size());
  if (in.bad()) return make_error(ErrorCode::kIo, fmt::format("{}: cannot read", path.string()));
  return detect(std::span(head).first(static_cast<std::size_t>(in.gcount())), path);
}

Expected<VectorFormat> detect_vector_format(std::span<const std::byte> data, std::string_view name) {
  return detect(data.first(std::min(data.size(), kSniffBytes)), std::filesystem::path(name));
}

Expected<VectorFormat> format_for_output_path(const std::filesystem::path& path) {
  const std::string ext = lower_extension(path);
  if (ext == ".sem") return VectorFormat::kNative;
  if (ext == ".bin") return VectorFormat::kWord2VecBinary;
  if (ext == ".vec") return VectorFormat::kFastTextVec;
  if (ext == ".glove") return VectorFormat::kGloveText;
  if (ext == ".txt") {
    return lower_extension(path.stem()) == ".glove" ? VectorFormat::kGloveText : VectorFormat::kWord2VecText;
  }
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("{}: cannot choose an output format for extension \"{}\" (use .sem, .bin, .vec, .txt, "
                                ".glove or .glove.txt)",
                                path.string(), ext));
}

Expected<WordVectors> read_word_vectors(const std::filesystem::path& path, std::optional<VectorFormat> format) {
  auto file = core::MappedFile::open(path);
  if (!file) return tl::unexpected(file.error());
  auto bytes = (*file)->bytes();
  VectorFormat chosen;
  if (format) {
    chosen = *format;
  } else {
    auto detected = detect(bytes.first(std::min(bytes.size(), kSniffBytes)), path);
    if (!detected) return tl::unexpected(detected.error());
    chosen = *detected;
  }
  // Native files keep their matrix inside the mapping; other formats parse from it and let it go.
  if (chosen == VectorFormat::kNative) return read_native_model(*file, path.string());
  return read_as(bytes, path.string(), chosen);
}

Expected<WordVectors> read_word_vectors(std::span<const std::byte> data, std::string_view name,
                                        std::optional<VectorFormat> format) {
  if (format) return read_as(data, name, *format);
  auto detected = detect_vector_format(data, name);
  if (!detected) return tl::unexpected(detected.error());
  return read_as(data, name, *detected);
}

Status write_word_vectors(const WordVectors& vectors, const std::filesystem::path& path, VectorFormat format) {
  switch (format) {
    case VectorFormat::kNative: return write_native_model(vectors, path);
    case VectorFormat::kWord2VecText:
    case VectorFormat::kFastTextVec: return write_word2vec_text(vectors, path);
    case VectorFormat::kWord2VecBinary: return write_word2vec_binary(vectors, path);
    case VectorFormat::kGloveText: return write_glove_text(vectors, path);
    case VectorFormat::kFastTextBin:
      return make_error(ErrorCode::kUnsupported,
                        fmt::format("{}: writing fastText .bin models is not supported; use native (.sem)",
                                    path.string()));
  }
  SEMSPACE_CHECK(false, "unknown VectorFormat {}", static_cast<int>(format));
  return make_error(ErrorCode::kInvalidArgument, "unreachable");
}

}  // namespace semspace::io
