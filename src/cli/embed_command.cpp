// semspace embed: one vector per stdin line, as .npy (--output) or as text rows on stdout, from a word-vector
// model (SIF or mean pooling) or a transformer sentence encoder.
#include <cstdio>
#include <cstring>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_common.hpp"
#include "core/progress.hpp"
#include "encoders/text_model.hpp"
#include "io/npy.hpp"

namespace semspace::cli {
namespace {

// Texts per progress step of a transformer run: enough to keep every thread busy, few enough to see movement.
constexpr std::size_t kTransformerStep = 256;

Expected<Matrix> encode_all(const TextModel& model, const std::vector<std::string>& texts, const TextEncoding& encoding,
                            const TextEncodeOptions& options) {
  std::vector<float> component;
  // Word vectors: one call, since SIF fits its common component on all the texts together.
  if (model.kind() == TextModelKind::kWordVectors) return model.encode(texts, encoding, component, options);
  core::Progress progress("embed", core::Progress::stderr_is_terminal() && texts.size() > kTransformerStep);
  Matrix out(texts.size(), model.dim());
  for (std::size_t begin = 0; begin < texts.size(); begin += kTransformerStep) {
    const std::size_t end = std::min(texts.size(), begin + kTransformerStep);
    auto part = model.encode(std::span(texts).subspan(begin, end - begin), encoding, component, options);
    if (!part) return part;
    std::memcpy(out.row(begin).data(), part->data(), part->size() * sizeof(float));
    progress.update(static_cast<double>(end) / static_cast<double>(texts.size()),
                    fmt::format("{} texts", core::human_count(static_cast<double>(end))));
  }
  progress.finish(fmt::format("{} texts", core::human_count(static_cast<double>(texts.size()))));
  return out;
}

}  // namespace

void register_embed(CLI::App& app, int& exit_code) {
  struct Flags {
    std::string model = "default", pooling = "sif", output;
    double sif_a = TextEncoding{}.sif_a;
    std::size_t batch = TextEncodeOptions{}.batch;
    int threads = default_threads();
    bool int8 = false;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand("embed", "Sentence/document vectors for each line of stdin");
  cmd->add_option("--model", f->model,
                  "Model: 'default', a word-vector file, a transformer folder or a pulled ORG/NAME")
      ->capture_default_str();
  cmd->add_option("--pooling", f->pooling,
                  "Word vectors: sif (frequency-weighted, common component removed) or mean; transformers pool as "
                  "their folder says")
      ->check(CLI::IsMember({"sif", "mean"}))
      ->capture_default_str();
  cmd->add_option("--sif-a", f->sif_a, "SIF weight parameter a: weight = a / (a + p(word))")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--batch", f->batch, "Transformer: texts per forward pass (memory grows with it)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--threads", f->threads, "Transformer: worker threads")->check(CLI::PositiveNumber);
  cmd->add_flag("--int8", f->int8,
                "Transformer: int8 linear layers (dynamic quantisation; ~2x faster, vectors within ~1% of f32)");
  cmd->add_option("--output", f->output, "Write a float32 .npy matrix (rows = input lines) instead of text");
  cmd->callback([f, &exit_code] {
    auto model = load_text_model(f->model);
    if (!model) return void(exit_code = report(model.error()));
    std::vector<std::string> texts;
    for (std::string line; std::getline(std::cin, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      texts.push_back(std::move(line));
    }
    TextEncodeStats stats;
    auto vectors = encode_all(*model, texts, TextEncoding{.sif = f->pooling == "sif", .sif_a = f->sif_a},
                              TextEncodeOptions{.threads = f->threads, .batch = f->batch, .int8 = f->int8, .stats = &stats});
    if (!vectors) return void(exit_code = report(vectors.error()));
    note_truncation(*model, stats);
    if (!f->output.empty()) {
      if (auto written = io::write_npy(vectors->view(), f->output); !written) exit_code = report(written.error());
      return;
    }
    std::string row;
    for (std::size_t r = 0; r < vectors->rows(); ++r) {
      row.clear();
      for (std::size_t c = 0; c < vectors->cols(); ++c) {
        if (c > 0) row.push_back(' ');
        row += fmt::format("{:.6g}", vectors->row(r)[c]);
      }
      row.push_back('\n');
      std::fwrite(row.data(), 1, row.size(), stdout);
    }
  });
}

}  // namespace semspace::cli
