// Word-pair similarity evaluation (WordSim-353, MEN, RG-65, MTurk, ...): Spearman and Pearson correlation
// between the model's cosine similarity and human scores.
#pragma once

#include <cstddef>
#include <filesystem>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace {

struct WordPair {
  std::string first;
  std::string second;
  double score = 0;
  std::size_t line = 0;  // 1-based line in the source file, for messages
};

/// Reads `word1 word2 score` lines. Fields are tab separated when the line has a tab, else comma separated when
/// it has a comma, else whitespace separated; fields after the third are ignored. Empty lines and lines starting
/// with '#' are skipped, and so is the first other line when its score field is not a number (a header).
/// Accepts \n and \r\n line ends. Errors: kIo when unreadable; kCorrupt naming file:line for a line with fewer
/// than 3 fields or a non-numeric score.
Expected<std::vector<WordPair>> read_word_pairs(const std::filesystem::path& path);

struct WordSimilarityOptions {
  bool lowercase = true;  // the sets mix "Jerusalem" with "tiger"; most vocabularies are lowercase
};

struct WordSimilarityReport {
  double spearman = std::numeric_limits<double>::quiet_NaN();  // NaN when fewer than 2 pairs were scored
  double pearson = std::numeric_limits<double>::quiet_NaN();
  std::size_t pairs = 0;  // pairs in the set
  std::size_t found = 0;  // pairs scored (both words have a vector: vocabulary or subwords)
  std::size_t oov = 0;    // pairs skipped because a word has no vector (model without subwords)
  std::size_t oov_words_used_subwords = 0;  // words outside the vocabulary scored through their subwords
};

/// Scores every pair by cosine similarity. A word outside the vocabulary is scored through subwords when the
/// model has them (counted in oov_words_used_subwords); otherwise its pair is skipped and counted in oov.
WordSimilarityReport evaluate_word_similarity(const WordVectors& model, std::span<const WordPair> pairs,
                                              const WordSimilarityOptions& options = {});

/// read_word_pairs() then evaluate_word_similarity().
Expected<WordSimilarityReport> evaluate_word_similarity_file(const WordVectors& model,
                                                             const std::filesystem::path& path,
                                                             const WordSimilarityOptions& options = {});

}  // namespace semspace
