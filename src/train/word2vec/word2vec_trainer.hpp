// Skip-gram and CBOW with negative sampling, optionally with fastText-style subword n-grams:
// hand-written, multithreaded (Hogwild), linear learning-rate decay, seedable.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"
#include "prepare/text/tokenizer.hpp"
#include "train/word2vec/token_stream.hpp"

namespace semspace::core {
class Progress;
}

namespace semspace::train {

enum class Word2VecArchitecture { kSkipGram, kCbow };

/// Defaults follow fastText's unsupervised defaults (lr 0.05, dim 100, ws 5, neg 5, epoch 5, minCount 5,
/// t 1e-4, minn 3, maxn 6, bucket 2,000,000).
struct Word2VecOptions {
  Word2VecArchitecture architecture = Word2VecArchitecture::kSkipGram;
  int dim = 100;
  int window = 5;     // maximum distance; each position draws its window uniformly from 1..window
  int negatives = 5;  // negative samples per positive pair
  // Negatives are drawn with probability proportional to count^power. 0 picks by mode: 0.5 with subwords
  // (fastText's table), 0.75 without (word2vec's). Measured on the bench corpus, 0.5 lifts subword skip-gram's
  // analogy accuracy by about a point over 0.75, while plain word2vec does slightly better with 0.75.
  double neg_power = 0;
  int epochs = 5;
  std::uint64_t min_count = 5;
  std::size_t max_vocab = 0;  // 0 = no limit
  double sample = 1e-4;       // frequent-word subsampling threshold t; 0 disables
  float lr = 0.05f;
  SubwordOptions subwords{};  // maxn = 0 or buckets = 0 disables subwords
  int threads = 1;
  std::uint64_t seed = 1;
  bool share_negatives = false;  // one set of negatives per center word: ~3x faster skip-gram, lower accuracy
  TokenizerOptions tokenizer{};
  std::filesystem::path temp_dir;  // where the tokenized corpus is spooled; empty = system temp dir

  /// kInvalidArgument naming the field when a value is out of range.
  Status validate() const;
  /// neg_power, or the mode's default when it is 0.
  double effective_neg_power() const { return neg_power > 0 ? neg_power : (subwords.enabled() ? 0.5 : 0.75); }
};

/// What a training run did; `to_json()` is what `semspace train` prints.
struct TrainReport {
  CorpusStats corpus;
  std::size_t vocabulary = 0;
  double prepare_seconds = 0;       // reading + tokenizing + vocabulary
  double train_seconds = 0;         // the epochs only
  std::uint64_t words_trained = 0;  // vocabulary tokens processed over all epochs (fastText's count)
  double words_per_sec_per_thread = 0;
  double final_loss = 0;  // mean negative-sampling loss over the last part of training
  int threads = 1;
  std::string to_json() const;
};

/// Trains on an already tokenized corpus. `progress` may be null. Thread-safe with respect to other
/// calls; uses options.threads threads of its own for the duration of the call. With one thread and a fixed
/// seed the result is bit-identical from run to run; with more threads (Hogwild) it is reproducible only
/// statistically.
WordVectors train_word2vec(const TokenStream& corpus, const Word2VecOptions& options, core::Progress* progress,
                           TrainReport* report);

/// Reads `input` (plain text or gzip, one sentence or document per line; "-" for stdin), then trains.
Expected<WordVectors> train_word2vec(const std::filesystem::path& input, const Word2VecOptions& options,
                                     core::Progress* progress, TrainReport* report);

}  // namespace semspace::train
