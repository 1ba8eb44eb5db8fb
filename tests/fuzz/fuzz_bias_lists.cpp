// The bias word-list readers: the first byte picks the parser ('0' WEAT sets, '1' WEAT tests, '2' debiasing
// lists, '3' a --keep word list; other values modulo 4), the rest is the file. Any input must give lists that keep
// the documented promises, or an error naming the file, never a crash; parsed lists then run on a small model.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>

#include "analysis/bias/debias_lists.hpp"
#include "analysis/bias/hard_debias.hpp"
#include "analysis/bias/weat.hpp"

namespace {

using namespace semspace;

// Words that inputs can hit ("he", "she", "a", ...) with fixed vectors.
const WordVectors& small_model() {
  static const WordVectors model = [] {
    std::vector<std::string> words{"he", "she", "man", "woman", "a", "b", "c", "d", "x", "y", "Z"};
    Matrix m(words.size(), 3);
    for (std::size_t r = 0; r < words.size(); ++r) {
      for (std::size_t c = 0; c < 3; ++c) m.row(r)[c] = static_cast<float>((r * 7 + c * 3) % 5) - 2.0f;
    }
    return WordVectors(std::move(words), {}, std::move(m));
  }();
  return model;
}

void check_error(const Error& error, std::string_view source) {
  if (!std::string_view(error.message).starts_with(source)) __builtin_trap();
}

void check_words(const std::vector<std::string>& words) {
  for (const auto& w : words) {
    if (w.empty()) __builtin_trap();
  }
}

void fuzz_sets(std::string_view text) {
  auto sets = parse_weat_word_sets(text, "sets.json");
  if (!sets) return check_error(sets.error(), "sets.json");
  if (sets->empty()) __builtin_trap();
  for (const auto& [name, words] : *sets) {
    if (name.empty() || name.starts_with('_') || words.empty()) __builtin_trap();
    check_words(words);
  }
  // Every set against the first: missing words are reported, whole missing sets become errors, not crashes.
  const std::string& first = sets->begin()->first;
  std::size_t runs = 0;
  for (const auto& [name, words] : *sets) {
    if (++runs > 8) break;
    const WeatTestSpec spec{.id = "t", .x = first, .y = name, .a = name, .b = first};
    auto result = run_weat_test(small_model(), spec, *sets, {.max_exact_partitions = 1000, .permutations = 100});
    if (result.statistics.has_value() == !result.error.empty()) __builtin_trap();
    if (result.statistics && !(result.statistics->p_value >= 0 && result.statistics->p_value <= 1)) __builtin_trap();
  }
}

void fuzz_tests(std::string_view text) {
  auto tests = parse_weat_tests(text, "tests.json");
  if (!tests) return check_error(tests.error(), "tests.json");
  if (tests->empty()) __builtin_trap();
  std::set<std::string> ids;
  for (const auto& t : *tests) {
    if (t.id.empty() || t.x.empty() || t.y.empty() || t.a.empty() || t.b.empty()) __builtin_trap();
    if (!ids.insert(t.id).second) __builtin_trap();
  }
  auto exist = check_weat_sets_exist(*tests, "tests.json", caliskan2017_word_sets(), "built-in");
  if (!exist) check_error(exist.error(), "tests.json");
}

void fuzz_debias_lists(std::string_view text) {
  auto lists = parse_debias_lists(text, "lists.json");
  if (!lists) return check_error(lists.error(), "lists.json");
  if (lists->definitional_pairs.empty()) __builtin_trap();
  check_words(lists->specific_words);
  auto debiased = hard_debias(small_model(), *lists);
  if (debiased && debiased->model.size() != small_model().size()) __builtin_trap();
  if (!debiased && debiased.error().message.empty()) __builtin_trap();
}

void fuzz_word_list(std::string_view text) {
  auto words = parse_word_list(text, "keep.txt");
  if (!words) return check_error(words.error(), "keep.txt");
  check_words(*words);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: fuzz_sets(text); break;
    case 1: fuzz_tests(text); break;
    case 2: fuzz_debias_lists(text); break;
    default: fuzz_word_list(text); break;
  }
  return 0;
}
