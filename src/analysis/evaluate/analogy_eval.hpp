// Word analogy evaluation on questions-words files (Mikolov et al. 2013), following word2vec's
// compute-accuracy: restricted vocabulary, lowercase lookup, a/b/c excluded, questions with unknown words skipped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "analysis/word_queries.hpp"
#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace semspace {

struct AnalogyQuestion {
  std::string a, b, c, d;     // a is to b as c is to d
  std::uint32_t section = 0;  // index into AnalogyQuestions::sections
};

struct AnalogyQuestions {
  std::vector<std::string> sections;  // names without the leading ": "
  std::vector<AnalogyQuestion> questions;
};

/// Reads a questions-words file: ": name" starts a section; every other non-empty line holds 4 words.
/// Questions before the first header go to a section named "" (created only if needed). Accepts \n and \r\n.
/// Errors: kIo when unreadable; kCorrupt "file:line: expected 4 words, found N".
Expected<AnalogyQuestions> read_analogy_questions(const std::filesystem::path& path);

struct AnalogyEvalOptions {
  std::size_t max_vocab = 30000;  // only the first max_vocab words count (0 = all): word2vec's threshold
  AnalogyMethod method = AnalogyMethod::k3CosAdd;
  bool lowercase = true;  // lowercase the questions ("Athens Greece") before lookup
  int threads = 1;        // threads started for the scan (the caller decides; 1 = calling thread only)
  Status validate() const;
};

struct AnalogySectionResult {
  std::string name;
  bool syntactic = false;  // name starts with "gram", as in word2vec
  std::size_t correct = 0;
  std::size_t total = 0;  // questions answered (all 4 words in the restricted vocabulary)
  std::size_t oov = 0;    // questions skipped because a word is outside the restricted vocabulary
  double accuracy() const noexcept { return total == 0 ? 0.0 : static_cast<double>(correct) / total; }
};

struct AnalogyReport {
  std::vector<AnalogySectionResult> sections;  // in file order
  std::size_t questions = 0;  // all questions in the file
  std::size_t answered = 0;
  std::size_t correct = 0;
  std::size_t oov = 0;
  std::size_t semantic_answered = 0, semantic_correct = 0;
  std::size_t syntactic_answered = 0, syntactic_correct = 0;

  /// correct / answered (0 when nothing was answered), as word2vec prints "Total accuracy".
  double accuracy() const noexcept { return ratio(correct, answered); }
  /// answered / questions: word2vec's "Questions seen / total".
  double seen_fraction() const noexcept { return ratio(answered, questions); }
  double semantic_accuracy() const noexcept { return ratio(semantic_correct, semantic_answered); }
  double syntactic_accuracy() const noexcept { return ratio(syntactic_correct, syntactic_answered); }

 private:
  static double ratio(std::size_t a, std::size_t b) noexcept { return b == 0 ? 0.0 : static_cast<double>(a) / b; }
};

/// Answers every question whose 4 (lowercased) words are among the first max_vocab vocabulary words with the
/// best candidate of that restricted vocabulary other than a, b, c, and counts it correct when it is d.
/// Questions are batched into one blocked matrix product against the restricted unit vectors (3 products per
/// question for 3CosMul), split over options.threads threads. Errors: kInvalidArgument from validate().
/// Deterministic: the result does not depend on the thread count.
Expected<AnalogyReport> evaluate_analogies(const WordVectors& model, const AnalogyQuestions& questions,
                                           const AnalogyEvalOptions& options = {});

/// read_analogy_questions() then evaluate_analogies().
Expected<AnalogyReport> evaluate_analogy_file(const WordVectors& model, const std::filesystem::path& path,
                                              const AnalogyEvalOptions& options = {});

}  // namespace semspace
