// GloVe text format: no header; each line "word f1 .. fD"; D is taken from the first line.
#pragma once

#include <filesystem>
#include <span>
#include <string_view>

#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace::io {

/// Parses `data`. Errors (kCorrupt): empty file, a first line without values, any later line whose value count
/// differs from the first, non-numeric or non-finite values, duplicate words. No counts, no subwords.
Expected<WordVectors> read_glove_text(std::span<const std::byte> data, std::string_view name);

/// Writes words_matrix() as GloVe text (shortest round-tripping decimals).
Status write_glove_text(const WordVectors& vectors, const std::filesystem::path& path);

}  // namespace semspace::io
