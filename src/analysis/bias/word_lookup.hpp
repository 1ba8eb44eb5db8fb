// How the bias tools find a list's word in a model: as written, then in ASCII lower case. The published lists
// capitalise names ("Emily") and acronyms ("NASA"), which cased vocabularies hold as written and uncased ones in
// lower case; trying both lets one list serve both.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "semspace/word_vectors.hpp"

namespace semspace {

/// Vocabulary index of `word`, else of its ASCII-lowercase form, else nullopt.
std::optional<std::uint32_t> find_list_word(const WordVectors& model, std::string_view word);

}  // namespace semspace
