// Word-vector file formats: detection by extension and content, and one entry point to read or write any of
// them as a semspace::WordVectors.
//
// Readers never trust a header: every count or length is checked against the bytes that remain before anything
// is allocated, and every failure is an Error whose one-line message names the file and the position
// ("vectors.txt:1041: ...", "model.bin: truncated at byte 5120 ..."). Errors are kCorrupt for malformed
// content, kUnsupported for valid inputs we do not handle (quantized fastText), kIo for open/read/write
// failures, kInvalidArgument for bad format names or unwritable models. NaN/Inf values, duplicate words, empty
// files and dimension mismatches are all errors. All functions are thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>

#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace::io {

enum class VectorFormat {
  kNative,          // .sem, our own checksummed format (docs/formats/native-model.md); keeps subwords
  kWord2VecText,    // "count dim" header, then "word f1 .. fD" lines
  kWord2VecBinary,  // "count dim\n", then "word " + D little-endian float32 (+ optional '\n') per word
  kGloveText,       // no header; "word f1 .. fD" lines
  kFastTextVec,     // fastText's .vec: the word2vec text layout
  kFastTextBin,     // fastText's .bin model (read only); keeps subwords
};

/// Largest vector dimension any reader accepts; a larger claim is treated as corruption, not allocated.
inline constexpr std::size_t kMaxVectorDim = std::size_t{1} << 20;

/// The user-facing name of a format ("native", "word2vec", "word2vec-bin", "glove", "vec", "fasttext-bin").
std::string_view vector_format_name(VectorFormat format) noexcept;
/// Inverse of vector_format_name; kInvalidArgument listing the valid names otherwise.
Expected<VectorFormat> parse_vector_format_name(std::string_view name);

/// Format of an existing file. Content first: our "SEMSPACE" magic wins regardless of extension, and so does
/// fastText's magic. Otherwise by extension: .sem native, .bin word2vec binary, .vec fastText vec, .txt word2vec
/// text when the first line is "<count> <dim>" else GloVe. Errors: kIo if unreadable, kInvalidArgument if the
/// extension is unknown.
Expected<VectorFormat> detect_vector_format(const std::filesystem::path& path);
/// The same on in-memory bytes; `name` supplies the extension (e.g. "vectors.txt").
Expected<VectorFormat> detect_vector_format(std::span<const std::byte> data, std::string_view name);

/// Format to write for an output path: .sem native, .bin word2vec binary (never fastText .bin), .vec fastText vec,
/// .glove or .glove.txt GloVe, .txt word2vec text. kInvalidArgument for other extensions.
Expected<VectorFormat> format_for_output_path(const std::filesystem::path& path);

/// Reads a file in `format`, or the detected one. Text files are memory-mapped and scanned, never copied whole
/// into memory; a native file's matrix stays in the mapping (zero-copy).
Expected<WordVectors> read_word_vectors(const std::filesystem::path& path, std::optional<VectorFormat> format = {});
/// Reads from memory (fuzzing, embedded data); `name` is used for detection and in messages. The bytes are
/// copied where needed, so they need not outlive the result.
Expected<WordVectors> read_word_vectors(std::span<const std::byte> data, std::string_view name,
                                        std::optional<VectorFormat> format = {});

/// Writes crash-safely (temporary file, fsync, rename, fsync of the directory). Text and word2vec binary
/// formats store words_matrix() (subwords already averaged in) and need words without whitespace; native keeps
/// the whole model. Errors: kUnsupported for kFastTextBin, kInvalidArgument for unwritable words or non-finite
/// values, kIo for file system failures.
Status write_word_vectors(const WordVectors& vectors, const std::filesystem::path& path, VectorFormat format);

}  // namespace semspace::io
