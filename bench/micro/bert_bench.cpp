// Forward-pass time of the BERT encoder on a model folder (bench/compare/transformer_vs_torch_onnx.py writes one with
// all-MiniLM-L6-v2's shape and random weights into build/bench_bert/minilm/gelu; it times this runtime alone).
// Run: SEMSPACE_BENCH_BERT=<folder> build/bench/bert_bench [--int8] [--benchmark_filter=...]
// --int8 runs the int8 mode (BertRunOptions::int8), its weights quantised before timing.
// Arguments: batch size, tokens per sequence, threads. Reports sequences/s and tokens/s, and with --int8 also
// min_cos, the lowest cosine between a sequence's int8 and f32 pooled vectors.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "io/hf_bert.hpp"

namespace {

bool int8_mode = false;

const semspace::BertEncoder* encoder() {
  static auto loaded = [] {
    const char* folder = std::getenv("SEMSPACE_BENCH_BERT");
    auto model = semspace::io::load_bert_folder(folder != nullptr ? folder : "");
    if (model && int8_mode) {
      if (auto ok = model->prepare_int8(); !ok) return decltype(model)(tl::unexpected(ok.error()));
    }
    return model;
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
  const semspace::BertRunOptions options{.threads = static_cast<int>(state.range(2)), .int8 = int8_mode};
  state.SetLabel(int8_mode ? "int8" : "f32");
  for (auto _ : state) {
    auto out = model->encode(sequences, options);
    benchmark::DoNotOptimize(out->pooled.data());
  }
  if (int8_mode) {
    // The cost of the speed: the lowest cosine between a sequence's int8 and f32 pooled vectors.
    auto q = model->encode(sequences, options);
    auto f = model->encode(sequences, {.threads = options.threads});
    double worst = 1.0;
    for (std::size_t s = 0; q && f && s < batch; ++s) {
      double dot = 0, qq = 0, ff = 0;
      for (std::size_t j = 0; j < model->dim(); ++j) {
        dot += static_cast<double>(q->pooled.row(s)[j]) * f->pooled.row(s)[j];
        qq += static_cast<double>(q->pooled.row(s)[j]) * q->pooled.row(s)[j];
        ff += static_cast<double>(f->pooled.row(s)[j]) * f->pooled.row(s)[j];
      }
      worst = std::min(worst, dot / std::sqrt(qq * ff));
    }
    state.counters["min_cos"] = worst;
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

int main(int argc, char** argv) {
  // --int8 is ours; every other flag is Google Benchmark's.
  int kept = 0;
  for (int i = 0; i < argc; ++i) {
    if (i > 0 && std::strcmp(argv[i], "--int8") == 0) {
      int8_mode = true;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
