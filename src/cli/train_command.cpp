// semspace train: word vectors from a text corpus.
#include <CLI/CLI.hpp>

#include "cli/cli_common.hpp"
#include "core/progress.hpp"
#include "io/vector_formats.hpp"
#include "train/word2vec/word2vec_trainer.hpp"

namespace semspace::cli {

void register_train(CLI::App& app, int& exit_code) {
  struct Flags {
    std::string input, output, model = "skipgram";
    train::Word2VecOptions options;
    bool no_subwords = false, quiet = false, no_normalize = false;
    std::vector<std::string> also;
  };
  auto flags = std::make_shared<Flags>();
  flags->options.threads = default_threads();
  auto* cmd = app.add_subcommand("train", "Train word vectors (skip-gram or CBOW, negative sampling, subwords)");
  cmd->add_option("--input", flags->input, "Corpus: text or gzip, one sentence/document per line; - for stdin")
      ->required();
  cmd->add_option("--output", flags->output,
                  "Model file; the extension picks the format: .sem (native, keeps subwords), .vec, .txt, .bin")
      ->required();
  cmd->add_option("--also-write", flags->also, "Further outputs in other formats (e.g. model.vec)");
  cmd->add_option("--model", flags->model, "Architecture")->check(CLI::IsMember({"skipgram", "cbow"}))->capture_default_str();
  auto& o = flags->options;
  cmd->add_option("--dim", o.dim, "Vector dimension")->capture_default_str();
  cmd->add_option("--window", o.window, "Maximum context distance")->capture_default_str();
  cmd->add_option("--neg", o.negatives, "Negative samples per positive")->capture_default_str();
  cmd->add_option("--neg-power", o.neg_power,
                  "Negatives drawn by count^P; 0 = 0.5 with subwords (fastText), 0.75 without (word2vec)")
      ->capture_default_str();
  cmd->add_option("--epochs", o.epochs, "Passes over the corpus")->capture_default_str();
  cmd->add_option("--min-count", o.min_count, "Drop words seen fewer times")->capture_default_str();
  cmd->add_option("--max-vocab", o.max_vocab, "Keep at most this many words (0 = all)")->capture_default_str();
  cmd->add_option("--sample", o.sample, "Subsampling threshold t for frequent words (0 = off)")->capture_default_str();
  cmd->add_option("--lr", o.lr, "Initial learning rate (decays linearly to 0)")->capture_default_str();
  cmd->add_option("--threads", o.threads, "Worker threads (default: all cores)");
  cmd->add_option("--minn", o.subwords.minn, "Shortest character n-gram")->capture_default_str();
  cmd->add_option("--maxn", o.subwords.maxn, "Longest character n-gram (0 = no subwords)")->capture_default_str();
  cmd->add_option("--bucket", o.subwords.buckets, "Hash buckets for n-grams")->capture_default_str();
  cmd->add_flag("--no-subwords", flags->no_subwords, "Plain word2vec: no character n-grams");
  cmd->add_option("--seed", o.seed, "Random seed (1 thread + same seed = identical model)")->capture_default_str();
  cmd->add_flag("--no-normalize", flags->no_normalize, "Keep case and Unicode forms (default: NFKC + case folding)");
  cmd->add_flag("--quiet", flags->quiet, "No progress line");
  cmd->callback([flags, &exit_code] {
    auto& f = *flags;
    f.options.architecture =
        f.model == "cbow" ? train::Word2VecArchitecture::kCbow : train::Word2VecArchitecture::kSkipGram;
    if (f.no_subwords) f.options.subwords.maxn = 0;
    f.options.tokenizer.normalize = !f.no_normalize;
    auto format = io::format_for_output_path(f.output);
    if (!format) {
      exit_code = report(format.error());
      return;
    }
    core::Progress progress("training", !f.quiet && core::Progress::stderr_is_terminal());
    train::TrainReport report_data;
    auto model = train::train_word2vec(f.input, f.options, &progress, &report_data);
    if (!model) {
      exit_code = report(model.error());
      return;
    }
    if (auto written = io::write_word_vectors(*model, f.output, *format); !written) {
      exit_code = report(written.error());
      return;
    }
    for (const auto& extra : f.also) {
      auto extra_format = io::format_for_output_path(extra);
      if (!extra_format) {
        exit_code = report(extra_format.error());
        return;
      }
      if (auto written = io::write_word_vectors(*model, extra, *extra_format); !written) {
        exit_code = report(written.error());
        return;
      }
    }
    auto json = nlohmann::json::parse(report_data.to_json());
    json["output"] = f.output;
    json["dim"] = f.options.dim;
    json["subwords"] = model->has_subwords();
    print_json(json);
  });
}

}  // namespace semspace::cli
