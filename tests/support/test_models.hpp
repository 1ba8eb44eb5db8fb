// Small WordVectors built in memory for tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/random.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace::testing {

/// A model without subwords; rows[i] is the vector of words[i].
inline WordVectors make_model(const std::vector<std::string>& words, const std::vector<std::vector<float>>& rows,
                              std::vector<std::uint64_t> counts = {}) {
  Matrix m(rows.size(), rows.empty() ? 0 : rows[0].size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < rows[r].size(); ++c) m.row(r)[c] = rows[r][c];
  }
  return WordVectors(words, std::move(counts), std::move(m));
}

/// Uniform(-1, 1) entries, seeded.
inline Matrix random_matrix(std::size_t rows, std::size_t cols, std::uint64_t seed) {
  core::Rng rng(seed);
  Matrix m(rows, cols);
  for (std::size_t i = 0; i < m.size(); ++i) m.data()[i] = rng.uniform() * 2.0f - 1.0f;
  return m;
}

/// Words "w0", "w1", ... with random vectors.
inline WordVectors random_model(std::size_t words, std::size_t dim, std::uint64_t seed) {
  std::vector<std::string> vocab;
  // fmt rather than "w" + to_string: GCC 12 warns falsely (-Wrestrict, GCC bug 105329) on the latter.
  for (std::size_t i = 0; i < words; ++i) vocab.push_back(fmt::format("w{}", i));
  return WordVectors(std::move(vocab), {}, random_matrix(words, dim, seed));
}

}  // namespace semspace::testing
