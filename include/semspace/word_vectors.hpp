// WordVectors: a vocabulary with one vector per word and, optionally, fastText-style subword n-gram rows so
// that any string, even one never seen in training, gets a vector.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace {

/// Subword settings of a model. Disabled when maxn == 0 or buckets == 0.
struct SubwordOptions {
  int minn = 3;
  int maxn = 6;
  std::uint32_t buckets = 2000000;  // fastText's default
  bool enabled() const noexcept { return maxn > 0 && buckets > 0; }
};

/// Immutable after construction, so every const method is safe to call from many threads.
class WordVectors {
 public:
  /// words: the vocabulary, most frequent first (the order evaluation's --max-vocab relies on).
  /// counts: corpus frequency per word, same length as words, or empty when unknown (word2vec/GloVe text).
  /// input: rows = words.size() + (subwords.enabled() ? subwords.buckets : 0), one row per word then one per
  ///   n-gram bucket, exactly fastText's input matrix. For subword models a word's vector is the mean of its
  ///   own row and its n-gram rows (fastText's rule); without subwords it is its own row.
  /// Throws InternalError when the sizes disagree (callers validate outside input first).
  WordVectors(std::vector<std::string> words, std::vector<std::uint64_t> counts, Matrix input,
              SubwordOptions subwords);
  /// A model without subwords whose rows are the word vectors themselves.
  WordVectors(std::vector<std::string> words, std::vector<std::uint64_t> counts, Matrix vectors);

  WordVectors(WordVectors&&) noexcept;
  WordVectors& operator=(WordVectors&&) noexcept;
  ~WordVectors();

  int dim() const noexcept { return static_cast<int>(input_.cols()); }
  std::size_t size() const noexcept { return words_.size(); }
  const std::vector<std::string>& words() const noexcept { return words_; }
  /// Empty when the source format carries no counts.
  const std::vector<std::uint64_t>& counts() const noexcept { return counts_; }
  bool has_counts() const noexcept { return !counts_.empty(); }
  bool has_subwords() const noexcept { return subwords_.enabled(); }
  const SubwordOptions& subwords() const noexcept { return subwords_; }
  /// fastText's input matrix (words then buckets); for models without subwords, the word vectors.
  const Matrix& input() const noexcept { return input_; }

  /// Index of a vocabulary word, or nullopt.
  std::optional<std::uint32_t> find(std::string_view word) const;
  /// The vector of vocabulary word `index` (subwords already averaged in).
  std::span<const float> vector(std::uint32_t index) const { return words_matrix().row(index); }
  /// The rows of input() whose mean is vocabulary word `index`'s vector: its own row, then (subword models) the
  /// rows of its n-gram buckets, in n-gram order (a bucket shared by two n-grams appears twice).
  std::vector<std::uint32_t> input_rows(std::uint32_t index) const;
  /// All vocabulary word vectors, rows = size().
  const Matrix& words_matrix() const;
  /// The same rows scaled to unit length (zero rows stay zero); computed on first use, thread-safe.
  const Matrix& unit_words_matrix() const;

  /// The vector of any word: vocabulary words as above; unknown words through their n-grams.
  /// Errors with kNotFound naming the word when it is unknown and the model has no subwords.
  Expected<std::vector<float>> vector(std::string_view word) const;

  /// A stable hex digest of the model's content (dimension, vocabulary, subword settings, matrix bytes).
  /// Stored vectors carry it so vectors from different spaces are never mixed.
  std::string fingerprint() const;

 private:
  std::vector<std::string> words_;
  std::vector<std::uint64_t> counts_;
  Matrix input_;
  SubwordOptions subwords_;
  std::unordered_map<std::string_view, std::uint32_t> index_;
  Matrix words_matrix_;  // only for subword models; otherwise input_ serves
  struct Lazy;
  std::unique_ptr<Lazy> lazy_;
};

}  // namespace semspace
