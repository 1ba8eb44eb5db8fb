// The reader and writer shared by the word2vec text (header) and GloVe (no header) layouts, which differ only
// in the first line.
#pragma once

#include <filesystem>
#include <span>
#include <string_view>

#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace::io {

/// See read_word2vec_text / read_glove_text for the contract.
Expected<WordVectors> read_text_vectors(std::span<const std::byte> data, std::string_view name, bool has_header);
Status write_text_vectors(const WordVectors& vectors, const std::filesystem::path& path, bool has_header);

}  // namespace semspace::io
