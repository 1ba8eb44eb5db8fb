// Throughput of the text preparation path the trainer runs over every corpus line: tokenize, then count.
// Run: build/bench/text_bench [--benchmark_filter=...]. Reports bytes/s (MB/s) per benchmark.
#include <benchmark/benchmark.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "io/corpus_reader.hpp"
#include "prepare/text/tokenizer.hpp"
#include "prepare/text/vocabulary.hpp"

namespace {

// ~50 MB of English-like ASCII: Zipf-distributed words from a 30k vocabulary, some capitalized, with
// punctuation, numbers and contractions, in lines of about 100 words (a Wikipedia dump after markup removal).
const std::vector<std::string>& corpus_lines(bool non_ascii) {
  static std::vector<std::string> ascii_lines, mixed_lines;
  auto& lines = non_ascii ? mixed_lines : ascii_lines;
  if (!lines.empty()) return lines;
  std::mt19937_64 rng(42);
  std::vector<std::string> vocabulary;
  const std::string letters = "etaoinshrdlcumwfgypbvkjxqz";
  for (int i = 0; i < 30000; ++i) {
    std::string word;
    const std::size_t length = 2 + rng() % 9;
    for (std::size_t c = 0; c < length; ++c) word.push_back(letters[std::min<std::size_t>(rng() % 26, rng() % 26)]);
    vocabulary.push_back(word);
  }
  if (non_ascii) {
    // Roughly one non-ASCII word in 60: some lines stay pure ASCII, most have one or two such words.
    const char* const words[] = {"café", "naïve", "Straße", "über", "élève", "ﬁn", "东京", "Ελλάδα", "don’t"};
    for (std::size_t k = 0; k < std::size(words); ++k) {
      for (std::size_t copy = 0; copy < 30; ++copy) vocabulary[(40 + k * 31 + copy * 997) % 30000] = words[k];
    }
  }
  std::vector<double> weights;
  for (std::size_t rank = 1; rank <= vocabulary.size(); ++rank) weights.push_back(1.0 / static_cast<double>(rank));
  std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
  std::size_t total = 0;
  while (total < (std::size_t{50} << 20)) {
    std::string line;
    const std::size_t words = 60 + rng() % 80;
    for (std::size_t w = 0; w < words; ++w) {
      std::string word = vocabulary[pick(rng)];
      if (rng() % 12 == 0) word[0] = static_cast<char>(word[0] - 'a' + 'A');
      if (rng() % 40 == 0) word += "'s";
      if (rng() % 50 == 0) word = std::to_string(rng() % 100000);
      line += word;
      const auto r = rng() % 20;
      line += r == 0 ? ", " : r == 1 ? ". " : r == 2 ? " (" : " ";
    }
    total += line.size() + 1;
    lines.push_back(std::move(line));
  }
  return lines;
}

void tokenize_lines(benchmark::State& state, bool non_ascii, semspace::TokenizerOptions options) {
  const auto& lines = corpus_lines(non_ascii);
  const semspace::WordTokenizer tokenizer(options);
  std::vector<std::string_view> tokens;
  std::string scratch;
  std::size_t bytes = 0, count = 0;
  for (auto _ : state) {
    for (const auto& line : lines) {
      tokenizer.tokenize(line, tokens, scratch);
      count += tokens.size();
      bytes += line.size() + 1;
    }
    benchmark::DoNotOptimize(count);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(count), benchmark::Counter::kIsRate);
}

void BM_TokenizeAsciiNormalize(benchmark::State& state) { tokenize_lines(state, false, {}); }
void BM_TokenizeAsciiRaw(benchmark::State& state) { tokenize_lines(state, false, {.normalize = false}); }
void BM_TokenizeMixedNormalize(benchmark::State& state) { tokenize_lines(state, true, {}); }

void BM_TokenizeAndCount(benchmark::State& state) {
  const auto& lines = corpus_lines(false);
  const semspace::WordTokenizer tokenizer;
  std::vector<std::string_view> tokens;
  std::string scratch;
  std::size_t bytes = 0;
  for (auto _ : state) {
    semspace::VocabularyCounter counter;
    for (const auto& line : lines) {
      tokenizer.tokenize(line, tokens, scratch);
      for (auto token : tokens) counter.add(token);
      bytes += line.size() + 1;
    }
    benchmark::DoNotOptimize(counter.total_tokens());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

// The ASCII corpus written once to a temporary file, plain or gzip (level 6, like `gzip`).
std::string corpus_file(bool gzip) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("semspace_text_bench_" + std::to_string(::getpid()) + (gzip ? ".gz" : ".txt")))
                               .string();
  if (std::filesystem::exists(path)) return path;
  std::string text;
  for (const auto& line : corpus_lines(false)) (text += line) += '\n';
  if (gzip) {
    gzFile file = gzopen(path.c_str(), "wb6");
    gzwrite(file, text.data(), static_cast<unsigned>(text.size()));
    gzclose(file);
  } else {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    std::fwrite(text.data(), 1, text.size(), file);
    std::fclose(file);
  }
  return path;
}

void read_lines(benchmark::State& state, bool gzip) {
  const std::string path = corpus_file(gzip);
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto reader = semspace::LineReader::open(path);
    std::string_view line;
    std::size_t lines = 0;
    while (reader->next(line)) ++lines;
    benchmark::DoNotOptimize(lines);
    bytes += reader->bytes_read();
  }
  std::filesystem::remove(path);
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
void BM_ReadLinesPlain(benchmark::State& state) { read_lines(state, false); }
void BM_ReadLinesGzip(benchmark::State& state) { read_lines(state, true); }

BENCHMARK(BM_TokenizeAsciiNormalize)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_TokenizeAsciiRaw)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_TokenizeMixedNormalize)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_TokenizeAndCount)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_ReadLinesPlain)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_ReadLinesGzip)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
