// semspace bias weat | debias: measure association bias (WEAT, Caliskan et al. 2017) and remove a bias direction
// (hard debiasing, Bolukbasi et al. 2016), with what the removal cost on the standard evaluations.
#include <cmath>
#include <filesystem>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "analysis/bias/debias_lists.hpp"
#include "analysis/bias/hard_debias.hpp"
#include "analysis/bias/weat.hpp"
#include "analysis/evaluate/analogy_eval.hpp"
#include "analysis/evaluate/word_similarity_eval.hpp"
#include "cli/cli_common.hpp"
#include "io/vector_formats.hpp"

namespace semspace::cli {
namespace {

constexpr std::string_view kBuiltinSets = "built-in sets (Caliskan et al. 2017)";
constexpr std::string_view kBuiltinTests = "built-in tests (Caliskan et al. 2017)";

struct WeatFlags {
  std::string sets, tests;
  std::uint64_t permutations = WeatOptions{}.permutations;
  std::uint64_t max_exact = WeatOptions{}.max_exact_partitions;
  std::uint64_t seed = 1;
  bool subwords = false;
  WeatOptions options() const {
    return {.max_exact_partitions = max_exact, .permutations = permutations, .seed = seed, .use_subwords = subwords};
  }
};

void add_weat_options(CLI::App& cmd, WeatFlags& f) {
  cmd.add_option("--sets", f.sets, "Word sets (JSON: {\"name\": [words]}); default: the built-in Caliskan et al. sets");
  cmd.add_option("--tests", f.tests,
                 "Tests (JSON: {\"tests\": [{\"id\", \"X\", \"Y\", \"A\", \"B\"}]}); default: the built-in WEAT1-10");
  cmd.add_option("--permutations", f.permutations, "Partitions sampled when there are too many to enumerate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd.add_option("--max-exact", f.max_exact, "Enumerate every partition of X u Y up to this many")
      ->capture_default_str();
  cmd.add_option("--seed", f.seed, "Seed of the sampled partitions")->capture_default_str();
  cmd.add_flag("--subwords", f.subwords, "Give words outside the vocabulary their n-gram vector (subword models)");
}

struct WeatSuite {
  WeatWordSets sets;
  std::vector<WeatTestSpec> tests;
  std::string sets_source, tests_source;
};

Expected<WeatSuite> load_weat_suite(const WeatFlags& f) {
  WeatSuite suite{.sets = {}, .tests = {}, .sets_source = std::string(kBuiltinSets),
                  .tests_source = std::string(kBuiltinTests)};
  if (f.sets.empty()) {
    suite.sets = caliskan2017_word_sets();
  } else {
    auto sets = read_weat_word_sets(f.sets);
    if (!sets) return tl::unexpected(sets.error());
    suite.sets = std::move(*sets);
    suite.sets_source = f.sets;
  }
  if (f.tests.empty()) {
    suite.tests = caliskan2017_tests();
  } else {
    auto tests = read_weat_tests(f.tests);
    if (!tests) return tl::unexpected(tests.error());
    suite.tests = std::move(*tests);
    suite.tests_source = f.tests;
  }
  if (auto ok = check_weat_sets_exist(suite.tests, suite.tests_source, suite.sets, suite.sets_source); !ok) {
    return tl::unexpected(ok.error());
  }
  return suite;
}

nlohmann::json number_or_null(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

nlohmann::json weat_json(const WeatTestResult& r) {
  nlohmann::json out = {{"id", r.spec.id},
                        {"name", r.spec.name},
                        {"X", r.spec.x},
                        {"Y", r.spec.y},
                        {"A", r.spec.a},
                        {"B", r.spec.b},
                        {"words", {{"X", r.x_words}, {"Y", r.y_words}, {"A", r.a_words}, {"B", r.b_words}}},
                        {"missing", r.missing}};
  if (!r.spec.reference_effect_size.empty()) out["reference_effect_size"] = r.spec.reference_effect_size;
  if (!r.statistics) {
    out["effect_size"] = nullptr;
    out["p_value"] = nullptr;
    out["error"] = r.error;
    return out;
  }
  const WeatStatistics& s = *r.statistics;
  out["effect_size"] = number_or_null(s.effect_size);
  out["p_value"] = s.p_value;
  out["p_value_method"] = weat_p_value_method_name(s.method);
  out["partitions"] = s.partitions;
  out["statistic"] = s.statistic;
  out["mean_association_x"] = s.mean_x;
  out["mean_association_y"] = s.mean_y;
  return out;
}

nlohmann::json weat_json(const std::vector<WeatTestResult>& results) {
  nlohmann::json tests = nlohmann::json::array();
  for (const auto& r : results) tests.push_back(weat_json(r));
  return tests;
}

std::string effect_text(const WeatTestResult& r) {
  if (!r.statistics) return "-";
  return std::isfinite(r.statistics->effect_size) ? fmt::format("{:.3f}", r.statistics->effect_size) : "nan";
}

std::string p_value_text(const WeatTestResult& r) {
  if (!r.statistics) return "-";
  const WeatStatistics& s = *r.statistics;
  // A sampled 0 only says the p-value is below one over the sample size.
  if (s.method == WeatPValueMethod::kSampled && s.p_value == 0) return fmt::format("<{:.0e}", 1.0 / s.partitions);
  return fmt::format("{:.4g}", s.p_value);
}

void print_weat_table(const std::vector<WeatTestResult>& results) {
  fmt::print("{:<8} {:>7} {:>8}  {:<16} {:<13} {}\n", "test", "effect", "p-value", "partitions", "words X/Y/A/B",
             "missing");
  for (const auto& r : results) {
    const std::string words = fmt::format("{}/{}/{}/{}", r.x_words, r.y_words, r.a_words, r.b_words);
    std::string missing;
    for (const auto& w : r.missing) missing += (missing.empty() ? "" : " ") + w;
    const std::string partitions =
        r.statistics ? fmt::format("{} {}", weat_p_value_method_name(r.statistics->method), r.statistics->partitions)
                     : "-";
    fmt::print("{:<8} {:>7} {:>8}  {:<16} {:<13} {}\n", r.spec.id, effect_text(r), p_value_text(r), partitions, words,
               missing);
  }
}

// Failed tests (a whole set missing) are said on stderr as `kind` ("error", "note"); the others' results stand.
int report_failed_tests(const std::vector<WeatTestResult>& results, const char* kind) {
  int failed = 0;
  for (const auto& r : results) {
    if (r.statistics) continue;
    std::fprintf(stderr, "semspace: %s: %s\n", kind, r.error.c_str());
    ++failed;
  }
  return failed;
}

int runtime(const Error& error) {
  report(error);
  return kExitError;
}

struct WeatCommandFlags {
  std::string model = "default";
  WeatFlags weat;
  bool json = false;
};

int run_weat(const WeatCommandFlags& f) {
  auto suite = load_weat_suite(f.weat);
  if (!suite) return runtime(suite.error());
  auto model = load_model(f.model);
  if (!model) return report(model.error());
  const auto results = run_weat_tests(*model, suite->tests, suite->sets, f.weat.options());
  if (f.json) {
    print_json({{"model", f.model},
                {"sets", suite->sets_source},
                {"tests_source", suite->tests_source},
                {"permutations", f.weat.permutations},
                {"max_exact", f.weat.max_exact},
                {"seed", f.weat.seed},
                {"tests", weat_json(results)}});
  } else {
    print_weat_table(results);
  }
  return report_failed_tests(results, "error") > 0 ? kExitError : kExitOk;
}

// ---- debias

struct DebiasFlags {
  std::string model = "default", output, to, lists, keep, analogies, similarity;
  WeatFlags weat;
  std::size_t max_vocab = AnalogyEvalOptions{}.max_vocab;
  int threads = 0;
  bool json = false;
};

// One evaluation before and after debiasing, or why it was not run.
struct EvalPair {
  std::string skipped;  // non-empty: not measured, and why
  nlohmann::json before, after;
};

// The brief asks that absent evaluation files be a note, not a failure: a clean clone has no ../shared/data.
std::string absent_file_note(const std::string& path, std::string_view flag) {
  if (path.empty()) return fmt::format("not measured: no {} FILE given", flag);
  std::error_code ignored;
  if (!std::filesystem::exists(path, ignored)) return fmt::format("not measured: {} {} does not exist", flag, path);
  return "";
}

Expected<nlohmann::json> analogy_json(const WordVectors& model, const AnalogyQuestions& questions,
                                      const AnalogyEvalOptions& options) {
  auto r = evaluate_analogies(model, questions, options);
  if (!r) return tl::unexpected(r.error());
  return nlohmann::json{{"accuracy", r->accuracy()},
                        {"semantic_accuracy", r->semantic_accuracy()},
                        {"syntactic_accuracy", r->syntactic_accuracy()},
                        {"answered", r->answered},
                        {"total", r->questions}};
}

nlohmann::json similarity_json(const WordVectors& model, const std::vector<WordPair>& pairs) {
  const auto r = evaluate_word_similarity(model, pairs);
  return {{"spearman", number_or_null(r.spearman)}, {"pearson", number_or_null(r.pearson)}, {"pairs", r.pairs},
          {"found", r.found}};
}

nlohmann::json eval_pair_json(const EvalPair& e, const std::string& file) {
  if (!e.skipped.empty()) return {{"skipped", e.skipped}};
  return {{"file", file}, {"before", e.before}, {"after", e.after}};
}

std::string format_name_of(io::VectorFormat format) { return std::string(io::vector_format_name(format)); }

int run_debias(const DebiasFlags& f) {
  auto format = f.to.empty() ? io::format_for_output_path(f.output) : io::parse_vector_format_name(f.to);
  if (!format) return report(format.error());
  if (*format == io::VectorFormat::kFastTextBin) {
    return report(Error{ErrorCode::kInvalidArgument, "--to fasttext-bin: fastText .bin models cannot be written"});
  }
  auto lists = f.lists.empty() ? Expected<DebiasWordLists>(bolukbasi2016_gender_lists()) : read_debias_lists(f.lists);
  if (!lists) return runtime(lists.error());
  if (!f.keep.empty()) {
    auto keep = read_word_list(f.keep);
    if (!keep) return runtime(keep.error());
    lists->specific_words.insert(lists->specific_words.end(), keep->begin(), keep->end());
  }
  auto suite = load_weat_suite(f.weat);
  if (!suite) return runtime(suite.error());
  EvalPair analogy{.skipped = absent_file_note(f.analogies, "--analogies"), .before = {}, .after = {}};
  EvalPair similarity{.skipped = absent_file_note(f.similarity, "--similarity"), .before = {}, .after = {}};
  AnalogyQuestions questions;
  if (analogy.skipped.empty()) {
    auto read = read_analogy_questions(f.analogies);
    if (!read) return runtime(read.error());
    questions = std::move(*read);
  }
  std::vector<WordPair> pairs;
  if (similarity.skipped.empty()) {
    auto read = read_word_pairs(f.similarity);
    if (!read) return runtime(read.error());
    pairs = std::move(*read);
  }
  auto model = load_model(f.model);
  if (!model) return report(model.error());

  const AnalogyEvalOptions analogy_options{.max_vocab = f.max_vocab,
                                           .threads = f.threads > 0 ? f.threads : default_threads()};
  const WeatOptions weat_options = f.weat.options();
  const auto weat_before = run_weat_tests(*model, suite->tests, suite->sets, weat_options);
  report_failed_tests(weat_before, "note");  // debiasing does not need them: reported, not fatal
  if (analogy.skipped.empty()) {
    auto before = analogy_json(*model, questions, analogy_options);
    if (!before) return report(before.error());
    analogy.before = std::move(*before);
  }
  if (similarity.skipped.empty()) similarity.before = similarity_json(*model, pairs);

  auto debiased = hard_debias(*model, *lists);
  if (!debiased) return runtime(Error{debiased.error().code, fmt::format("{}: {}", f.model, debiased.error().message)});
  const HardDebiasReport& r = debiased->report;
  const WordVectors& out = debiased->model;
  if (auto written = io::write_word_vectors(out, f.output, *format); !written) return runtime(written.error());
  const bool keeps_subwords = out.has_subwords() && *format == io::VectorFormat::kNative;

  const auto weat_after = run_weat_tests(out, suite->tests, suite->sets, weat_options);
  if (analogy.skipped.empty()) {
    auto after = analogy_json(out, questions, analogy_options);
    if (!after) return report(after.error());
    analogy.after = std::move(*after);
  }
  if (similarity.skipped.empty()) similarity.after = similarity_json(out, pairs);
  const double bias_before = direct_bias(*model, r.direction.vector, r.neutralized_rows);
  const double bias_after = direct_bias(out, r.direction.vector, r.neutralized_rows);

  if (f.json) {
    print_json({{"model", f.model},
                {"output", f.output},
                {"format", format_name_of(*format)},
                {"words", out.size()},
                {"dim", out.dim()},
                {"lists", f.lists.empty() ? "built-in (Bolukbasi et al. 2016 definitional pairs)" : f.lists},
                {"direction",
                 {{"pairs_used", r.direction.pairs_used},
                  {"missing_pairs", r.direction.missing_pairs},
                  {"explained_variance_ratio", r.direction.explained_variance_ratio}}},
                {"neutralized", r.neutralized_rows.size()},
                {"specific", r.specific},
                {"equalized_pairs", r.equalized_pairs},
                {"missing_equalize_pairs", r.missing_equalize_pairs},
                {"subwords_neutralized", r.subwords_neutralized},
                {"output_keeps_subwords", keeps_subwords},
                {"direct_bias", {{"before", bias_before}, {"after", bias_after}}},
                {"weat", {{"sets", suite->sets_source}, {"before", weat_json(weat_before)},
                          {"after", weat_json(weat_after)}}},
                {"analogy", eval_pair_json(analogy, f.analogies)},
                {"similarity", eval_pair_json(similarity, f.similarity)}});
    return kExitOk;
  }
  fmt::print("bias direction: {} of {} definitional pairs; the first component holds {:.1f}% of their variance\n",
             r.direction.pairs_used, r.direction.pairs_used + r.direction.missing_pairs.size(),
             100 * r.direction.explained_variance_ratio);
  fmt::print("neutralised {} words, kept {} specific words, equalised {} pairs{}\n", r.neutralized_rows.size(),
             r.specific, r.equalized_pairs, r.subwords_neutralized ? ", neutralised the n-gram rows" : "");
  fmt::print("direct bias (mean |cos| of neutralised words with the direction): {:.4f} -> {:.4f}\n", bias_before,
             bias_after);
  fmt::print("\n{:<8} {:>14} {:>14}  {:>9} {:>9}\n", "WEAT", "effect before", "effect after", "p before", "p after");
  for (std::size_t i = 0; i < weat_before.size(); ++i) {
    fmt::print("{:<8} {:>14} {:>14}  {:>9} {:>9}\n", weat_before[i].spec.id, effect_text(weat_before[i]),
               effect_text(weat_after[i]), p_value_text(weat_before[i]), p_value_text(weat_after[i]));
  }
  fmt::print("\n");
  if (analogy.skipped.empty()) {
    fmt::print("analogy accuracy ({}): {:.2f}% -> {:.2f}% ({} of {} questions answered)\n", f.analogies,
               100 * analogy.before["accuracy"].get<double>(), 100 * analogy.after["accuracy"].get<double>(),
               analogy.after["answered"].get<std::size_t>(), analogy.after["total"].get<std::size_t>());
  } else {
    fmt::print("analogy accuracy: {}\n", analogy.skipped);
  }
  if (similarity.skipped.empty()) {
    fmt::print("similarity Spearman ({}): {:.4f} -> {:.4f} ({} of {} pairs)\n", f.similarity,
               similarity.before["spearman"].is_number() ? similarity.before["spearman"].get<double>() : NAN,
               similarity.after["spearman"].is_number() ? similarity.after["spearman"].get<double>() : NAN,
               similarity.after["found"].get<std::size_t>(), similarity.after["pairs"].get<std::size_t>());
  } else {
    fmt::print("similarity Spearman: {}\n", similarity.skipped);
  }
  fmt::print("wrote {} ({}, {} words, dimension {}{})\n", f.output, format_name_of(*format), out.size(), out.dim(),
             out.has_subwords() ? (keeps_subwords ? ", n-gram rows kept" : ", word vectors only: the format has no "
                                                                           "n-gram rows")
                                : "");
  return kExitOk;
}

}  // namespace

void register_bias(CLI::App& app, int& exit_code) {
  auto* group = app.add_subcommand("bias", "Measure (WEAT) and reduce (hard debiasing) bias in word vectors");
  group->require_subcommand(1);
  {
    auto f = std::make_shared<WeatCommandFlags>();
    auto* cmd = group->add_subcommand(
        "weat", "Word Embedding Association Test (Caliskan et al. 2017): effect size and permutation p-value");
    cmd->add_option("--model", f->model, "Model: 'default' or a path to a vector file")->capture_default_str();
    add_weat_options(*cmd, f->weat);
    cmd->add_flag("--json", f->json, "Print one JSON object");
    cmd->callback([f, &exit_code] { exit_code = run_weat(*f); });
  }
  {
    auto f = std::make_shared<DebiasFlags>();
    auto* cmd = group->add_subcommand(
        "debias", "Hard debiasing (Bolukbasi et al. 2016): neutralise and equalise along a bias direction");
    cmd->add_option("--model", f->model, "Model: 'default' or a path to a vector file")->capture_default_str();
    cmd->add_option("--output", f->output, "Debiased model to write (.sem .vec .txt .bin .glove.txt)")->required();
    cmd->add_option("--to", f->to, "Output format: native, word2vec, word2vec-bin, glove, vec (default: by extension)");
    cmd->add_option("--lists", f->lists,
                    "Word lists (JSON: definitional_pairs, equalize_pairs, specific_words); default: built-in gender");
    cmd->add_option("--keep", f->keep, "More words to leave alone (one per line), added to the specific words");
    add_weat_options(*cmd, f->weat);
    cmd->add_option("--analogies", f->analogies, "Analogy questions to measure the cost on (questions-words format)");
    cmd->add_option("--similarity", f->similarity, "Word pairs with human scores to measure the cost on");
    cmd->add_option("--max-vocab", f->max_vocab, "Analogies: search only the N most frequent words (0 = all)")
        ->capture_default_str();
    cmd->add_option("--threads", f->threads, "Threads for the analogy evaluation (default: all cores)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--json", f->json, "Print one JSON object");
    cmd->callback([f, &exit_code] { exit_code = run_debias(*f); });
  }
}

}  // namespace semspace::cli
