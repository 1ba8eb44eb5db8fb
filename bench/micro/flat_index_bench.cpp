// Exact search throughput of FlatIndex: 1,000 queries over 100,000 x 128 clustered vectors, k = 10, 1 and 2
// threads, per metric and storage. bench/compare/flat_vs_faiss.py runs it on the same .npy files as FAISS:
// SEMSPACE_BENCH_BASE and SEMSPACE_BENCH_QUERIES name them; without them the data is generated here.
// Run: build/bench/flat_index_bench [--benchmark_filter=...]. Reports queries/s.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>

#include "index/flat_index.hpp"
#include "io/npy.hpp"

namespace {

using semspace::Matrix;
using semspace::index::FlatIndex;
using semspace::index::FlatStorage;
using semspace::index::Metric;

Matrix clustered(std::size_t rows, std::size_t cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  Matrix centres(100, cols), out(rows, cols);
  for (std::size_t i = 0; i < centres.size(); ++i) centres.data()[i] = normal(rng);
  for (std::size_t r = 0; r < rows; ++r) {
    const auto centre = centres.row(rng() % 100);
    for (std::size_t d = 0; d < cols; ++d) out.row(r)[d] = centre[d] + 0.3f * normal(rng);
  }
  return out;
}

Matrix data(const char* env, std::size_t rows, unsigned seed) {
  if (const char* path = std::getenv(env)) {
    auto read = semspace::io::read_npy_matrix(path);
    if (!read) throw std::runtime_error(read.error().message);
    return std::move(*read);
  }
  return clustered(rows, 128, seed);
}

const Matrix& base() {
  static const Matrix matrix = data("SEMSPACE_BENCH_BASE", 100000, 1);
  return matrix;
}
const Matrix& queries() {
  static const Matrix matrix = data("SEMSPACE_BENCH_QUERIES", 1000, 2);
  return matrix;
}

// args: metric (0 l2, 1 cosine, 2 dot), storage (0 f32, 1 sq8), threads
void BM_FlatSearch(benchmark::State& state) {
  const auto metric = static_cast<Metric>(state.range(0));
  const auto storage = state.range(1) == 0 ? FlatStorage::kF32 : FlatStorage::kSq8;
  auto index = FlatIndex::create(static_cast<int>(base().cols()), metric, storage);
  std::vector<std::uint64_t> labels(base().rows());
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = i;
  if (!index || !(*index)->add(labels, base().view(), 2)) {
    state.SkipWithError("building the index failed");
    return;
  }
  const int threads = static_cast<int>(state.range(2));
  for (auto _ : state) {
    auto results = (*index)->search(queries().view(), {.k = 10, .threads = threads});
    benchmark::DoNotOptimize(results);
  }
  state.counters["qps"] = benchmark::Counter(static_cast<double>(queries().rows()) * state.iterations(),
                                             benchmark::Counter::kIsRate);
  state.SetLabel(std::string(semspace::index::metric_name(metric)) + (storage == FlatStorage::kF32 ? " f32" : " sq8"));
}
BENCHMARK(BM_FlatSearch)
    ->ArgsProduct({{0, 1, 2}, {0}, {1, 2}})
    ->Args({2, 1, 1})
    ->Args({0, 1, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(1.0);

}  // namespace

BENCHMARK_MAIN();
