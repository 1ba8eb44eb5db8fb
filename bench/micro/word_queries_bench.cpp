// Exact neighbour search and analogy evaluation on a random 100k x 100 model.
// The analogy benchmark reads questions-words.txt from $SEMSPACE_DATA/analogy (default ../shared/data beside the source tree).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "analysis/evaluate/analogy_eval.hpp"
#include "analysis/evaluate/text_lines.hpp"
#include "analysis/word_queries.hpp"
#include "core/random.hpp"

namespace semspace {
namespace {

constexpr std::size_t kWords = 100000;
constexpr std::size_t kDim = 100;

std::filesystem::path questions_path() {
  const char* data = std::getenv("SEMSPACE_DATA");
  return std::filesystem::path(data != nullptr ? data : SEMSPACE_SOURCE_DIR "/../shared/data") / "analogy" / "questions-words.txt";
}

// The question words (lowercased) first, so every question is inside a 30k restriction, then filler words.
WordVectors make_model(const AnalogyQuestions* questions) {
  std::vector<std::string> words;
  std::set<std::string> seen;
  if (questions != nullptr) {
    for (const auto& q : questions->questions) {
      for (const auto* w : {&q.a, &q.b, &q.c, &q.d}) {
        if (seen.insert(ascii_lower(*w)).second) words.push_back(ascii_lower(*w));
      }
    }
  }
  for (std::size_t i = 0; words.size() < kWords; ++i) words.push_back(fmt::format("filler{}", i));
  core::Rng rng(42);
  Matrix m(kWords, kDim);
  for (std::size_t i = 0; i < m.size(); ++i) m.data()[i] = rng.uniform() * 2.0f - 1.0f;
  return WordVectors(std::move(words), {}, std::move(m));
}

void BM_NearestNeighbors(benchmark::State& state) {
  WordVectors model = make_model(nullptr);
  model.unit_words_matrix();
  std::size_t i = 0;
  for (auto _ : state) {
    auto result = nearest_neighbors(model, model.words()[(i++ * 7919) % kWords], 10);
    benchmark::DoNotOptimize(result);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_NearestNeighbors)->Unit(benchmark::kMillisecond);

void BM_AnalogyEval(benchmark::State& state) {
  auto questions = read_analogy_questions(questions_path());
  if (!questions) {
    state.SkipWithError(questions.error().message.c_str());
    return;
  }
  WordVectors model = make_model(&*questions);
  model.unit_words_matrix();
  AnalogyEvalOptions options{.max_vocab = 30000,
                             .method = state.range(0) == 0 ? AnalogyMethod::k3CosAdd : AnalogyMethod::k3CosMul,
                             .threads = static_cast<int>(state.range(1))};
  for (auto _ : state) {
    auto report = evaluate_analogies(model, *questions, options);
    benchmark::DoNotOptimize(report);
    state.counters["answered"] = static_cast<double>(report->answered);
  }
}
BENCHMARK(BM_AnalogyEval)->ArgsProduct({{0, 1}, {1, 2}})->ArgNames({"cosmul", "threads"})
    ->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace
}  // namespace semspace
BENCHMARK_MAIN();
