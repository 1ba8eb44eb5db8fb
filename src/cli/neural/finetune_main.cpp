// semspace-finetune: the `semspace finetune` command in its own executable, because it links libtorch (see
// src/CMakeLists.txt). `semspace finetune ARGS` runs `semspace-finetune ARGS` from the same folder.
#include <cstdio>
#include <exception>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/kernels/gemm.hpp"
#include "core/progress.hpp"
#include "io/text_model_files.hpp"
#include "io/training_records.hpp"
#include "store/collection_store.hpp"
#include "train/neural/finetune.hpp"

namespace {

using namespace semspace;

int report(const Error& error) {
  std::fprintf(stderr, "semspace: error: %s\n", error.message.c_str());
  return error.code == ErrorCode::kInvalidArgument ? 2 : 1;
}

struct Flags {
  std::string model, train, eval, loss, output;
  neural::FinetuneOptions options;
  bool json = false, quiet = false;
};

int run(const Flags& f) {
  auto location = io::resolve_model(f.model, store::semspace_home() / "models");
  if (!location) return report(location.error());
  if (location->kind != TextModelKind::kTransformer) {
    return report(Error{ErrorCode::kInvalidArgument,
                        fmt::format("{} is a word-vector model; fine-tuning needs a transformer folder or a pulled "
                                    "ORG/NAME (train word vectors with `semspace train`)",
                                    f.model)});
  }
  const io::RecordKind kind = neural::record_kind(f.options.loss);
  auto train = io::read_training_records(f.train, kind);
  if (!train) return report(train.error());
  std::vector<io::TrainingRecord> eval;
  if (!f.eval.empty()) {
    auto read = io::read_training_records(f.eval, kind);
    if (!read) return report(read.error());
    eval = std::move(*read);
  }
  core::Progress progress("finetune", !f.quiet && core::Progress::stderr_is_terminal());
  auto result = neural::finetune(location->path, std::move(*train), std::move(eval), f.options, f.output,
                                 [&](std::size_t step, std::size_t total, double loss) {
                                   progress.update(static_cast<double>(step) / static_cast<double>(total),
                                                   fmt::format("step {}/{} loss {:.4f}", step, total, loss));
                                 });
  if (!result) return report(result.error());
  progress.finish(fmt::format("{} steps", result->steps));
  nlohmann::json evaluations = nlohmann::json::array();
  for (const auto& e : result->evaluations) {
    evaluations.push_back({{"epoch", e.epoch}, {"train_loss", e.train_loss}, {e.metric_name, e.metric}});
  }
  if (f.json) {
    std::printf("%s\n", nlohmann::json{{"output", f.output},
                                        {"train_records", result->train_records},
                                        {"eval_records", result->eval_records},
                                        {"steps", result->steps},
                                        {"evaluations", evaluations}}
                            .dump()
                            .c_str());
    return 0;
  }
  std::printf("fine-tuned %s on %zu records (%zu held out) in %zu steps -> %s\n", f.model.c_str(),
              result->train_records, result->eval_records, result->steps, f.output.c_str());
  for (const auto& e : result->evaluations) {
    if (e.epoch == 0) {
      std::printf("before training: %s %.4f\n", e.metric_name.c_str(), e.metric);
    } else {
      std::printf("epoch %d: train loss %.4f%s\n", e.epoch, e.train_loss,
                  e.metric_name.empty() ? "" : fmt::format(", {} {:.4f}", e.metric_name, e.metric).c_str());
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  semspace::kernels::restart_with_better_blas_kernels(argv);  // libtorch's products run on the same OpenBLAS
  CLI::App app{"semspace finetune: adapt a transformer sentence encoder to your data (libtorch)"};
  app.name("semspace finetune");
  auto f = std::make_shared<Flags>();
  const std::map<std::string, neural::FinetuneLoss> losses = {{"mnrl", neural::FinetuneLoss::kMnrl},
                                                              {"triplet", neural::FinetuneLoss::kTriplet},
                                                              {"softmax", neural::FinetuneLoss::kSoftmax},
                                                              {"cosine", neural::FinetuneLoss::kCosine}};
  app.add_option("--model", f->model, "Transformer folder or pulled ORG/NAME to start from")->required();
  app.add_option("--train", f->train,
                 "Training records (.jsonl, .csv or .tsv): pairs anchor/positive (mnrl), triplets "
                 "anchor/positive/negative (triplet), text/label (softmax), sentence1/sentence2/score (cosine)")
      ->required();
  app.add_option("--loss", f->options.loss, "mnrl (in-batch negatives), triplet, softmax or cosine")
      ->required()
      ->transform(CLI::CheckedTransformer(losses))
      ->option_text("mnrl|triplet|softmax|cosine REQUIRED");
  app.add_option("--output", f->output, "Folder for the fine-tuned model (HF layout), written after every epoch")
      ->required();
  app.add_option("--epochs", f->options.epochs, "Passes over the training records")->capture_default_str();
  app.add_option("--batch", f->options.batch_size, "Records per step (mnrl: more in-batch negatives)")
      ->capture_default_str();
  app.add_option("--lr", f->options.learning_rate, "Peak AdamW learning rate")->capture_default_str();
  app.add_option("--warmup", f->options.warmup_fraction, "Fraction of steps of linear warm-up")->capture_default_str();
  app.add_option("--weight-decay", f->options.weight_decay, "AdamW weight decay")->capture_default_str();
  app.add_option("--scale", f->options.scale, "mnrl: similarity scale (1 / temperature)")->capture_default_str();
  app.add_option("--margin", f->options.margin, "triplet: margin on Euclidean distances")->capture_default_str();
  app.add_option("--eval", f->eval, "Held-out records to evaluate on (default: a fraction of --train)");
  app.add_option("--eval-fraction", f->options.eval_fraction, "Fraction of --train held out when --eval is absent")
      ->capture_default_str();
  app.add_option("--max-length", f->options.max_length, "Tokens per text (default: the model's)");
  app.add_option("--threads", f->options.threads, "Threads for the matrix products")->capture_default_str();
  app.add_option("--seed", f->options.seed, "Seed for shuffling, the held-out split, dropout and new weights")
      ->capture_default_str();
  app.add_flag("--json", f->json, "Print one JSON object: output, records, steps, evaluations");
  app.add_flag("--quiet", f->quiet, "No progress line");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::fprintf(stderr, "semspace: usage error: %s\nRun with --help for usage.\n", e.what());
    return 2;
  }
  try {
    return run(*f);
  } catch (const std::exception& e) {  // libtorch reports its failures as c10::Error
    std::fprintf(stderr, "semspace: internal error: %s\n", e.what());
    return 1;
  }
}
