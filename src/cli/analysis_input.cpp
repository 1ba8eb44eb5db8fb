#include "cli/analysis_input.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_common.hpp"
#include "io/npy.hpp"
#include "store/collection_store.hpp"

namespace semspace::cli {
namespace {

tl::unexpected<Error> corrupt(std::string message) { return make_error(ErrorCode::kCorrupt, std::move(message)); }

// Bad values are a property of the data (exit 1), named by the source and the row's name.
Status check_rows(const AnalysisInput& in) {
  if (in.vectors.rows() == 0) return corrupt(fmt::format("{} has no vectors to analyse", in.source));
  for (std::size_t r = 0; r < in.vectors.rows(); ++r) {
    auto row = in.vectors.row(r);
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (!std::isfinite(row[c])) {
        return corrupt(fmt::format("{}: row {} ({}) has a {} value in column {}", in.source, r, in.names[r],
                                   std::isnan(row[c]) ? "NaN" : "infinite", c));
      }
    }
  }
  return {};
}

Expected<AnalysisInput> from_npy(const std::string& path) {
  auto matrix = io::read_npy_matrix(path);
  if (!matrix) return tl::unexpected(matrix.error());
  AnalysisInput in{std::move(*matrix), {}, std::nullopt, path};
  for (std::size_t r = 0; r < in.vectors.rows(); ++r) in.names.push_back(std::to_string(r));
  return in;
}

Expected<AnalysisInput> from_model(const std::string& spec, std::size_t limit) {
  auto model = load_model(spec);
  if (!model) return tl::unexpected(model.error());
  const Matrix& words = model->words_matrix();
  const std::size_t rows = limit == 0 ? words.rows() : std::min(limit, words.rows());
  AnalysisInput in{Matrix(rows, words.cols()), {}, std::nullopt, fmt::format("model {}", spec)};
  if (rows != 0) std::memcpy(in.vectors.data(), words.data(), rows * words.cols() * sizeof(float));
  in.names.assign(model->words().begin(), model->words().begin() + static_cast<std::ptrdiff_t>(rows));
  in.model = std::move(*model);
  return in;
}

Expected<AnalysisInput> from_collection(const std::string& name, const std::string& db) {
  auto store = store::CollectionStore::open(db.empty() ? store::default_store_path() : std::filesystem::path(db));
  if (!store) return tl::unexpected(store.error());
  auto info = store->info(name);
  if (!info) return tl::unexpected(info.error());
  const auto dim = static_cast<std::size_t>(info->dim);
  std::vector<float> values;
  values.reserve(info->count * dim);
  AnalysisInput in;
  in.source = fmt::format("collection '{}'", name);
  auto ok = store->for_each_point(name, [&](const store::Point& p) -> Status {
    if (p.vector.size() != dim) {
      return corrupt(fmt::format("collection '{}': point {} has dimension {}, not {}", name, store::id_to_json(p.id),
                                 p.vector.size(), dim));
    }
    values.insert(values.end(), p.vector.begin(), p.vector.end());
    if (const auto* i = std::get_if<std::int64_t>(&p.id)) {
      in.names.push_back(std::to_string(*i));
    } else {
      in.names.push_back(std::get<std::string>(p.id));
    }
    return {};
  });
  if (!ok) return tl::unexpected(ok.error());
  in.vectors = Matrix(in.names.size(), dim);
  if (!values.empty()) std::memcpy(in.vectors.data(), values.data(), values.size() * sizeof(float));
  return in;
}

}  // namespace

void add_analysis_input_options(CLI::App& cmd, AnalysisInputFlags& flags) {
  auto* input = cmd.add_option("--input", flags.input, "Rows to analyse: a .npy float32 matrix (rows x dim)");
  auto* model = cmd.add_option("--model", flags.model, "Rows to analyse: the words of a model ('default' or a path)");
  auto* collection = cmd.add_option("--collection", flags.collection, "Rows to analyse: every point of a collection");
  input->excludes(model)->excludes(collection);
  model->excludes(collection);
  cmd.add_option("--limit", flags.limit, "With --model: the N most frequent words (0 = all)")->capture_default_str();
  cmd.add_option("--db", flags.db, "With --collection: database file (default $SEMSPACE_HOME/collections.db)");
  cmd.add_option("--labels", flags.labels, "Class label per row, one per line, in row order");
}

Expected<AnalysisInput> load_analysis_input(const AnalysisInputFlags& flags) {
  const int given = !flags.input.empty() + !flags.model.empty() + !flags.collection.empty();
  if (given != 1) {
    return make_error(ErrorCode::kInvalidArgument, "give exactly one of --input FILE.npy, --model MODEL, --collection NAME");
  }
  auto in = !flags.input.empty() ? from_npy(flags.input)
            : !flags.model.empty() ? from_model(flags.model, flags.limit)
                                   : from_collection(flags.collection, flags.db);
  if (!in) return in;
  if (auto ok = check_rows(*in); !ok) return tl::unexpected(ok.error());
  if (!flags.labels.empty()) {
    auto labels = read_row_labels(flags.labels, in->vectors.rows());
    if (!labels) return tl::unexpected(labels.error());
    in->labels = std::move(*labels);
  }
  return in;
}

Expected<std::vector<std::string>> read_row_labels(const std::filesystem::path& path, std::size_t rows) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return make_error(ErrorCode::kIo, fmt::format("{}: cannot open labels file", path.string()));
  std::vector<std::string> labels;
  std::string line;
  while (std::getline(file, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return corrupt(fmt::format("{}:{}: empty label (one label per row expected)", path.string(), labels.size() + 1));
    labels.push_back(std::move(line));
  }
  if (file.bad()) return make_error(ErrorCode::kIo, fmt::format("{}: read error", path.string()));
  if (labels.size() != rows) {
    return corrupt(fmt::format("{} has {} labels but the input has {} rows (one label per row expected)",
                               path.string(), labels.size(), rows));
  }
  return labels;
}

}  // namespace semspace::cli
