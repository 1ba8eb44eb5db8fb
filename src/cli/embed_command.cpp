// semspace embed: one vector per stdin line, as .npy (--output) or as text rows on stdout.
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_common.hpp"
#include "encoders/text_encoding.hpp"
#include "io/npy.hpp"

namespace semspace::cli {

void register_embed(CLI::App& app, int& exit_code) {
  struct Flags {
    std::string model = "default", pooling = "sif", output;
    double sif_a = TextEncoding{}.sif_a;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand("embed", "Sentence/document vectors for each line of stdin");
  cmd->add_option("--model", f->model, "Model: 'default' or a path to a vector file")->capture_default_str();
  cmd->add_option("--pooling", f->pooling, "sif (frequency-weighted, common component removed) or mean")
      ->check(CLI::IsMember({"sif", "mean"}))
      ->capture_default_str();
  cmd->add_option("--sif-a", f->sif_a, "SIF weight parameter a: weight = a / (a + p(word))")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--output", f->output, "Write a float32 .npy matrix (rows = input lines) instead of text");
  cmd->callback([f, &exit_code] {
    auto model = load_model(f->model);
    if (!model) return void(exit_code = report(model.error()));
    std::vector<std::string> texts;
    for (std::string line; std::getline(std::cin, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      texts.push_back(std::move(line));
    }
    std::vector<float> component;
    Matrix vectors = encode_texts(*model, texts, TextEncoding{.sif = f->pooling == "sif", .sif_a = f->sif_a}, component);
    if (!f->output.empty()) {
      if (auto written = io::write_npy(vectors.view(), f->output); !written) exit_code = report(written.error());
      return;
    }
    std::string row;
    for (std::size_t r = 0; r < vectors.rows(); ++r) {
      row.clear();
      for (std::size_t c = 0; c < vectors.cols(); ++c) {
        if (c > 0) row.push_back(' ');
        row += fmt::format("{:.6g}", vectors.row(r)[c]);
      }
      row.push_back('\n');
      std::fwrite(row.data(), 1, row.size(), stdout);
    }
  });
}

}  // namespace semspace::cli
