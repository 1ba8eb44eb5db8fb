// word2vec binary format: a "<count> <dim>\n" text header, then per word its bytes, a space, dim little-endian
// float32 values and an optional '\n' (word2vec.c writes it; some tools do not).
#pragma once

#include <filesystem>
#include <span>
#include <string_view>

#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace::io {

/// Parses `data`. Errors (kCorrupt) give the byte offset: bad header, sizes larger than the file, truncation,
/// empty or duplicate words, non-finite values, bytes after the last vector.
Expected<WordVectors> read_word2vec_binary(std::span<const std::byte> data, std::string_view name);

/// Writes words_matrix() in word2vec.c's layout (with the '\n' after each vector).
Status write_word2vec_binary(const WordVectors& vectors, const std::filesystem::path& path);

}  // namespace semspace::io
