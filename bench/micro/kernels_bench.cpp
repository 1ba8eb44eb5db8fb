// Distance kernels on the dispatched SIMD target, at the dimensions of common embeddings (128, 384, 768).
// Run: build/bench/kernels_bench [--benchmark_filter=...]. The label names the target (active_simd_target);
// "pairs/s" is kernel calls per second, the rows forms count one pair per row.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "core/kernels/distance.hpp"

namespace {

namespace k = semspace::kernels;
constexpr std::size_t kRows = 4096;  // rows forms: 4096 rows x dim, within L2 for dim 128

template <class T>
std::vector<T> random_values(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<T> v(n);
  for (auto& x : v) {
    if constexpr (std::is_same_v<T, float>) {
      x = normal(rng);
    } else {
      x = static_cast<T>(rng());
    }
  }
  return v;
}

void finish(benchmark::State& state, std::size_t pairs_per_iteration) {
  state.counters["pairs/s"] =
      benchmark::Counter(static_cast<double>(pairs_per_iteration) * state.iterations(), benchmark::Counter::kIsRate);
  state.SetLabel(k::active_simd_target());
}

template <float (*Kernel)(const float*, const float*, std::size_t) noexcept>
void BM_F32(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = random_values<float>(n, 1), b = random_values<float>(n, 2);
  for (auto _ : state) benchmark::DoNotOptimize(Kernel(a.data(), b.data(), n));
  finish(state, 1);
}
BENCHMARK(BM_F32<k::dot_f32>)->Name("dot_f32")->Arg(100)->Arg(128)->Arg(384)->Arg(768);
BENCHMARK(BM_F32<k::l2sq_f32>)->Name("l2sq_f32")->Arg(100)->Arg(128)->Arg(384)->Arg(768);
BENCHMARK(BM_F32<k::cosine_f32>)->Name("cosine_f32")->Arg(128)->Arg(384)->Arg(768);

template <float (*Kernel)(const std::uint16_t*, const std::uint16_t*, std::size_t) noexcept>
void BM_F16(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<std::uint16_t> a(n), b(n);
  k::f32_to_f16(random_values<float>(n, 1).data(), a.data(), n);
  k::f32_to_f16(random_values<float>(n, 2).data(), b.data(), n);
  for (auto _ : state) benchmark::DoNotOptimize(Kernel(a.data(), b.data(), n));
  finish(state, 1);
}
BENCHMARK(BM_F16<k::dot_f16>)->Name("dot_f16")->Arg(128)->Arg(384)->Arg(768);
BENCHMARK(BM_F16<k::l2sq_f16>)->Name("l2sq_f16")->Arg(128)->Arg(384)->Arg(768);

template <std::int32_t (*Kernel)(const std::int8_t*, const std::int8_t*, std::size_t) noexcept>
void BM_I8(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = random_values<std::int8_t>(n, 1), b = random_values<std::int8_t>(n, 2);
  for (auto _ : state) benchmark::DoNotOptimize(Kernel(a.data(), b.data(), n));
  finish(state, 1);
}
BENCHMARK(BM_I8<k::dot_i8>)->Name("dot_i8")->Arg(128)->Arg(384)->Arg(768);
BENCHMARK(BM_I8<k::l2sq_i8>)->Name("l2sq_i8")->Arg(128)->Arg(384)->Arg(768);

void BM_Hamming(benchmark::State& state) {
  const auto words = static_cast<std::size_t>(state.range(0)) / 64;  // dim bits
  const auto a = random_values<std::uint64_t>(words, 1), b = random_values<std::uint64_t>(words, 2);
  for (auto _ : state) benchmark::DoNotOptimize(k::hamming_bits(a.data(), b.data(), words));
  finish(state, 1);
}
BENCHMARK(BM_Hamming)->Name("hamming_bits")->Arg(128)->Arg(384)->Arg(768);

void BM_DotU8(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto w = random_values<float>(n, 1);
  const auto code = random_values<std::uint8_t>(n, 2);
  for (auto _ : state) benchmark::DoNotOptimize(k::dot_f32_u8(w.data(), code.data(), n));
  finish(state, 1);
}
BENCHMARK(BM_DotU8)->Name("dot_f32_u8")->Arg(128)->Arg(384)->Arg(768);

void BM_L2U8(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto q = random_values<float>(n, 1), scale = random_values<float>(n, 3);
  const auto code = random_values<std::uint8_t>(n, 2);
  for (auto _ : state) benchmark::DoNotOptimize(k::l2sq_f32_u8(q.data(), scale.data(), code.data(), n));
  finish(state, 1);
}
BENCHMARK(BM_L2U8)->Name("l2sq_f32_u8")->Arg(128)->Arg(384)->Arg(768);

void BM_DotRows(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto rows = random_values<float>(kRows * n, 1), q = random_values<float>(n, 2);
  std::vector<float> out(kRows);
  for (auto _ : state) {
    k::dot_f32_rows(q, {rows.data(), kRows, n, n}, out);
    benchmark::DoNotOptimize(out.data());
  }
  finish(state, kRows);
}
BENCHMARK(BM_DotRows)->Name("dot_f32_rows")->Arg(128)->Arg(384)->Arg(768);

void BM_Gemm(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  constexpr std::size_t kQueries = 128;
  const auto rows = random_values<float>(2048 * n, 1), queries = random_values<float>(kQueries * n, 2);
  std::vector<float> out(kQueries * 2048);
  for (auto _ : state) {
    k::dot_f32_gemm({queries.data(), kQueries, n, n}, {rows.data(), 2048, n, n}, out.data(), 2048);
    benchmark::DoNotOptimize(out.data());
  }
  finish(state, kQueries * 2048);
}
BENCHMARK(BM_Gemm)->Name("dot_f32_gemm_128x2048")->Arg(128)->Arg(384)->Arg(768);

}  // namespace

BENCHMARK_MAIN();
