// Questions asked of one word-vector model: cosine similarity, nearest neighbours, analogies.
// All are exact brute-force scans over WordVectors::unit_words_matrix(); every function is thread-safe
// (WordVectors is immutable) and runs on the calling thread.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace {

struct Neighbor {
  std::string word;
  float score = 0;  // cosine for neighbours and 3CosAdd; the 3CosMul objective for 3CosMul
};

/// Cosine similarity of two words. Words outside the vocabulary get their vector from subwords when the model
/// has them; otherwise kNotFound naming the word. A zero vector gives similarity 0.
Expected<float> similarity(const WordVectors& model, std::string_view a, std::string_view b);

/// The k vocabulary words most cosine-similar to `word`, best first (ties: more frequent word first); fewer
/// than k when the vocabulary is smaller. The word itself and every word in `exclude` are never returned.
/// An unknown word is looked up through subwords when possible, else kNotFound; k < 1 gives kInvalidArgument.
/// Cost: one pass over size() x dim() floats (about 2-4 ms for 100k x 100).
Expected<std::vector<Neighbor>> nearest_neighbors(const WordVectors& model, std::string_view word, int k,
                                                  std::span<const std::string> exclude = {});
/// The same for an arbitrary query vector (query.size() == dim(), else kInvalidArgument); only `exclude` is
/// excluded.
Expected<std::vector<Neighbor>> nearest_neighbors(const WordVectors& model, std::span<const float> query, int k,
                                                  std::span<const std::string> exclude = {});

enum class AnalogyMethod {
  k3CosAdd,  // argmax_x cos(x, b - a + c), all unit vectors (Mikolov et al. 2013)
  k3CosMul,  // argmax_x cos'(x,b) cos'(x,c) / (cos'(x,a) + 1e-3), cos' = (cos + 1) / 2 (Levy & Goldberg 2014)
};

/// "a is to b as c is to ?": the k best answers, best first, never a, b or c. Candidates are the first
/// `restrict_vocab` (most frequent) words, or the whole vocabulary when 0. Unknown a/b/c: as for similarity().
Expected<std::vector<Neighbor>> analogy(const WordVectors& model, std::string_view a, std::string_view b,
                                        std::string_view c, int k, AnalogyMethod method = AnalogyMethod::k3CosAdd,
                                        std::size_t restrict_vocab = 0);

}  // namespace semspace
