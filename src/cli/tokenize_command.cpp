// semspace tokenize: the training tokenizer, or with --model a HF model folder's BERT tokenizer, as a filter
// (stdin -> stdout), one output line per input line.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/cli_common.hpp"
#include "io/corpus_reader.hpp"
#include "io/hf_tokenizer.hpp"
#include "prepare/text/tokenizer.hpp"

namespace semspace::cli {
namespace {

struct Flags {
  std::string input = "-";
  bool keep_punctuation = false, no_normalize = false;
  std::string model_dir;
  bool ids = false;
  std::size_t max_length = 0;
};

// What the model's forward pass receives for each line: [CLS] pieces [SEP], truncated, as tokens or ids.
int run_wordpiece(const Flags& f) {
  auto tokenizer = io::load_hf_tokenizer(f.model_dir);
  if (!tokenizer) return report(tokenizer.error());
  auto reader = LineReader::open(f.input);
  if (!reader) return report(reader.error());
  std::string out;
  std::string_view line;
  while (reader->next(line)) {
    const BertEncoding encoding = tokenizer->encode(line, f.max_length);
    out.clear();
    for (std::size_t i = 0; i < encoding.ids.size(); ++i) {
      if (i > 0) out.push_back(' ');
      if (f.ids) {
        out += std::to_string(encoding.ids[i]);
      } else {
        out += tokenizer->token(encoding.ids[i]);
      }
    }
    out.push_back('\n');
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  if (auto status = reader->status(); !status) return report(status.error());
  return kExitOk;
}

}  // namespace

void register_tokenize(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand("tokenize", "Print the tokens the trainer sees, space-separated, line by line");
  cmd->add_option("--input", f->input, "Text or gzip file; - for stdin")->capture_default_str();
  auto* keep = cmd->add_flag("--keep-punctuation", f->keep_punctuation, "Emit punctuation as tokens");
  auto* no_normalize = cmd->add_flag("--no-normalize", f->no_normalize, "Keep case and Unicode forms");
  auto* model = cmd->add_option("--model", f->model_dir,
                                "HuggingFace model folder (tokenizer.json or vocab.txt): print its WordPiece "
                                "encoding, [CLS] and [SEP] included");
  model->excludes(keep)->excludes(no_normalize);
  cmd->add_flag("--ids", f->ids, "With --model: print token ids instead of tokens")->needs(model);
  cmd->add_option("--max-length", f->max_length, "With --model: truncate to N tokens (default: the model's limit)")
      ->check(CLI::Range(std::size_t{3}, std::size_t{1} << 20))
      ->needs(model);
  cmd->callback([f, &exit_code] {
    if (!f->model_dir.empty()) return void(exit_code = run_wordpiece(*f));
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
