// The training corpus as a sequence of vocabulary ids: tokenized once, kept in an unlinked temporary file
// that is memory-mapped for the epochs, so the corpus is never held in process memory as text and
// gzip or stdin input can be replayed for every epoch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "semspace/status.hpp"
#include "prepare/text/tokenizer.hpp"
#include "prepare/text/vocabulary.hpp"

namespace semspace::core {
class Progress;
}

namespace semspace::train {

/// Marks the end of a line (a sentence: contexts never cross it).
inline constexpr std::uint32_t kEndOfLine = 0xFFFFFFFFu;

struct CorpusStats {
  std::uint64_t lines = 0;
  std::uint64_t tokens = 0;          // all tokens read, before min-count
  std::uint64_t kept_tokens = 0;     // tokens of vocabulary words
  std::uint64_t distinct_words = 0;  // before min-count
  std::uint64_t invalid_utf8 = 0;    // replaced invalid byte sequences
  std::uint64_t bytes = 0;
};

/// Read-only after build(); safe to read from many threads.
class TokenStream {
 public:
  /// Reads `input` ("-" for stdin; gzip detected), tokenizes, counts, builds the vocabulary and writes the
  /// ids of vocabulary words (lines ended by kEndOfLine) to a temporary file under `temp_dir`.
  /// Errors: unreadable input, an input with no vocabulary word left after min-count.
  static Expected<TokenStream> build(const std::filesystem::path& input, const TokenizerOptions& tokenizer,
                                     const VocabularyOptions& vocabulary, const std::filesystem::path& temp_dir,
                                     core::Progress* progress);

  TokenStream(TokenStream&&) noexcept;
  TokenStream& operator=(TokenStream&&) noexcept;
  ~TokenStream();

  const Vocabulary& vocabulary() const noexcept { return vocabulary_; }
  const CorpusStats& stats() const noexcept { return stats_; }
  /// All ids, lines ended by kEndOfLine.
  std::span<const std::uint32_t> ids() const noexcept { return {ids_, size_}; }
  /// Boundaries that split ids() into `parts` contiguous ranges of about equal size, each starting at a line
  /// start; returns parts + 1 offsets.
  std::vector<std::size_t> split(int parts) const;

 private:
  TokenStream() = default;
  Vocabulary vocabulary_;
  CorpusStats stats_;
  std::shared_ptr<void> mapping_;
  const std::uint32_t* ids_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace semspace::train
