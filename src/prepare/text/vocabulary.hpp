// Word counting and the training vocabulary (word2vec/fastText semantics: min-count, most frequent first,
// frequent-word subsampling).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "prepare/text/word_table.hpp"
#include "semspace/status.hpp"

namespace semspace {

struct VocabularyOptions {
  std::uint64_t min_count = 5;  // word2vec and fastText default
  std::size_t max_size = 0;     // keep at most this many words (the most frequent); 0 = unlimited
  Status validate() const;
};

/// Counts tokens. Not thread-safe: give each thread its own counter and merge() them at the end.
class VocabularyCounter {
 public:
  /// Counts one occurrence (or `count`) of `token` and returns its index in words() (first-seen order).
  /// Allocation-free for words seen before.
  std::uint32_t add(std::string_view token, std::uint64_t count = 1);
  /// Adds every count of `other` (the combine step after per-thread counting).
  void merge(const VocabularyCounter& other);

  /// Number of add()ed occurrences, all words.
  std::uint64_t total_tokens() const noexcept { return total_tokens_; }
  /// Number of different words seen.
  std::size_t distinct_count() const noexcept { return table_.size(); }
  /// Occurrences of `token` so far (0 when unseen).
  std::uint64_t count(std::string_view token) const;
  /// Words in first-seen order, and their counts (same length).
  const std::vector<std::string>& words() const noexcept { return table_.words(); }
  const std::vector<std::uint64_t>& counts() const noexcept { return counts_; }

 private:
  WordTable table_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_tokens_ = 0;
};

/// The kept words: count >= min_count, sorted by count descending with ties broken by the word's bytes
/// ascending (so the order, and every id, is deterministic), then truncated to max_size.
/// Immutable after construction: const methods are safe from many threads.
class Vocabulary {
 public:
  Vocabulary() = default;
  /// O(n log n) in the number of distinct words. Throws InternalError if options.validate() fails
  /// (options come from code or from flags that the CLI validates first).
  Vocabulary(const VocabularyCounter& counter, const VocabularyOptions& options);

  /// Id (0 = most frequent) of `word`, or nullopt when it was not kept.
  std::optional<std::uint32_t> find(std::string_view word) const { return table_.find(word); }
  const std::vector<std::string>& words() const noexcept { return table_.words(); }
  const std::vector<std::uint64_t>& counts() const noexcept { return counts_; }
  /// Sum of the counts of the kept words.
  std::uint64_t total_count() const noexcept { return total_count_; }
  std::size_t size() const noexcept { return counts_.size(); }

  /// Per word id, the probability of keeping an occurrence under frequent-word subsampling (word2vec,
  /// fastText): min(1, sqrt(t / f) + t / f) with f = count / total_count(). t <= 0 disables it (all 1).
  std::vector<float> keep_probabilities(double t = 1e-4) const;

 private:
  WordTable table_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_count_ = 0;
};

}  // namespace semspace
