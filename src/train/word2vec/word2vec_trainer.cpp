#include "train/word2vec/word2vec_trainer.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "core/progress.hpp"
#include "core/random.hpp"
#include "core/threads.hpp"
#include "prepare/text/subword.hpp"
#include "train/word2vec/negative_sampler.hpp"

namespace semspace::train {
namespace {

using Clock = std::chrono::steady_clock;

// sigmoid and log by table over [-kMaxExp, kMaxExp] and (0, 1], as fastText and word2vec.c do: exact enough
// for SGD and several times cheaper than std::exp / std::log in the inner loop.
constexpr float kMaxExp = 8.0f;
constexpr int kSigmoidTable = 512;
constexpr int kLogTable = 512;

struct Tables {
  float sigmoid[kSigmoidTable + 1];
  float log[kLogTable + 1];
  Tables() {
    for (int i = 0; i <= kSigmoidTable; ++i) {
      float x = (static_cast<float>(i) * 2 * kMaxExp) / kSigmoidTable - kMaxExp;
      sigmoid[i] = 1.0f / (1.0f + std::exp(-x));
    }
    for (int i = 0; i <= kLogTable; ++i) log[i] = std::log((static_cast<float>(i) + 1e-5f) / kLogTable);
  }
};
const Tables kTables;

inline float fast_sigmoid(float x) {
  if (x < -kMaxExp) return 0.0f;
  if (x > kMaxExp) return 1.0f;
  return kTables.sigmoid[static_cast<int>((x + kMaxExp) * (kSigmoidTable / kMaxExp / 2))];
}
inline float fast_log(float x) {
  if (x > 1.0f) return 0.0f;
  return kTables.log[static_cast<int>(x * kLogTable)];
}

// The inner loops. Small and always inlined so that the target_clones of train_range below compile them for
// AVX2+FMA as well as for the baseline; `omp simd` (with -fopenmp-simd, no OpenMP runtime) lets the compiler
// reorder the float reduction.
[[gnu::always_inline]] inline float dot(const float* __restrict a, const float* __restrict b, int n) {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (int i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}
[[gnu::always_inline]] inline void axpy(float alpha, const float* __restrict x, float* __restrict y, int n) {
#pragma omp simd
  for (int i = 0; i < n; ++i) y[i] += alpha * x[i];
}

// Everything the worker threads share. Matrices are written without locks (Hogwild).
struct Shared {
  const Word2VecOptions* options;
  const TokenStream* corpus;
  int dim;
  Matrix input;   // words + buckets
  Matrix output;  // words
  std::vector<std::uint32_t> row_offsets;  // CSR: input rows of word w are rows[row_offsets[w] .. row_offsets[w+1])
  std::vector<std::uint32_t> rows;
  std::vector<float> keep;  // subsampling keep probability per word
  const NegativeSampler* negatives;
  std::uint64_t total_words;  // epochs * vocabulary tokens: the schedule's denominator
  std::atomic<std::uint64_t> processed{0};
  std::vector<std::atomic<double>> loss_sum;    // per thread, recent window
  std::vector<std::atomic<double>> loss_count;

  float learning_rate() const {
    double progress = static_cast<double>(processed.load(std::memory_order_relaxed)) / static_cast<double>(total_words);
    return options->lr * static_cast<float>(std::max(0.0, 1.0 - progress));
  }
};

struct WorkerState {
  core::Rng rng;
  std::vector<float> hidden;
  std::vector<float> grad;
  std::vector<std::uint32_t> sentence;
  std::vector<std::uint32_t> bag;  // CBOW: input rows of all context words
  std::vector<std::uint32_t> negs;
  double loss = 0;
  double loss_pairs = 0;
  explicit WorkerState(std::uint64_t seed, int dim) : rng(seed), hidden(dim), grad(dim) {}
};

// One output row against the hidden vector: the logistic loss of label, the gradient for the hidden vector
// accumulated into grad (scaled by weight), the output row moved. Returns the loss.
[[gnu::always_inline]] inline float binary_update(Shared& s, WorkerState& st, std::uint32_t target, bool label,
                                                  float lr, float weight) {
  float* out = s.output.data() + static_cast<std::size_t>(target) * s.dim;
  float score = fast_sigmoid(dot(st.hidden.data(), out, s.dim));
  float alpha = lr * ((label ? 1.0f : 0.0f) - score) * weight;
  axpy(alpha, out, st.grad.data(), s.dim);
  axpy(alpha, st.hidden.data(), out, s.dim);
  return -(label ? fast_log(score) : fast_log(1.0f - score)) * weight;
}

[[gnu::always_inline]] inline void average_rows(Shared& s, std::span<const std::uint32_t> rows, float* hidden) {
  std::fill(hidden, hidden + s.dim, 0.0f);
  for (std::uint32_t r : rows) axpy(1.0f, s.input.data() + static_cast<std::size_t>(r) * s.dim, hidden, s.dim);
  float inv = 1.0f / static_cast<float>(rows.size());
  for (int i = 0; i < s.dim; ++i) hidden[i] *= inv;
}

[[gnu::always_inline]] inline void apply_grad(Shared& s, std::span<const std::uint32_t> rows, const float* grad) {
  for (std::uint32_t r : rows) axpy(1.0f, grad, s.input.data() + static_cast<std::size_t>(r) * s.dim, s.dim);
}

[[gnu::always_inline]] inline std::span<const std::uint32_t> input_rows(const Shared& s, std::uint32_t word) {
  return {s.rows.data() + s.row_offsets[word], s.row_offsets[word + 1] - s.row_offsets[word]};
}

// Skip-gram with the center word as input (fastText's orientation): its subword rows are averaged once per
// center rather than once per (center, context) pair as fastText does, every context word of its window is a
// positive output with its own negatives, and the accumulated hidden gradient is applied to the input rows once
// per center. With options.share_negatives the K negatives are drawn once per center and shared by all its
// contexts, each weighted by the number of contexts, so the expected gradient is unchanged (pWord2Vec's
// negative sharing, Ji et al. 2016) at about a third of the cost; measured here it trains ~3x faster but
// loses analogy accuracy, so it is off by default.
[[gnu::always_inline]] inline void skipgram_sentence(Shared& s, WorkerState& st, float lr) {
  const int window = s.options->window;
  const int k = s.options->negatives;
  const auto& sentence = st.sentence;
  const int n = static_cast<int>(sentence.size());
  for (int pos = 0; pos < n; ++pos) {
    const std::uint32_t center = sentence[pos];
    const int boundary = 1 + static_cast<int>(st.rng.below(static_cast<std::uint32_t>(window)));
    const int lo = std::max(0, pos - boundary), hi = std::min(n - 1, pos + boundary);
    const int contexts = hi - lo;
    if (contexts <= 0) continue;
    auto rows = input_rows(s, center);
    average_rows(s, rows, st.hidden.data());
    std::fill(st.grad.begin(), st.grad.end(), 0.0f);
    float loss = 0;
    if (s.options->share_negatives) {
      for (int c = lo; c <= hi; ++c) {
        if (c != pos) loss += binary_update(s, st, sentence[c], true, lr, 1.0f);
      }
      const float weight = static_cast<float>(contexts);
      for (int j = 0; j < k; ++j) {
        std::uint32_t neg = s.negatives->sample(st.rng);
        if (neg == center) continue;
        loss += binary_update(s, st, neg, false, lr, weight);
      }
    } else {
      for (int c = lo; c <= hi; ++c) {
        if (c == pos) continue;
        loss += binary_update(s, st, sentence[c], true, lr, 1.0f);
        for (int j = 0; j < k; ++j) {
          std::uint32_t neg = s.negatives->sample(st.rng);
          if (neg == sentence[c]) continue;
          loss += binary_update(s, st, neg, false, lr, 1.0f);
        }
      }
    }
    apply_grad(s, rows, st.grad.data());
    st.loss += loss;
    st.loss_pairs += contexts;
  }
}

// CBOW: the average of all input rows of the window's context words predicts the center word.
[[gnu::always_inline]] inline void cbow_sentence(Shared& s, WorkerState& st, float lr) {
  const int window = s.options->window;
  const int k = s.options->negatives;
  const auto& sentence = st.sentence;
  const int n = static_cast<int>(sentence.size());
  for (int pos = 0; pos < n; ++pos) {
    const std::uint32_t center = sentence[pos];
    const int boundary = 1 + static_cast<int>(st.rng.below(static_cast<std::uint32_t>(window)));
    const int lo = std::max(0, pos - boundary), hi = std::min(n - 1, pos + boundary);
    st.bag.clear();
    for (int c = lo; c <= hi; ++c) {
      if (c == pos) continue;
      auto rows = input_rows(s, sentence[c]);
      st.bag.insert(st.bag.end(), rows.begin(), rows.end());
    }
    if (st.bag.empty()) continue;
    average_rows(s, st.bag, st.hidden.data());
    std::fill(st.grad.begin(), st.grad.end(), 0.0f);
    float loss = binary_update(s, st, center, true, lr, 1.0f);
    for (int j = 0; j < k; ++j) {
      std::uint32_t neg = s.negatives->sample(st.rng);
      if (neg == center) continue;
      loss += binary_update(s, st, neg, false, lr, 1.0f);
    }
    apply_grad(s, st.bag, st.grad.data());
    st.loss += loss;
    st.loss_pairs += 1;
  }
}

// Trains on ids[begin, end) once. Cloned for x86-64-v3 (AVX2, FMA) and the baseline; the loader picks one
// at start-up, so one binary is fast where it can be and correct everywhere.
[[gnu::target_clones("arch=x86-64-v3", "default")]]
void train_range(Shared& s, WorkerState& st, std::size_t begin, std::size_t end, int thread_id) {
  const auto ids = s.corpus->ids();
  const bool skipgram = s.options->architecture == Word2VecArchitecture::kSkipGram;
  constexpr std::uint64_t kPublishEvery = 10000;
  std::uint64_t local = 0;
  float lr = s.learning_rate();
  std::size_t i = begin;
  while (i < end) {
    // Gather one line, subsampling frequent words.
    st.sentence.clear();
    std::uint64_t line_words = 0;
    for (; i < end && ids[i] != kEndOfLine; ++i) {
      ++line_words;
      std::uint32_t id = ids[i];
      if (s.keep[id] >= 1.0f || st.rng.uniform() < s.keep[id]) st.sentence.push_back(id);
    }
    ++i;  // the end-of-line marker
    if (skipgram) {
      skipgram_sentence(s, st, lr);
    } else {
      cbow_sentence(s, st, lr);
    }
    local += line_words;
    if (local >= kPublishEvery) {
      s.processed.fetch_add(local, std::memory_order_relaxed);
      local = 0;
      lr = s.learning_rate();
      s.loss_sum[thread_id].store(st.loss, std::memory_order_relaxed);
      s.loss_count[thread_id].store(st.loss_pairs, std::memory_order_relaxed);
      if (st.loss_pairs > 1e6) {  // keep the reported loss recent
        st.loss *= 0.5;
        st.loss_pairs *= 0.5;
      }
    }
  }
  s.processed.fetch_add(local, std::memory_order_relaxed);
  s.loss_sum[thread_id].store(st.loss, std::memory_order_relaxed);
  s.loss_count[thread_id].store(st.loss_pairs, std::memory_order_relaxed);
}

double current_loss(const Shared& s) {
  double sum = 0, count = 0;
  for (std::size_t t = 0; t < s.loss_sum.size(); ++t) {
    sum += s.loss_sum[t].load(std::memory_order_relaxed);
    count += s.loss_count[t].load(std::memory_order_relaxed);
  }
  return count > 0 ? sum / count : 0.0;
}

}  // namespace

Status Word2VecOptions::validate() const {
  auto bad = [](std::string message) { return make_error(ErrorCode::kInvalidArgument, std::move(message)); };
  if (dim < 1 || dim > 10000) return bad(fmt::format("--dim must be in 1..10000, got {}", dim));
  if (window < 1 || window > 1000) return bad(fmt::format("--window must be in 1..1000, got {}", window));
  if (negatives < 1 || negatives > 1000) return bad(fmt::format("--neg must be in 1..1000, got {}", negatives));
  if (epochs < 1 || epochs > 10000) return bad(fmt::format("--epochs must be in 1..10000, got {}", epochs));
  if (min_count < 1) return bad("--min-count must be at least 1");
  if (!(sample >= 0 && sample < 1)) return bad(fmt::format("--sample must be in [0, 1), got {}", sample));
  if (!(neg_power >= 0 && neg_power <= 2)) return bad(fmt::format("--neg-power must be in [0, 2], got {}", neg_power));
  if (!(lr > 0 && lr < 10)) return bad(fmt::format("--lr must be in (0, 10), got {}", lr));
  if (threads < 1 || threads > 1024) return bad(fmt::format("--threads must be in 1..1024, got {}", threads));
  if (subwords.enabled()) {
    if (subwords.minn < 1 || subwords.minn > subwords.maxn || subwords.maxn > 100) {
      return bad(fmt::format("subword lengths need 1 <= --minn <= --maxn <= 100, got minn {} maxn {}", subwords.minn,
                             subwords.maxn));
    }
    if (subwords.buckets > 100000000) return bad(fmt::format("--bucket must be at most 1e8, got {}", subwords.buckets));
  }
  return {};
}

std::string TrainReport::to_json() const {
  return fmt::format(
      R"({{"lines": {}, "tokens": {}, "vocabulary": {}, "invalid_utf8": {}, "prepare_seconds": {:.3f}, )"
      R"("train_seconds": {:.3f}, "words_trained": {}, "threads": {}, "words_per_sec_per_thread": {:.0f}, "loss": {:.5f}}})",
      corpus.lines, corpus.tokens, vocabulary, corpus.invalid_utf8, prepare_seconds, train_seconds, words_trained,
      threads, words_per_sec_per_thread, final_loss);
}

WordVectors train_word2vec(const TokenStream& corpus, const Word2VecOptions& options, core::Progress* progress,
                           TrainReport* report) {
  const Vocabulary& vocab = corpus.vocabulary();
  const auto nwords = static_cast<std::uint32_t>(vocab.size());
  SEMSPACE_CHECK(nwords > 0, "empty vocabulary");
  const SubwordOptions subwords = options.subwords.enabled() ? options.subwords : SubwordOptions{0, 0, 0};
  const std::size_t input_rows_total = nwords + (subwords.enabled() ? subwords.buckets : 0);

  Shared s{.options = &options, .corpus = &corpus, .dim = options.dim, .input = Matrix(input_rows_total, options.dim),
           .output = Matrix(nwords, options.dim), .row_offsets = {}, .rows = {}, .keep = vocab.keep_probabilities(options.sample),
           .negatives = nullptr, .total_words = 0, .loss_sum = {}, .loss_count = {}};

  // Input rows per word: its own row, then its n-gram buckets (fastText's getSubwords order).
  s.row_offsets.reserve(nwords + 1);
  s.row_offsets.push_back(0);
  std::vector<std::uint32_t> buckets;
  for (std::uint32_t w = 0; w < nwords; ++w) {
    s.rows.push_back(w);
    buckets.clear();
    append_subword_buckets(vocab.words()[w], subwords, buckets);
    for (std::uint32_t b : buckets) s.rows.push_back(nwords + b);
    s.row_offsets.push_back(static_cast<std::uint32_t>(s.rows.size()));
  }

  // Input initialised uniform in [-1/dim, 1/dim] (fastText), in parallel blocks with per-block seeds so the
  // result does not depend on the thread count; output starts at zero.
  {
    const std::size_t total = s.input.size();
    constexpr std::size_t kBlock = 1 << 20;
    const std::size_t blocks = (total + kBlock - 1) / kBlock;
    std::atomic<std::size_t> next{0};
    const float bound = 1.0f / static_cast<float>(options.dim);
    core::run_threads(options.threads, [&](int) {
      for (std::size_t b; (b = next.fetch_add(1)) < blocks;) {
        core::Rng rng(options.seed * 0x9E3779B97F4A7C15ULL + b);
        std::size_t end = std::min(total, (b + 1) * kBlock);
        for (std::size_t i = b * kBlock; i < end; ++i) s.input.data()[i] = (2.0f * rng.uniform() - 1.0f) * bound;
      }
    });
  }

  NegativeSampler sampler(vocab.counts(), options.effective_neg_power());
  s.negatives = &sampler;
  const std::uint64_t corpus_words = corpus.stats().kept_tokens;
  s.total_words = std::max<std::uint64_t>(1, corpus_words * static_cast<std::uint64_t>(options.epochs));
  s.loss_sum = std::vector<std::atomic<double>>(options.threads);
  s.loss_count = std::vector<std::atomic<double>>(options.threads);

  const auto bounds = corpus.split(options.threads);
  const auto start = Clock::now();
  auto status_line = [&](double seconds) {
    double done = static_cast<double>(s.processed.load(std::memory_order_relaxed));
    double wps = seconds > 0 ? done / seconds / options.threads : 0.0;
    return fmt::format("words/sec/thread {:>7}  lr {:.6f}  loss {:.4f}", core::human_count(wps), s.learning_rate(),
                       current_loss(s));
  };
  core::run_threads(options.threads, [&](int thread_id) {
    WorkerState st(options.seed + static_cast<std::uint64_t>(thread_id), options.dim);
    for (int epoch = 0; epoch < options.epochs; ++epoch) {
      // Thread 0 trains in slices so it can redraw the progress line between them.
      std::size_t begin = bounds[thread_id], end = bounds[thread_id + 1];
      if (thread_id == 0 && progress != nullptr && progress->enabled()) {
        constexpr std::size_t kSlice = 1 << 16;
        while (begin < end) {
          std::size_t stop = std::min(end, begin + kSlice);
          while (stop < end && corpus.ids()[stop - 1] != kEndOfLine) ++stop;
          train_range(s, st, begin, stop, thread_id);
          begin = stop;
          double seconds = std::chrono::duration<double>(Clock::now() - start).count();
          progress->update(static_cast<double>(s.processed.load(std::memory_order_relaxed)) /
                               static_cast<double>(s.total_words),
                           status_line(seconds));
        }
      } else {
        train_range(s, st, begin, end, thread_id);
      }
    }
  });
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (progress != nullptr) progress->finish(status_line(seconds));

  if (report != nullptr) {
    report->corpus = corpus.stats();
    report->vocabulary = nwords;
    report->train_seconds = seconds;
    report->words_trained = s.processed.load();
    report->threads = options.threads;
    report->words_per_sec_per_thread =
        seconds > 0 ? static_cast<double>(report->words_trained) / seconds / options.threads : 0.0;
    report->final_loss = current_loss(s);
  }
  return WordVectors(vocab.words(), vocab.counts(), std::move(s.input), subwords);
}

Expected<WordVectors> train_word2vec(const std::filesystem::path& input, const Word2VecOptions& options,
                                     core::Progress* progress, TrainReport* report) {
  if (auto valid = options.validate(); !valid) return tl::unexpected(valid.error());
  const auto start = Clock::now();
  std::filesystem::path temp_dir = options.temp_dir.empty() ? std::filesystem::temp_directory_path() : options.temp_dir;
  core::Progress reading("reading ", progress != nullptr && progress->enabled());
  auto corpus = TokenStream::build(input, options.tokenizer,
                                   VocabularyOptions{.min_count = options.min_count, .max_size = options.max_vocab},
                                   temp_dir, &reading);
  if (!corpus) return tl::unexpected(corpus.error());
  reading.finish(fmt::format("words {}  vocabulary {}", core::human_count(static_cast<double>(corpus->stats().tokens)),
                             core::human_count(static_cast<double>(corpus->vocabulary().size()))));
  const double prepare_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  WordVectors vectors = train_word2vec(*corpus, options, progress, report);
  if (report != nullptr) report->prepare_seconds = prepare_seconds;
  return vectors;
}

}  // namespace semspace::train
