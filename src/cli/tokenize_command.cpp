// semspace tokenize: the training tokenizer as a filter (stdin -> stdout), one output line per input line.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/cli_common.hpp"
#include "io/corpus_reader.hpp"
#include "prepare/text/tokenizer.hpp"

namespace semspace::cli {

void register_tokenize(CLI::App& app, int& exit_code) {
  struct Flags {
    std::string input = "-";
    bool keep_punctuation = false, no_normalize = false;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand("tokenize", "Print the tokens the trainer sees, space-separated, line by line");
  cmd->add_option("--input", f->input, "Text or gzip file; - for stdin")->capture_default_str();
  cmd->add_flag("--keep-punctuation", f->keep_punctuation, "Emit punctuation as tokens");
  cmd->add_flag("--no-normalize", f->no_normalize, "Keep case and Unicode forms");
  cmd->callback([f, &exit_code] {
    auto reader = LineReader::open(f->input);
    if (!reader) return void(exit_code = report(reader.error()));
    WordTokenizer tokenizer(TokenizerOptions{.normalize = !f->no_normalize, .keep_punctuation = f->keep_punctuation});
    std::vector<std::string_view> tokens;
    std::string scratch, out;
    std::string_view line;
    while (reader->next(line)) {
      tokenizer.tokenize(line, tokens, scratch);
      out.clear();
      for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (i > 0) out.push_back(' ');
        out.append(tokens[i]);
      }
      out.push_back('\n');
      std::fwrite(out.data(), 1, out.size(), stdout);
    }
    if (auto status = reader->status(); !status) exit_code = report(status.error());
  });
}

}  // namespace semspace::cli
