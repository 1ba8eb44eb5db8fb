// semspace's own model format, .sem (specified in docs/formats/native-model.md): magic, version, fixed header
// with section offsets, vocabulary, optional counts, a 64-byte aligned float32 input matrix, XXH3-64 checksum.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string_view>

#include "core/mapped_file.hpp"
#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace::io {

inline constexpr std::uint32_t kNativeVersion = 1;

/// True when `data` starts with the native magic "SEMSPACE".
bool has_native_magic(std::span<const std::byte> data) noexcept;

/// Maps `path` and parses it; the input matrix wraps the mapping (no copy), which stays alive with the result.
Expected<WordVectors> read_native_model(const std::filesystem::path& path);
/// The same on a file already mapped (named `name` in messages); the result shares ownership of `file`.
Expected<WordVectors> read_native_model(std::shared_ptr<core::MappedFile> file, std::string_view name);
/// Parses bytes in memory; the matrix is copied. Errors (kCorrupt): bad magic, sizes that disagree with the
/// file size, checksum mismatch, malformed vocabulary, duplicate words, non-finite values; kUnsupported: other
/// versions or unknown flags.
Expected<WordVectors> read_native_model(std::span<const std::byte> data, std::string_view name);

/// Writes the whole model (vocabulary, counts, subword settings, input matrix) crash-safely.
Status write_native_model(const WordVectors& vectors, const std::filesystem::path& path);

}  // namespace semspace::io
