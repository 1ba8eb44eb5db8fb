// Checks shared by the readers and writers of word-vector files.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>

#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace::io {

/// Index of the first NaN or infinite value, or nullopt.
std::optional<std::size_t> first_non_finite(std::span<const float> values) noexcept;

/// For the text and word2vec binary writers: every word non-empty and free of spaces, tabs and line breaks
/// (they would split or end the record), every value of words_matrix() finite. kInvalidArgument naming the
/// word otherwise.
Status check_writable_as_text(const WordVectors& vectors, const std::filesystem::path& path);

}  // namespace semspace::io
