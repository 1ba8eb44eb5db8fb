// semspace model pull ORG/NAME: fetch a sentence-embedding model from the Hugging Face hub (HF_ENDPOINT, HF_TOKEN)
// into $SEMSPACE_HOME/models/ORG/NAME, pinned to the commit the revision names.
#include <chrono>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_common.hpp"
#include "core/progress.hpp"
#include "io/hub_client.hpp"
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

}  // namespace

void register_model(CLI::App& app, int& exit_code) {
  auto* group = app.add_subcommand("model", "Models from the Hugging Face hub: pull");
  group->require_subcommand(1);
  register_pull(*group, exit_code);
}

}  // namespace semspace::cli
