// Fine-tuning (libtorch): the training module computes what our inference runtime computes; a checkpoint round-trips
// bit for bit; and each loss clearly improves its held-out metric on tests/reference/finetune_fixture.py's task (a
// synonym table the model must learn), with the fine-tuned folder loading into the runtime and giving the same
// recall there as the trainer reported.
#include "train/neural/finetune.hpp"

#include <cmath>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "encoders/text_model.hpp"
#include "io/text_model_files.hpp"
#include "support/python_reference.hpp"
#include "train/neural/bert_module.hpp"

namespace semspace::neural {
namespace {

namespace fs = std::filesystem;

const fs::path& fixture() {
  static const fs::path dir = [] {
    const fs::path d = semspace::testing::scratch_dir("finetune_fixture");
    auto run = semspace::testing::run_python(semspace::testing::reference_script("finetune_fixture.py"), {d.string()});
    if (run.status != 0) ADD_FAILURE() << "finetune_fixture.py failed: " << run.output;
    return d;
  }();
  return dir;
}

std::vector<io::TrainingRecord> records(const std::string& file, io::RecordKind kind) {
  auto read = io::read_training_records(fixture() / file, kind);
  EXPECT_TRUE(read) << read.error().message;
  return read ? *read : std::vector<io::TrainingRecord>{};
}

BertModule load_module(const fs::path& folder) {
  auto transformer = io::load_transformer_folder(folder);
  EXPECT_TRUE(transformer) << transformer.error().message;
  BertModule module(BertModuleOptions{transformer->encoder.config(), transformer->encoder.pooling(), 0.0, 0.0});
  auto weights = io::SafetensorsSet::open_folder(folder);
  EXPECT_TRUE(weights) << weights.error().message;
  auto loaded = module->load(*weights);
  EXPECT_TRUE(loaded) << loaded.error().message;
  module->eval();
  return module;
}

TEST(BertModule, ComputesWhatTheInferenceRuntimeComputes) {
  const fs::path folder = fixture() / "model";
  auto runtime = io::load_transformer_folder(folder);
  ASSERT_TRUE(runtime) << runtime.error().message;
  BertModule module = load_module(folder);
  // Sequences of different lengths in one right-padded batch, against the runtime's unpadded packing.
  std::mt19937 rng(3);
  const std::vector<std::size_t> lengths = {3, 16, 1, 9};
  const auto max_len = static_cast<std::int64_t>(16);
  torch::Tensor ids = torch::zeros({4, max_len}, torch::kLong), mask = torch::zeros({4, max_len}, torch::kLong);
  std::vector<std::vector<std::uint32_t>> sequences;
  for (std::size_t s = 0; s < lengths.size(); ++s) {
    sequences.emplace_back();
    for (std::size_t i = 0; i < lengths[s]; ++i) {
      const auto id = static_cast<std::uint32_t>(rng() % runtime->encoder.config().vocab_size);
      sequences.back().push_back(id);
      ids[static_cast<std::int64_t>(s)][static_cast<std::int64_t>(i)] = static_cast<std::int64_t>(id);
      mask[static_cast<std::int64_t>(s)][static_cast<std::int64_t>(i)] = 1;
    }
  }
  std::vector<TokenSequence> batch;
  for (const auto& s : sequences) batch.push_back({s, {}});
  auto expected = runtime->encoder.encode(batch);
  ASSERT_TRUE(expected) << expected.error().message;
  torch::NoGradGuard no_grad;
  const torch::Tensor pooled = module->forward(ids, mask, torch::zeros_like(ids));
  for (std::int64_t s = 0; s < 4; ++s) {
    double diff = 0, norm = 0;
    for (std::int64_t c = 0; c < pooled.size(1); ++c) {
      const double e = expected->pooled.row(static_cast<std::size_t>(s))[static_cast<std::size_t>(c)];
      diff += std::pow(pooled[s][c].item<double>() - e, 2);
      norm += e * e;
    }
    EXPECT_LT(std::sqrt(diff / norm), 1e-5) << "sequence " << s;
  }
}

TEST(BertModule, CheckpointsRoundTripAndErrorsNameTheTensor) {
  BertModule module = load_module(fixture() / "model");
  const fs::path out = semspace::testing::scratch_dir("bert_module_save") / "model.safetensors";
  ASSERT_TRUE(module->save(out));
  auto original = io::SafetensorsFile::open(fixture() / "model" / "model.safetensors");
  auto saved = io::SafetensorsFile::open(out);
  ASSERT_TRUE(original && saved);
  ASSERT_EQ(saved->tensors().size(), original->tensors().size());
  for (const auto& tensor : original->tensors()) {
    const io::SafetensorsTensor* copy = saved->find(tensor.name);
    ASSERT_NE(copy, nullptr) << tensor.name << " saved under its HF name";
    auto a = original->view_f32(tensor), b = saved->view_f32(*copy);
    ASSERT_EQ(a.size(), b.size());
    EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin())) << tensor.name;
  }
  // A file missing one of the module's tensors is refused by name.
  std::vector<std::vector<float>> keep;
  std::vector<io::SafetensorsF32> partial;
  for (const auto& tensor : original->tensors()) {
    if (tensor.name == "encoder.layer.1.output.dense.bias") continue;
    auto values = original->view_f32(tensor);
    keep.emplace_back(values.begin(), values.end());
    partial.push_back({tensor.name, tensor.shape, keep.back()});
  }
  ASSERT_TRUE(io::write_safetensors(out, partial));
  auto file = io::SafetensorsFile::open(out);
  ASSERT_TRUE(file);
  auto refused = module->load(io::SafetensorsSet::single(std::move(*file)));
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, ::testing::HasSubstr("'encoder.layer.1.output.dense.bias' is missing"));
}

TEST(Finetune, InBatchNegativesLearnTheSynonymsAndTheRuntimeAgrees) {
  const fs::path out = semspace::testing::scratch_dir("finetune_mnrl");
  FinetuneOptions options{.loss = FinetuneLoss::kMnrl, .epochs = 10, .learning_rate = 1e-2, .threads = 1};
  auto eval = records("eval.jsonl", io::RecordKind::kPair);
  auto report = finetune(fixture() / "model", records("train.jsonl", io::RecordKind::kPair), eval, options, out);
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_EQ(report->evaluations.size(), 11u);
  EXPECT_EQ(report->evaluations.front().metric_name, "recall@1");
  const double before = report->evaluations.front().metric, after = report->evaluations.back().metric;
  EXPECT_LE(before, 0.1) << "the two sides share no token: an untrained model is near chance (0.01)";
  EXPECT_GE(after, 0.6) << "held-out combinations of learnt synonyms are retrieved";
  EXPECT_LT(report->evaluations.back().train_loss, report->evaluations[1].train_loss);

  // The checkpoint is a model folder the inference runtime loads, and it retrieves as the trainer measured.
  auto model = io::load_text_model(out.string(), fs::path());
  ASSERT_TRUE(model) << model.error().message;
  std::vector<std::string> anchors, positives;
  for (const auto& r : eval) {
    anchors.push_back(r.texts[0]);
    positives.push_back(r.texts[1]);
  }
  std::vector<float> unused;
  auto a = model->encode(anchors, {}, unused), p = model->encode(positives, {}, unused);
  ASSERT_TRUE(a && p);
  std::size_t hits = 0;
  for (std::size_t i = 0; i < eval.size(); ++i) {
    std::size_t best = 0;
    float best_score = -2;
    for (std::size_t j = 0; j < eval.size(); ++j) {
      float dot = 0;
      for (std::size_t c = 0; c < a->cols(); ++c) dot += a->row(i)[c] * p->row(j)[c];
      if (dot > best_score) best_score = dot, best = j;
    }
    hits += best == i;
  }
  EXPECT_NEAR(static_cast<double>(hits) / static_cast<double>(eval.size()), after, 0.02);
}

TEST(Finetune, TripletSoftmaxAndCosineLossesImproveTheirMetrics) {
  struct Case {
    FinetuneLoss loss;
    const char* file;
    int epochs;
    double learning_rate, min_gain;
    const char* metric;
  };
  for (const Case& c : {Case{FinetuneLoss::kTriplet, "triplets.jsonl", 6, 1e-2, 0.1, "triplet_accuracy"},
                        Case{FinetuneLoss::kSoftmax, "labelled.jsonl", 6, 1e-2, 0.4, "accuracy"},
                        Case{FinetuneLoss::kCosine, "scored.jsonl", 4, 3e-3, 0.2, "spearman"}}) {
    const fs::path out = semspace::testing::scratch_dir(std::string("finetune_") + c.metric);
    FinetuneOptions options{.loss = c.loss, .epochs = c.epochs, .learning_rate = c.learning_rate,
                            .eval_fraction = 0.2, .threads = 1};
    auto report = finetune(fixture() / "model", records(c.file, record_kind(c.loss)), {}, options, out);
    ASSERT_TRUE(report) << c.metric << ": " << report.error().message;
    EXPECT_EQ(report->evaluations.back().metric_name, c.metric);
    EXPECT_GE(report->evaluations.back().metric, report->evaluations.front().metric + c.min_gain) << c.metric;
    EXPECT_TRUE(fs::exists(out / "model.safetensors"));
    if (c.loss == FinetuneLoss::kSoftmax) {
      EXPECT_TRUE(fs::exists(out / "softmax_head.safetensors"));
      EXPECT_TRUE(fs::exists(out / "softmax_labels.json"));
    }
  }
}

TEST(Finetune, BadOptionsAndTooFewRecords) {
  const fs::path out = semspace::testing::scratch_dir("finetune_bad");
  auto one = records("train.jsonl", io::RecordKind::kPair);
  one.resize(1);
  auto refused = finetune(fixture() / "model", one, {}, FinetuneOptions{.eval_fraction = 0}, out);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, ::testing::HasSubstr("at least 2 are needed"));
  EXPECT_FALSE(FinetuneOptions{.epochs = 0}.validate());
  EXPECT_FALSE(FinetuneOptions{.batch_size = 1}.validate());
  EXPECT_FALSE(FinetuneOptions{.learning_rate = -1}.validate());
  auto missing = finetune(fixture() / "nowhere", one, {}, {}, out);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto labels = records("labelled.jsonl", io::RecordKind::kLabelled);
  for (auto& r : labels) r.label = "same";
  auto single_label = finetune(fixture() / "model", labels, {}, FinetuneOptions{.loss = FinetuneLoss::kSoftmax}, out);
  ASSERT_FALSE(single_label);
  EXPECT_THAT(single_label.error().message, ::testing::HasSubstr("at least 2 labels"));
}

}  // namespace
}  // namespace semspace::neural
