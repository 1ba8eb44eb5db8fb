// semspace model pull ORG/NAME: fetch a sentence-embedding model from the Hugging Face hub (HF_ENDPOINT, HF_TOKEN)
// into $SEMSPACE_HOME/models/ORG/NAME, pinned to the commit the revision names.
#include <chrono>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_common.hpp"
#include "core/progress.hpp"
#include "io/hub_client.hpp"
#include "io/text_model_files.hpp"
#include "store/collection_store.hpp"

namespace semspace::cli {
namespace {

std::string human_bytes(double bytes) {
  if (bytes >= 1e9) return fmt::format("{:.2f} GB", bytes / 1e9);
  if (bytes >= 1e6) return fmt::format("{:.1f} MB", bytes / 1e6);
  if (bytes >= 1e3) return fmt::format("{:.1f} kB", bytes / 1e3);
  return fmt::format("{:.0f} B", bytes);
}

// One progress line per file being downloaded: bytes so far, size, and the rate of this session's bytes (a resumed
// file starts from what was already on disk, which must not inflate the rate).
class PullDisplay {
 public:
  explicit PullDisplay(bool enabled) : enabled_(enabled) {}

  void operator()(const std::string& file, std::uint64_t done, std::uint64_t total, bool complete) {
    if (!enabled_) return;
    if (file != file_) {
      file_ = file;
      start_bytes_ = done;
      start_ = std::chrono::steady_clock::now();
      line_ = std::make_unique<core::Progress>(file, true);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(done - start_bytes_) / seconds : 0.0;
    std::string details = human_bytes(static_cast<double>(done));
    if (total > 0) details += " / " + human_bytes(static_cast<double>(total));
    details += fmt::format("  {}/s", human_bytes(rate));
    if (complete) {
      line_->finish(details);
      line_.reset();
      file_.clear();
    } else {
      line_->update(total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 0.0, details);
    }
  }

 private:
  bool enabled_;
  std::string file_;
  std::uint64_t start_bytes_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::unique_ptr<core::Progress> line_;
};

void register_pull(CLI::App& group, int& exit_code) {
  struct Flags {
    std::string repo, revision = "main";
    bool json = false, quiet = false;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = group.add_subcommand(
      "pull", "Download a sentence-embedding model (safetensors weights, config, tokenizer) from the Hugging Face hub");
  cmd->add_option("REPO", f->repo, "Model id ORG/NAME, e.g. sentence-transformers/all-MiniLM-L6-v2")->required();
  cmd->add_option("--revision", f->revision, "Branch, tag or commit hash")->capture_default_str();
  cmd->add_flag("--json", f->json, "Print one JSON object: repo, revision, commit, path, files, bytes_downloaded");
  cmd->add_flag("--quiet", f->quiet, "No progress lines");
  cmd->callback([f, &exit_code] {
    PullDisplay display(!f->quiet && core::Progress::stderr_is_terminal());
    auto pulled = io::pull_model(store::semspace_home() / "models", f->repo, f->revision,
                                 io::HubOptions::from_environment(),
                                 [&](const std::string& file, std::uint64_t done, std::uint64_t total, bool complete) {
                                   display(file, done, total, complete);
                                 });
    if (!pulled) return void(exit_code = report(pulled.error()));
    std::size_t fetched = 0;
    nlohmann::json files = nlohmann::json::array();
    for (const auto& file : pulled->files) {
      fetched += file.downloaded ? 1 : 0;
      files.push_back({{"name", file.name}, {"size", file.size}, {"downloaded", file.downloaded}});
    }
    if (f->json) {
      print_json({{"repo", pulled->repo},
                  {"revision", pulled->revision},
                  {"commit", pulled->commit},
                  {"path", pulled->folder.string()},
                  {"files", files},
                  {"bytes_downloaded", pulled->bytes_downloaded}});
    } else {
      fmt::print("{}@{} (commit {}): {} files, {} downloaded ({}), {} already present\n{}\n", pulled->repo,
                 pulled->revision, pulled->commit, pulled->files.size(), fetched,
                 human_bytes(static_cast<double>(pulled->bytes_downloaded)), pulled->files.size() - fetched,
                 pulled->folder.string());
    }
  });
}

const char* pooling_name(TokenPooling mode) {
  switch (mode) {
    case TokenPooling::kMean: return "mean";
    case TokenPooling::kCls: return "cls";
    case TokenPooling::kMax: return "max";
  }
  return "?";
}

const char* activation_name(Activation activation) {
  switch (activation) {
    case Activation::kGelu: return "gelu";
    case Activation::kGeluTanh: return "gelu_tanh";
    case Activation::kRelu: return "relu";
  }
  return "?";
}

// What a model is, for `model info`: the fields both kinds share, then the kind's own.
nlohmann::ordered_json describe(const TextModel& model, const io::ModelLocation& location) {
  nlohmann::ordered_json out = {{"path", std::filesystem::absolute(location.path).lexically_normal().string()},
                        {"kind", model.kind_name()},
                        {"dim", model.dim()},
                        {"fingerprint", model.fingerprint()}};
  if (const TransformerTextModel* t = model.transformer()) {
    const BertConfig& c = t->encoder.config();
    out["architecture"] = t->architecture;
    out["max_length"] = t->max_length;
    out["pooling"] = pooling_name(t->encoder.pooling().mode);
    out["normalize"] = t->encoder.pooling().normalize;
    out["layers"] = c.num_layers;
    out["heads"] = c.num_heads;
    out["intermediate_size"] = c.intermediate_size;
    out["activation"] = activation_name(c.activation);
    out["vocab_size"] = t->tokenizer.vocab_size();
    out["lowercase"] = t->tokenizer.options().lowercase;
    out["int8"] = "available (embed --int8)";
  } else {
    const WordVectors& v = *model.word_vectors();
    out["architecture"] = v.has_subwords() ? "word vectors with subword n-grams" : "word vectors";
    out["max_length"] = nullptr;  // texts of any length are pooled
    out["pooling"] = "sif";       // the default; embed and collections take --pooling
    out["normalize"] = false;
    out["int8"] = nullptr;  // a transformer mode
    out["words"] = v.size();
    out["subwords"] = v.has_subwords() ? nlohmann::ordered_json{{"minn", v.subwords().minn},
                                                        {"maxn", v.subwords().maxn},
                                                        {"buckets", v.subwords().buckets}}
                                       : nlohmann::ordered_json(nullptr);
  }
  return out;
}

void register_info(CLI::App& group, int& exit_code) {
  struct Flags {
    std::string model;
    bool json = false;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = group.add_subcommand("info", "What a model is: kind, architecture, dimension, max length, pooling, "
                                           "fingerprint");
  cmd->add_option("MODEL", f->model, "'default', a word-vector file, a transformer folder or a pulled ORG/NAME")
      ->required();
  cmd->add_flag("--json", f->json, "Print one JSON object");
  cmd->callback([f, &exit_code] {
    auto location = io::resolve_model(f->model, models_root());
    if (!location) return void(exit_code = report(location.error()));
    auto model = load_text_model(location->path.string());
    if (!model) return void(exit_code = report(model.error()));
    const nlohmann::ordered_json info = describe(*model, *location);
    if (f->json) return fmt::print("{}\n", info.dump());
    for (const auto& [key, value] : info.items()) {
      fmt::print("{:<18} {}\n", key + ":", value.is_string() ? value.get<std::string>() : value.dump());
    }
  });
}

}  // namespace

void register_model(CLI::App& app, int& exit_code) {
  auto* group = app.add_subcommand("model", "Models: pull from the Hugging Face hub, describe");
  group->require_subcommand(1);
  register_pull(*group, exit_code);
  register_info(*group, exit_code);
}

}  // namespace semspace::cli
