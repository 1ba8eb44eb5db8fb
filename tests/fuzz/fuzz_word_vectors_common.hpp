// Shared body of the word-vector fuzz targets: parse, and when parsing succeeds, use the result the way callers
// do, so that a reader accepting inconsistent data shows up as a crash here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "io/vector_formats.hpp"

namespace semspace::fuzz {

inline void exercise(const Expected<WordVectors>& result) {
  if (!result) {
    if (result.error().message.empty()) __builtin_trap();  // every error must say something
    return;
  }
  const WordVectors& vectors = *result;
  if (vectors.words_matrix().rows() != vectors.size()) __builtin_trap();
  for (std::uint32_t i = 0; i < vectors.size(); ++i) {
    if (vectors.find(vectors.words()[i]) != i) __builtin_trap();  // words are unique
    (void)vectors.vector(i);
  }
  (void)vectors.vector("fuzz-unknown-word");
  (void)vectors.fingerprint();
}

inline void run(const std::uint8_t* data, std::size_t size, std::string_view name, io::VectorFormat format) {
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  exercise(io::read_word_vectors(bytes, name, format));
}

}  // namespace semspace::fuzz
