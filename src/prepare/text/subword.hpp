// fastText-compatible character n-grams: the word wrapped in '<' '>', n-grams of minn..maxn UTF-8 characters,
// hashed with 32-bit FNV-1a (bytes sign-extended, as fastText does) into `buckets` rows.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "semspace/word_vectors.hpp"

namespace semspace {


/// fastText's string hash (FNV-1a over bytes, each byte sign-extended before the xor).
std::uint32_t fasttext_hash(std::string_view text);

/// Appends the bucket index (0..buckets-1) of every n-gram of "<word>" to `out`, in fastText's order.
/// Does nothing when subwords are disabled. `word` is the bare word (no angle brackets).
void append_subword_buckets(std::string_view word, const SubwordOptions& options, std::vector<std::uint32_t>& out);

/// The n-gram strings themselves, in the same order as append_subword_buckets (for explanation and tests).
std::vector<std::string> subword_strings(std::string_view word, const SubwordOptions& options);

}  // namespace semspace
