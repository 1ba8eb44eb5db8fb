// What every command shares: loading models by name, reporting errors with the right exit code, JSON output.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "semspace/status.hpp"
#include "encoders/text_model.hpp"
#include "semspace/word_vectors.hpp"

namespace CLI {
class App;
}

namespace semspace::cli {

/// Exit codes: 0 ok, 1 runtime error (bad file, unknown word), 2 usage error (bad flag or value).
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;

/// Prints "semspace: error: <message>" on stderr and returns the exit code for the error.
int report(const Error& error);

/// $SEMSPACE_HOME/models: the default model and pulled hub models live here.
std::filesystem::path models_root();

/// A word-vector model by name: "default" ($SEMSPACE_HOME/models/default.sem) or a model file in any supported
/// format (native .sem, word2vec text/binary, GloVe, fastText .vec/.bin). A transformer named here is refused
/// with a message saying the command needs word vectors.
Expected<WordVectors> load_model(const std::string& spec);

/// Any text model by name (io::resolve_model): "default", a word-vector file, a transformer folder or a pulled
/// ORG/NAME.
Expected<TextModel> load_text_model(const std::string& spec);

/// Says once on stderr how many texts were longer than a transformer's max length and were truncated.
void note_truncation(const TextModel& model, const TextEncodeStats& stats);

/// Writes `text` to `path` atomically (temporary file, then rename): the per-row outputs of cluster, classify
/// predict and anomaly.
Status write_text_file(const std::string& path, const std::string& text);

/// Prints one JSON object on stdout, followed by a newline.
void print_json(const nlohmann::json& value);

/// The value of --threads when the user gives none: every hardware thread.
int default_threads();

/// Each command registers itself on the app; its callback stores the exit code in `exit_code`.
void register_train(CLI::App& app, int& exit_code);
void register_queries(CLI::App& app, int& exit_code);  // similarity, neighbors, analogy
void register_eval(CLI::App& app, int& exit_code);
void register_embed(CLI::App& app, int& exit_code);
void register_convert(CLI::App& app, int& exit_code);
void register_tokenize(CLI::App& app, int& exit_code);
void register_collection(CLI::App& app, int& exit_code);
void register_index(CLI::App& app, int& exit_code);  // build, search
void register_model(CLI::App& app, int& exit_code);  // pull, info
void register_project(CLI::App& app, int& exit_code);
void register_cluster(CLI::App& app, int& exit_code);
void register_finetune(CLI::App& app, int& exit_code);  // runs semspace-finetune (libtorch)
void register_report(CLI::App& app, int& exit_code);
void register_bias(CLI::App& app, int& exit_code);  // weat, debias
void register_classify(CLI::App& app, int& exit_code);  // train, predict
void register_anomaly(CLI::App& app, int& exit_code);
void register_serve(CLI::App& app, int& exit_code);  // the HTTP server (src/serve)

}  // namespace semspace::cli
