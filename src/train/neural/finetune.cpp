#include "train/neural/finetune.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/evaluate/correlation.hpp"
#include "core/kernels/gemm.hpp"
#include "io/atomic_file.hpp"
#include "io/text_model_files.hpp"
#include "train/neural/bert_module.hpp"

namespace semspace::neural {
namespace fs = std::filesystem;
namespace F = torch::nn::functional;
namespace {

Error invalid(std::string message) { return Error{ErrorCode::kInvalidArgument, std::move(message)}; }

// config.json's dropout probabilities (BERT's 0.1 when absent).
std::pair<double, double> read_dropout(const fs::path& config_json) {
  std::ifstream in(config_json);
  auto json = nlohmann::json::parse(in, nullptr, false);
  auto get = [&](const char* key) {
    if (json.is_discarded() || !json.is_object()) return 0.1;
    auto it = json.find(key);
    return it != json.end() && it->is_number() ? it->get<double>() : 0.1;
  };
  return {get("hidden_dropout_prob"), get("attention_probs_dropout_prob")};
}

// Tokenizes texts into a right-padded batch (positions count from the left, as the module and HF's BERT expect).
struct Batch {
  torch::Tensor ids, mask, types;
};

Batch tokenize(const BertTokenizer& tokenizer, const std::vector<const std::string*>& texts, std::size_t max_length) {
  std::vector<BertEncoding> encodings;
  encodings.reserve(texts.size());
  std::size_t length = 0;
  for (const std::string* text : texts) {
    encodings.push_back(tokenizer.encode(*text, max_length));
    length = std::max(length, encodings.back().ids.size());
  }
  const auto rows = static_cast<std::int64_t>(texts.size()), cols = static_cast<std::int64_t>(length);
  // Padding ids are masked out, so any valid id will do.
  Batch batch{torch::zeros({rows, cols}, torch::kLong), torch::zeros({rows, cols}, torch::kLong),
              torch::zeros({rows, cols}, torch::kLong)};
  auto ids = batch.ids.accessor<std::int64_t, 2>();
  auto mask = batch.mask.accessor<std::int64_t, 2>();
  auto types = batch.types.accessor<std::int64_t, 2>();
  for (std::int64_t r = 0; r < rows; ++r) {
    const BertEncoding& e = encodings[static_cast<std::size_t>(r)];
    for (std::size_t c = 0; c < e.ids.size(); ++c) {
      ids[r][static_cast<std::int64_t>(c)] = e.ids[c];
      mask[r][static_cast<std::int64_t>(c)] = 1;
      types[r][static_cast<std::int64_t>(c)] = e.type_ids[c];
    }
  }
  return batch;
}

// Everything a step or an evaluation needs.
struct Trainer {
  BertModule model{nullptr};
  torch::nn::Linear head{nullptr};  // softmax loss only
  std::optional<BertTokenizer> tokenizer;
  std::size_t max_length = 0;
  std::map<std::string, std::int64_t> label_ids;
  const FinetuneOptions* options = nullptr;

  torch::Tensor encode(const std::vector<const std::string*>& texts) {
    const Batch b = tokenize(*tokenizer, texts, max_length);
    return model->forward(b.ids, b.mask, b.types);
  }
  // Column `i` of each record in `records`.
  static std::vector<const std::string*> column(const std::vector<const io::TrainingRecord*>& records, std::size_t i) {
    std::vector<const std::string*> out;
    out.reserve(records.size());
    for (const auto* r : records) out.push_back(&r->texts[i]);
    return out;
  }

  torch::Tensor loss(const std::vector<const io::TrainingRecord*>& batch) {
    switch (options->loss) {
      case FinetuneLoss::kMnrl: {
        const auto a = F::normalize(encode(column(batch, 0)), F::NormalizeFuncOptions().dim(1));
        const auto p = F::normalize(encode(column(batch, 1)), F::NormalizeFuncOptions().dim(1));
        const auto scores = torch::matmul(a, p.t()) * options->scale;
        return F::cross_entropy(scores, torch::arange(a.size(0), torch::kLong));
      }
      case FinetuneLoss::kTriplet: {
        const auto a = encode(column(batch, 0)), p = encode(column(batch, 1)), n = encode(column(batch, 2));
        const auto d_ap = (a - p).norm(2, 1), d_an = (a - n).norm(2, 1);
        return torch::relu(d_ap - d_an + options->margin).mean();
      }
      case FinetuneLoss::kSoftmax: {
        std::vector<std::int64_t> targets;
        for (const auto* r : batch) targets.push_back(label_ids.at(r->label));
        return F::cross_entropy(head(encode(column(batch, 0))), torch::tensor(targets, torch::kLong));
      }
      case FinetuneLoss::kCosine: {
        const auto u = encode(column(batch, 0)), v = encode(column(batch, 1));
        std::vector<float> scores;
        for (const auto* r : batch) scores.push_back(static_cast<float>(r->score));
        return F::mse_loss(F::cosine_similarity(u, v, F::CosineSimilarityFuncOptions().dim(1)),
                           torch::tensor(scores, torch::kFloat));
      }
    }
    return {};
  }

  // Sentence vectors of column `i` of every record, in batches, unit length.
  torch::Tensor embed_column(const std::vector<const io::TrainingRecord*>& records, std::size_t i) {
    std::vector<torch::Tensor> parts;
    for (std::size_t begin = 0; begin < records.size(); begin += options->batch_size) {
      const std::size_t end = std::min(records.size(), begin + options->batch_size);
      std::vector<const io::TrainingRecord*> part(records.begin() + static_cast<std::ptrdiff_t>(begin),
                                                  records.begin() + static_cast<std::ptrdiff_t>(end));
      parts.push_back(encode(column(part, i)));
    }
    return torch::cat(parts);
  }

  Evaluation evaluate(const std::vector<const io::TrainingRecord*>& eval) {
    torch::NoGradGuard no_grad;
    model->eval();
    Evaluation result;
    auto unit = [](const torch::Tensor& t) { return F::normalize(t, F::NormalizeFuncOptions().dim(1)); };
    switch (options->loss) {
      case FinetuneLoss::kMnrl: {
        const auto a = unit(embed_column(eval, 0)), p = unit(embed_column(eval, 1));
        const auto best = torch::matmul(a, p.t()).argmax(1);
        const auto hits = (best == torch::arange(a.size(0), torch::kLong)).sum().item<std::int64_t>();
        result = {0, 0, static_cast<double>(hits) / static_cast<double>(eval.size()), "recall@1"};
        break;
      }
      case FinetuneLoss::kTriplet: {
        const auto a = unit(embed_column(eval, 0)), p = unit(embed_column(eval, 1)), n = unit(embed_column(eval, 2));
        const auto right = ((a * p).sum(1) > (a * n).sum(1)).sum().item<std::int64_t>();
        result = {0, 0, static_cast<double>(right) / static_cast<double>(eval.size()), "triplet_accuracy"};
        break;
      }
      case FinetuneLoss::kSoftmax: {
        const auto predicted = head(embed_column(eval, 0)).argmax(1);
        std::int64_t right = 0;
        for (std::size_t i = 0; i < eval.size(); ++i) {
          auto it = label_ids.find(eval[i]->label);
          right += it != label_ids.end() && it->second == predicted[static_cast<std::int64_t>(i)].item<std::int64_t>();
        }
        result = {0, 0, static_cast<double>(right) / static_cast<double>(eval.size()), "accuracy"};
        break;
      }
      case FinetuneLoss::kCosine: {
        const auto cos = (unit(embed_column(eval, 0)) * unit(embed_column(eval, 1))).sum(1);
        std::vector<double> predicted, gold;
        for (std::size_t i = 0; i < eval.size(); ++i) {
          predicted.push_back(cos[static_cast<std::int64_t>(i)].item<double>());
          gold.push_back(eval[i]->score);
        }
        result = {0, 0, spearman(predicted, gold), "spearman"};
        break;
      }
    }
    model->train();
    return result;
  }
};

// Copies the folder's configuration and tokenizer files (every .json and .txt, module folders included) and
// creates the module folders modules.json names, so the output loads wherever the input did.
Status copy_model_files(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return make_error(ErrorCode::kIo, fmt::format("{}: cannot create: {}", to.string(), ec.message()));
  for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path relative = fs::relative(it->path(), from);
    const std::string ext = it->path().extension().string();
    if (it->is_directory()) {
      fs::create_directories(to / relative, ec);
    } else if ((ext == ".json" || ext == ".txt") && it->path().filename() != "model.safetensors.index.json") {
      fs::copy_file(it->path(), to / relative, fs::copy_options::overwrite_existing, ec);
    }
    if (ec) break;
  }
  if (ec) return make_error(ErrorCode::kIo, fmt::format("copying {} to {}: {}", from.string(), to.string(), ec.message()));
  std::ifstream modules(from / "modules.json");
  auto json = nlohmann::json::parse(modules, nullptr, false);
  if (!json.is_discarded() && json.is_array()) {
    for (const auto& m : json) {
      if (m.is_object() && m.contains("path") && m["path"].is_string() && !m["path"].get<std::string>().empty()) {
        fs::create_directories(to / m["path"].get<std::string>(), ec);
      }
    }
  }
  return {};
}

Status save_head(const torch::nn::Linear& head, const std::map<std::string, std::int64_t>& label_ids,
                 const fs::path& output) {
  const torch::Tensor weight = head->weight.detach().contiguous(), bias = head->bias.detach().contiguous();
  const std::vector<io::SafetensorsF32> tensors = {
      {"weight", {static_cast<std::size_t>(weight.size(0)), static_cast<std::size_t>(weight.size(1))},
       {weight.data_ptr<float>(), static_cast<std::size_t>(weight.numel())}},
      {"bias", {static_cast<std::size_t>(bias.size(0))}, {bias.data_ptr<float>(), static_cast<std::size_t>(bias.numel())}}};
  if (auto ok = io::write_safetensors(output / "softmax_head.safetensors", tensors, {{"format", "pt"}}); !ok) return ok;
  std::vector<std::string> labels(label_ids.size());
  for (const auto& [label, id] : label_ids) labels[static_cast<std::size_t>(id)] = label;
  auto writer = io::AtomicFileWriter::create(output / "softmax_labels.json");
  if (!writer) return tl::unexpected(writer.error());
  if (auto ok = writer->write(nlohmann::json(labels).dump(2) + "\n"); !ok) return ok;
  return writer->commit();
}

}  // namespace

io::RecordKind record_kind(FinetuneLoss loss) {
  switch (loss) {
    case FinetuneLoss::kMnrl: return io::RecordKind::kPair;
    case FinetuneLoss::kTriplet: return io::RecordKind::kTriplet;
    case FinetuneLoss::kSoftmax: return io::RecordKind::kLabelled;
    case FinetuneLoss::kCosine: return io::RecordKind::kScoredPair;
  }
  return io::RecordKind::kPair;
}

Status FinetuneOptions::validate() const {
  if (epochs < 1) return tl::unexpected(invalid("epochs must be at least 1"));
  if (batch_size < 2) return tl::unexpected(invalid("the batch size must be at least 2"));
  if (!(learning_rate > 0) || !std::isfinite(learning_rate)) return tl::unexpected(invalid("the learning rate must be > 0"));
  if (!(warmup_fraction >= 0 && warmup_fraction < 1)) return tl::unexpected(invalid("warm-up must be in [0, 1)"));
  if (!(weight_decay >= 0)) return tl::unexpected(invalid("weight decay must be >= 0"));
  if (!(scale > 0)) return tl::unexpected(invalid("the MNRL scale must be > 0"));
  if (!(margin >= 0)) return tl::unexpected(invalid("the triplet margin must be >= 0"));
  if (!(eval_fraction >= 0 && eval_fraction < 1)) return tl::unexpected(invalid("the eval fraction must be in [0, 1)"));
  if (threads < 1) return tl::unexpected(invalid("threads must be at least 1"));
  return {};
}

Expected<FinetuneReport> finetune(const fs::path& model_folder, std::vector<io::TrainingRecord> train,
                                  std::vector<io::TrainingRecord> eval, const FinetuneOptions& options,
                                  const fs::path& output, const StepCallback& on_step) {
  if (auto ok = options.validate(); !ok) return tl::unexpected(ok.error());
  Trainer t;
  t.options = &options;
  BertConfig config;
  BertPooling pooling;
  {  // the inference copy of the weights is dropped at the end of this block: training has its own
    auto transformer = io::load_transformer_folder(model_folder);
    if (!transformer) return tl::unexpected(transformer.error());
    t.tokenizer.emplace(std::move(transformer->tokenizer));
    t.max_length = options.max_length == 0 ? transformer->max_length
                                           : std::min(options.max_length, transformer->max_length);
    config = transformer->encoder.config();
    pooling = transformer->encoder.pooling();
  }
  auto weights = io::SafetensorsSet::open_folder(model_folder);
  if (!weights) return tl::unexpected(weights.error());

  // libtorch's own pool stays at one thread: its matrix products run on OpenBLAS, whose threads we set; two pools on
  // the same cores oversubscribe them (2.4x slower measured, see ../shared/reading/environment.md).
  at::set_num_threads(1);
  kernels::set_blas_threads(options.threads);
  torch::manual_seed(options.seed);

  std::mt19937_64 rng(options.seed);
  if (eval.empty() && options.eval_fraction > 0) {
    std::shuffle(train.begin(), train.end(), rng);
    const auto held = static_cast<std::size_t>(std::ceil(options.eval_fraction * static_cast<double>(train.size())));
    eval.assign(std::make_move_iterator(train.end() - static_cast<std::ptrdiff_t>(std::min(held, train.size()))),
                std::make_move_iterator(train.end()));
    train.resize(train.size() - eval.size());
  }
  if (train.size() < 2) return tl::unexpected(invalid(fmt::format("{} training records: at least 2 are needed", train.size())));

  const auto [hidden_dropout, attention_dropout] = read_dropout(model_folder / "config.json");
  t.model = BertModule(BertModuleOptions{config, pooling, hidden_dropout, attention_dropout});
  if (auto ok = t.model->load(*weights); !ok) return tl::unexpected(ok.error());

  std::vector<torch::Tensor> decay, no_decay;
  for (auto& item : t.model->named_parameters()) {
    const std::string& name = item.key();
    const torch::Tensor& p = item.value();
    (name.find("bias") != std::string::npos || name.find("LayerNorm") != std::string::npos ? no_decay : decay)
        .push_back(p);
  }
  if (options.loss == FinetuneLoss::kSoftmax) {
    std::set<std::string> labels;
    for (const auto& r : train) labels.insert(r.label);
    if (labels.size() < 2) return tl::unexpected(invalid("the softmax loss needs at least 2 labels in the training records"));
    for (const auto& label : labels) t.label_ids.emplace(label, static_cast<std::int64_t>(t.label_ids.size()));
    t.head = torch::nn::Linear(static_cast<std::int64_t>(t.model->options().config.hidden_size),
                               static_cast<std::int64_t>(labels.size()));
    for (auto& p : t.head->parameters()) decay.push_back(p);
  }
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(
                                 torch::optim::AdamWOptions(options.learning_rate).weight_decay(options.weight_decay)));
  groups.emplace_back(no_decay, std::make_unique<torch::optim::AdamWOptions>(
                                    torch::optim::AdamWOptions(options.learning_rate).weight_decay(0.0)));
  torch::optim::AdamW optimizer(std::move(groups));

  std::vector<const io::TrainingRecord*> train_rows, eval_rows;
  for (const auto& r : train) train_rows.push_back(&r);
  for (const auto& r : eval) eval_rows.push_back(&r);
  const bool can_eval = options.loss == FinetuneLoss::kMnrl ? eval_rows.size() >= 2 : !eval_rows.empty();

  FinetuneReport report;
  report.train_records = train.size();
  report.eval_records = eval.size();
  if (can_eval) report.evaluations.push_back(t.evaluate(eval_rows));

  const std::size_t steps_per_epoch = (train_rows.size() + options.batch_size - 1) / options.batch_size;
  const std::size_t total_steps = steps_per_epoch * static_cast<std::size_t>(options.epochs);
  const auto warmup_steps = static_cast<std::size_t>(options.warmup_fraction * static_cast<double>(total_steps));
  t.model->train();
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    std::shuffle(train_rows.begin(), train_rows.end(), rng);
    double loss_sum = 0;
    std::size_t epoch_steps = 0;
    for (std::size_t begin = 0; begin < train_rows.size(); begin += options.batch_size) {
      const std::size_t end = std::min(train_rows.size(), begin + options.batch_size);
      if (end - begin < 2) continue;  // a batch of one has no in-batch negative and a degenerate mean
      const std::size_t step = report.steps + 1;
      // Linear warm-up to the learning rate, then linear decay to zero (sentence-transformers' WarmupLinear).
      const double factor = step <= warmup_steps
                                ? static_cast<double>(step) / static_cast<double>(std::max<std::size_t>(warmup_steps, 1))
                                : static_cast<double>(total_steps - step + 1) /
                                      static_cast<double>(std::max<std::size_t>(total_steps - warmup_steps, 1));
      for (auto& group : optimizer.param_groups()) {
        static_cast<torch::optim::AdamWOptions&>(group.options()).lr(options.learning_rate * factor);
      }
      std::vector<const io::TrainingRecord*> batch(train_rows.begin() + static_cast<std::ptrdiff_t>(begin),
                                                   train_rows.begin() + static_cast<std::ptrdiff_t>(end));
      optimizer.zero_grad();
      torch::Tensor loss = t.loss(batch);
      loss.backward();
      torch::nn::utils::clip_grad_norm_(t.model->parameters(), 1.0);
      optimizer.step();
      const double value = loss.item<double>();
      loss_sum += value;
      ++epoch_steps;
      report.steps = step;
      if (on_step) on_step(step, total_steps, value);
    }
    Evaluation evaluation = can_eval ? t.evaluate(eval_rows) : Evaluation{};
    evaluation.epoch = epoch;
    evaluation.train_loss = epoch_steps == 0 ? 0 : loss_sum / static_cast<double>(epoch_steps);
    report.evaluations.push_back(evaluation);

    // A checkpoint after every epoch: an interrupted run keeps the last finished epoch.
    if (auto ok = copy_model_files(model_folder, output); !ok) return tl::unexpected(ok.error());
    if (auto ok = t.model->save(output / "model.safetensors"); !ok) return tl::unexpected(ok.error());
    if (t.head) {
      if (auto ok = save_head(t.head, t.label_ids, output); !ok) return tl::unexpected(ok.error());
    }
  }
  return report;
}

}  // namespace semspace::neural
