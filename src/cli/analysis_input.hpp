// The rows an analysis command works on (project, cluster, classify, anomaly): a .npy matrix, the
// most frequent words of a word-vector model, or every point of a collection, each row with a display name,
// plus optional class labels read from a file (one per line, in row order).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "semspace/matrix.hpp"
#include "semspace/status.hpp"
#include "semspace/word_vectors.hpp"

namespace CLI {
class App;
}

namespace semspace::cli {

struct AnalysisInputFlags {
  std::string input;       // .npy path
  std::string model;       // 'default' or a vector file
  std::string collection;  // collection name, in --db
  std::string db;          // "" = the default database
  std::string labels;      // class labels file, "" = none
  std::size_t limit = 10000;  // --model: the first (most frequent) words; 0 = all
};

/// Adds --input, --model, --limit, --collection, --db and --labels to `cmd`, writing into `flags`.
void add_analysis_input_options(CLI::App& cmd, AnalysisInputFlags& flags);

struct AnalysisInput {
  Matrix vectors;                                  // rows x dim, every value finite
  std::vector<std::string> names;                  // per row: the word, the point id, or the row number
  std::optional<std::vector<std::string>> labels;  // per row, when --labels was given
  std::string source;                              // for messages: the file, "model M", "collection 'C'"
  std::optional<WordVectors> model{};              // --model: the whole model (word queries beyond --limit)
};

/// Loads what the flags name. kInvalidArgument (exit 2) when not exactly one of --input, --model, --collection is
/// given; kCorrupt (exit 1) naming the file and row for a non-finite value, an empty input, or a labels file whose
/// line count differs from the rows; errors of the readers and the store pass through.
Expected<AnalysisInput> load_analysis_input(const AnalysisInputFlags& flags);

/// One label per line ('\r' before the newline dropped), exactly `rows` of them; an empty line is an error
/// naming file:line.
Expected<std::vector<std::string>> read_row_labels(const std::filesystem::path& path, std::size_t rows);

}  // namespace semspace::cli
