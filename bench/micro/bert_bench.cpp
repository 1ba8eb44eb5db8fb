// Forward-pass time of the BERT encoder on a model folder (bench/compare/transformer_vs_torch_onnx.py writes one with
// all-MiniLM-L6-v2's shape and random weights into build/bench_bert/minilm/gelu; it times this runtime alone).
// Run: SEMSPACE_BENCH_BERT=<folder> build/bench/bert_bench [--benchmark_filter=...]
// Arguments: batch size, tokens per sequence, threads. Reports sequences/s and tokens/s.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <vector>

#include "io/hf_bert.hpp"

namespace {

const semspace::BertEncoder* encoder() {
  static auto loaded = [] {
    const char* folder = std::getenv("SEMSPACE_BENCH_BERT");
    return semspace::io::load_bert_folder(folder != nullptr ? folder : "");
  }();
  return loaded ? &*loaded : nullptr;
}

void BM_BertForward(benchmark::State& state) {
  const auto* model = encoder();
  if (model == nullptr) {
    state.SkipWithError("set SEMSPACE_BENCH_BERT to a BERT model folder");
    return;
  }
  const auto batch = static_cast<std::size_t>(state.range(0)), length = static_cast<std::size_t>(state.range(1));
  std::mt19937 rng(1);
  std::vector<std::vector<std::uint32_t>> ids(batch, std::vector<std::uint32_t>(length));
  for (auto& seq : ids) {
    for (auto& id : seq) id = rng() % model->config().vocab_size;
  }
  std::vector<semspace::TokenSequence> sequences;
  for (const auto& seq : ids) sequences.push_back({seq, {}});
  const semspace::BertRunOptions options{.threads = static_cast<int>(state.range(2))};
  for (auto _ : state) {
    auto out = model->encode(sequences, options);
    benchmark::DoNotOptimize(out->pooled.data());
  }
  state.counters["seq/s"] = benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["tok/s"] =
      benchmark::Counter(static_cast<double>(batch * length), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_BertForward)
    ->ArgNames({"batch", "tokens", "threads"})
    ->ArgsProduct({{1, 32}, {8, 32, 128}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
