// fastText's .bin model (version 12), read only. We keep the word entries (type 0) with their counts in file
// order, the subword settings (minn, maxn, bucket) and the input matrix (nwords + bucket rows). Labels of
// supervised models and the output matrix are skipped.
#pragma once

#include <span>
#include <string_view>

#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace::io {

/// fastText's file magic (first int32 of every .bin/.ftz).
inline constexpr std::int32_t kFastTextMagic = 793712314;
inline constexpr std::int32_t kFastTextVersion = 12;

/// Parses `data`. Errors: kCorrupt for truncation (naming the byte offset and the section) or inconsistent sizes;
/// kUnsupported for other versions, quantized (.ftz) models and pruned dictionaries.
Expected<WordVectors> read_fasttext_bin(std::span<const std::byte> data, std::string_view name);

}  // namespace semspace::io
