// Fine-tuning a BERT-family sentence encoder on a user's examples (libtorch autograd), with the losses
// sentence-transformers users know: MultipleNegativesRanking (InfoNCE over in-batch negatives), triplet margin,
// softmax classification head, and cosine-similarity regression. The result is a model folder in the same HF layout
// the inference runtime and the Python ecosystem load.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "io/training_records.hpp"
#include "semspace/status.hpp"

namespace semspace::neural {

enum class FinetuneLoss {
  kMnrl,     // pairs: softmax over scale * cos(anchor, every positive in the batch), the own positive is the target
  kTriplet,  // triplets: max(0, d(a, p) - d(a, n) + margin), Euclidean distance (sentence-transformers' default)
  kSoftmax,  // labelled texts: cross-entropy of a linear head on the sentence vector
  kCosine,   // scored pairs: mean squared error between cos(u, v) and the score
};

/// The record kind each loss trains on.
io::RecordKind record_kind(FinetuneLoss loss);

struct FinetuneOptions {
  FinetuneLoss loss = FinetuneLoss::kMnrl;
  int epochs = 1;
  std::size_t batch_size = 32;
  double learning_rate = 2e-5;  // AdamW, linear warm-up then linear decay to 0
  double warmup_fraction = 0.1;
  double weight_decay = 0.01;   // not applied to biases and LayerNorm weights
  double scale = 20.0;          // MNRL: 1 / temperature
  double margin = 5.0;          // triplet
  double eval_fraction = 0.1;   // held out from the training records when no eval records are given
  std::size_t max_length = 0;   // tokens; 0 = the model's (sentence_bert_config.json, tokenizer, positions)
  int threads = 1;              // BLAS threads for the matrix products
  std::uint64_t seed = 42;

  /// kInvalidArgument naming the option.
  Status validate() const;
};

/// One evaluation of the held-out records: recall@1 of anchor -> positive among all held-out positives (MNRL), the
/// fraction of triplets with cos(a, p) > cos(a, n) (triplet), accuracy (softmax), Spearman of cos vs score (cosine).
struct Evaluation {
  int epoch = 0;            // 0 = before training
  double train_loss = 0;    // mean over the epoch's steps (0 before training)
  double metric = 0;
  std::string metric_name;  // "recall@1", "triplet_accuracy", "accuracy", "spearman"
};

struct FinetuneReport {
  std::size_t train_records = 0, eval_records = 0, steps = 0;
  std::vector<Evaluation> evaluations;  // before training, then after each epoch
};

/// Called after each step: step number (1-based), total steps, the step's loss.
using StepCallback = std::function<void(std::size_t step, std::size_t total, double loss)>;

/// Fine-tunes the model in `model_folder` on `train` (and evaluates on `eval`, or on a seeded held-out fraction of
/// `train` when `eval` is empty), writing the model to `output` after each epoch: the folder's config, tokenizer and
/// sentence-transformers files copied, model.safetensors with the new weights; for the softmax loss also
/// softmax_head.safetensors and softmax_labels.json (the head is not part of the encoder). Errors: those of loading
/// the folder, kInvalidArgument for bad options or too few records (an MNRL batch needs 2), kIo for the output.
Expected<FinetuneReport> finetune(const std::filesystem::path& model_folder, std::vector<io::TrainingRecord> train,
                                  std::vector<io::TrainingRecord> eval, const FinetuneOptions& options,
                                  const std::filesystem::path& output, const StepCallback& on_step = {});

}  // namespace semspace::neural
