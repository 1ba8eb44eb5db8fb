// semspace eval analogy | similarity: a model's quality on the standard public sets.
#include <cmath>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "analysis/evaluate/analogy_eval.hpp"
#include "analysis/evaluate/word_similarity_eval.hpp"
#include "cli/cli_common.hpp"

namespace semspace::cli {
namespace {

// NaN (too few pairs) becomes JSON null rather than an invalid number.
nlohmann::json number_or_null(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(); }

}  // namespace

void register_eval(CLI::App& app, int& exit_code) {
  auto* group = app.add_subcommand("eval", "Evaluate a model: analogy accuracy, word-similarity correlation");
  group->require_subcommand(1);
  {
    struct Flags {
      std::string model = "default", data, method = "3cosadd";
      std::size_t max_vocab = 30000;
      int threads = default_threads();
      bool json = false;
    };
    auto f = std::make_shared<Flags>();
    auto* cmd = group->add_subcommand("analogy", "Accuracy on word2vec questions-words style analogies");
    cmd->add_option("--model", f->model, "Model: 'default' or a path to a vector file")->capture_default_str();
    cmd->add_option("--data", f->data, "Questions file (': section' lines, then 'a b c d')")->required();
    cmd->add_option("--max-vocab", f->max_vocab, "Search only the N most frequent words (0 = all)")
        ->capture_default_str();
    cmd->add_option("--method", f->method, "3cosadd or 3cosmul")
        ->check(CLI::IsMember({"3cosadd", "3cosmul"}))
        ->capture_default_str();
    cmd->add_option("--threads", f->threads, "Threads (default: all cores)");
    cmd->add_flag("--json", f->json, "Print one JSON object");
    cmd->callback([f, &exit_code] {
      auto model = load_model(f->model);
      if (!model) return void(exit_code = report(model.error()));
      AnalogyEvalOptions options{.max_vocab = f->max_vocab,
                                 .method = f->method == "3cosmul" ? AnalogyMethod::k3CosMul : AnalogyMethod::k3CosAdd,
                                 .lowercase = true,
                                 .threads = f->threads};
      auto result = evaluate_analogy_file(*model, f->data, options);
      if (!result) return void(exit_code = report(result.error()));
      const auto& r = *result;
      if (f->json) {
        nlohmann::json sections = nlohmann::json::array();
        for (const auto& s : r.sections) {
          sections.push_back({{"name", s.name}, {"syntactic", s.syntactic}, {"correct", s.correct},
                              {"answered", s.total}, {"oov", s.oov}, {"accuracy", s.accuracy()}});
        }
        print_json({{"accuracy", r.accuracy()},
                    {"correct", r.correct},
                    {"answered", r.answered},
                    {"total", r.questions},
                    {"oov", r.oov},
                    {"seen", r.seen_fraction()},
                    {"semantic_accuracy", r.semantic_accuracy()},
                    {"syntactic_accuracy", r.syntactic_accuracy()},
                    {"max_vocab", f->max_vocab},
                    {"method", f->method},
                    {"sections", sections}});
        return;
      }
      fmt::print("{:<32} {:>9} {:>9} {:>7}\n", "section", "accuracy", "answered", "oov");
      for (const auto& s : r.sections) {
        fmt::print("{:<32} {:>8.2f}% {:>9} {:>7}\n", s.name, 100 * s.accuracy(), s.total, s.oov);
      }
      fmt::print("{:<32} {:>8.2f}%\n", "semantic", 100 * r.semantic_accuracy());
      fmt::print("{:<32} {:>8.2f}%\n", "syntactic", 100 * r.syntactic_accuracy());
      fmt::print("{:<32} {:>8.2f}% {:>9} {:>7}   (seen {:.1f}% of {} questions)\n", "overall", 100 * r.accuracy(),
                 r.answered, r.oov, 100 * r.seen_fraction(), r.questions);
    });
  }
  {
    struct Flags {
      std::string model = "default", data;
      bool json = false;
    };
    auto f = std::make_shared<Flags>();
    auto* cmd = group->add_subcommand("similarity", "Spearman correlation with human word-pair similarity scores");
    cmd->add_option("--model", f->model, "Model: 'default' or a path to a vector file")->capture_default_str();
    cmd->add_option("--data", f->data, "Pairs file: 'word1 word2 score' (tab, comma or space separated)")->required();
    cmd->add_flag("--json", f->json, "Print one JSON object");
    cmd->callback([f, &exit_code] {
      auto model = load_model(f->model);
      if (!model) return void(exit_code = report(model.error()));
      auto result = evaluate_word_similarity_file(*model, f->data);
      if (!result) return void(exit_code = report(result.error()));
      const auto& r = *result;
      if (f->json) {
        print_json({{"spearman", number_or_null(r.spearman)},
                    {"pearson", number_or_null(r.pearson)},
                    {"pairs", r.pairs},
                    {"found", r.found},
                    {"oov", r.oov},
                    {"oov_words_used_subwords", r.oov_words_used_subwords}});
        return;
      }
      fmt::print("spearman {:.4f}  pearson {:.4f}  pairs {}  scored {}  oov {}\n", r.spearman, r.pearson, r.pairs,
                 r.found, r.oov);
    });
  }
}

}  // namespace semspace::cli
