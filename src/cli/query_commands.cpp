// semspace similarity | neighbors | analogy: questions answered by a word-vector model.
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "analysis/word_queries.hpp"
#include "cli/cli_common.hpp"

namespace semspace::cli {
namespace {

void print_neighbors(const std::vector<Neighbor>& neighbors, bool json, const char* key) {
  if (json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& n : neighbors) list.push_back({{"word", n.word}, {"score", n.score}});
    print_json({{key, list}});
    return;
  }
  int rank = 1;
  for (const auto& n : neighbors) fmt::print("{:>3}. {:<24} {:.4f}\n", rank++, n.word, n.score);
}

}  // namespace

void register_queries(CLI::App& app, int& exit_code) {
  {
    struct Flags {
      std::string model = "default", a, b;
      bool json = false;
    };
    auto f = std::make_shared<Flags>();
    auto* cmd = app.add_subcommand("similarity", "Cosine similarity of two words");
    cmd->add_option("--model", f->model, "Model: 'default' or a path to a vector file")->capture_default_str();
    cmd->add_option("word1", f->a, "First word")->required();
    cmd->add_option("word2", f->b, "Second word")->required();
    cmd->add_flag("--json", f->json, "Print one JSON object");
    cmd->callback([f, &exit_code] {
      auto model = load_model(f->model);
      if (!model) return void(exit_code = report(model.error()));
      auto score = similarity(*model, f->a, f->b);
      if (!score) return void(exit_code = report(score.error()));
      if (f->json) {
        print_json({{"word1", f->a}, {"word2", f->b}, {"similarity", *score}});
      } else {
        fmt::print("{:.4f}\n", *score);
      }
    });
  }
  {
    struct Flags {
      std::string model = "default", word;
      int k = 10;
      bool json = false;
    };
    auto f = std::make_shared<Flags>();
    auto* cmd = app.add_subcommand("neighbors", "Nearest words by cosine similarity");
    cmd->alias("neighbours");
    cmd->add_option("--model", f->model, "Model: 'default' or a path to a vector file")->capture_default_str();
    cmd->add_option("word", f->word, "Query word (unknown words use subwords when the model has them)")->required();
    cmd->add_option("-k", f->k, "How many neighbours")->capture_default_str()->check(CLI::Range(1, 100000));
    cmd->add_flag("--json", f->json, "Print one JSON object");
    cmd->callback([f, &exit_code] {
      auto model = load_model(f->model);
      if (!model) return void(exit_code = report(model.error()));
      auto neighbors = nearest_neighbors(*model, f->word, f->k);
      if (!neighbors) return void(exit_code = report(neighbors.error()));
      print_neighbors(*neighbors, f->json, "neighbors");
    });
  }
  {
    struct Flags {
      std::string model = "default", a, b, c, method = "3cosadd";
      int k = 5;
      bool json = false;
    };
    auto f = std::make_shared<Flags>();
    auto* cmd = app.add_subcommand("analogy", "A is to B as C is to ?");
    cmd->add_option("--model", f->model, "Model: 'default' or a path to a vector file")->capture_default_str();
    cmd->add_option("a", f->a, "A")->required();
    cmd->add_option("b", f->b, "B")->required();
    cmd->add_option("c", f->c, "C")->required();
    cmd->add_option("-k", f->k, "How many answers")->capture_default_str()->check(CLI::Range(1, 100000));
    cmd->add_option("--method", f->method, "3cosadd or 3cosmul")
        ->check(CLI::IsMember({"3cosadd", "3cosmul"}))
        ->capture_default_str();
    cmd->add_flag("--json", f->json, "Print one JSON object");
    cmd->callback([f, &exit_code] {
      auto model = load_model(f->model);
      if (!model) return void(exit_code = report(model.error()));
      auto method = f->method == "3cosmul" ? AnalogyMethod::k3CosMul : AnalogyMethod::k3CosAdd;
      auto answers = analogy(*model, f->a, f->b, f->c, f->k, method);
      if (!answers) return void(exit_code = report(answers.error()));
      print_neighbors(*answers, f->json, "answers");
    });
  }
}

}  // namespace semspace::cli
