// word2vec text format (also fastText's .vec): a "<count> <dim>" header line, then one "word f1 .. fD" line per
// word. Trailing spaces and CRLF line ends are accepted; blank lines are skipped.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>

#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace::io {

/// Parses `data` (named `name` in messages). Errors (kCorrupt): empty file, bad header, header sizes larger than
/// the file could hold, a line with the wrong number of values, non-numeric or non-finite values, duplicate
/// words, more or fewer lines than the header says. No counts, no subwords.
Expected<WordVectors> read_word2vec_text(std::span<const std::byte> data, std::string_view name);

/// Writes words_matrix() with the shortest decimal form that reads back to the same float ("{}" of fmt).
/// `with_header` false gives GloVe's layout.
Status write_word2vec_text(const WordVectors& vectors, const std::filesystem::path& path, bool with_header = true);

}  // namespace semspace::io
