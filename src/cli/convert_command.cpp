// semspace convert IN OUT: between word-vector formats; OUT's extension (or --to) picks the format.
#include <CLI/CLI.hpp>

#include "cli/cli_common.hpp"
#include "io/vector_formats.hpp"

namespace semspace::cli {

void register_convert(CLI::App& app, int& exit_code) {
  struct Flags {
    std::string in, out, to;
    bool json = false;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand("convert", "Convert a model between formats (.sem .vec .txt .bin .glove.txt)");
  cmd->add_option("IN", f->in, "Input model ('default' or a path; format detected)")->required();
  cmd->add_option("OUT", f->out, "Output path")->required();
  cmd->add_option("--to", f->to, "Output format: native, word2vec, word2vec-bin, glove, vec (default: by extension)");
  cmd->add_flag("--json", f->json, "Print one JSON object");
  cmd->callback([f, &exit_code] {
    auto format = f->to.empty() ? io::format_for_output_path(f->out) : io::parse_vector_format_name(f->to);
    if (!format) return void(exit_code = report(format.error()));
    auto model = load_model(f->in);
    if (!model) return void(exit_code = report(model.error()));
    if (auto written = io::write_word_vectors(*model, f->out, *format); !written) {
      return void(exit_code = report(written.error()));
    }
    if (f->json) {
      print_json({{"input", f->in}, {"output", f->out}, {"words", model->size()}, {"dim", model->dim()},
                  {"subwords", model->has_subwords()}});
    }
  });
}

}  // namespace semspace::cli
