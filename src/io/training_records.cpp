#include "io/training_records.hpp"

#include <array>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace semspace::io {
namespace {

// Column names accepted for each role, in the order they are tried. Each inner list is one role.
using Aliases = std::vector<std::vector<std::string_view>>;

const Aliases& text_roles(RecordKind kind) {
  static const Aliases pair = {{"anchor", "query", "sentence1", "text1"}, {"positive", "document", "sentence2", "text2"}};
  static const Aliases triplet = {{"anchor", "query", "sentence1", "text1"},
                                  {"positive", "document", "sentence2", "text2"},
                                  {"negative", "sentence3", "text3"}};
  static const Aliases labelled = {{"text", "sentence"}};
  static const Aliases scored = {{"sentence1", "text1", "anchor"}, {"sentence2", "text2", "positive"}};
  switch (kind) {
    case RecordKind::kPair: return pair;
    case RecordKind::kTriplet: return triplet;
    case RecordKind::kLabelled: return labelled;
    case RecordKind::kScoredPair: return scored;
  }
  return pair;
}

std::string role_names(const std::vector<std::string_view>& aliases) {
  std::string out;
  for (std::string_view a : aliases) out += (out.empty() ? "\"" : " or \"") + std::string(a) + "\"";
  return out;
}

Error corrupt(std::string_view name, std::size_t line, const std::string& what) {
  return Error{ErrorCode::kCorrupt, fmt::format("{}:{}: {}", name, line, what)};
}

Expected<std::vector<TrainingRecord>> parse_jsonl(std::string_view text, std::string_view name, RecordKind kind) {
  std::vector<TrainingRecord> out;
  const Aliases& roles = text_roles(kind);
  std::size_t line_number = 0, pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
      return tl::unexpected(corrupt(name, line_number, "not a JSON object"));
    }
    TrainingRecord record;
    for (const auto& aliases : roles) {
      auto it = json.end();
      for (std::string_view a : aliases) {
        if (it = json.find(std::string(a)); it != json.end()) break;
      }
      if (it == json.end() || !it->is_string()) {
        return tl::unexpected(corrupt(name, line_number, "needs a string field " + role_names(aliases)));
      }
      record.texts.push_back(it->get<std::string>());
    }
    if (kind == RecordKind::kLabelled) {
      auto it = json.find("label");
      if (it != json.end() && it->is_string()) {
        record.label = it->get<std::string>();
      } else if (it != json.end() && it->is_number_integer()) {
        record.label = std::to_string(it->get<std::int64_t>());
      } else {
        return tl::unexpected(corrupt(name, line_number, "needs \"label\" (a string or an integer)"));
      }
    }
    if (kind == RecordKind::kScoredPair) {
      auto it = json.find("score");
      if (it == json.end()) it = json.find("label");
      if (it == json.end() || !it->is_number() || !std::isfinite(it->get<double>())) {
        return tl::unexpected(corrupt(name, line_number, "needs \"score\" (a finite number)"));
      }
      record.score = it->get<double>();
    }
    out.push_back(std::move(record));
  }
  return out;
}

// Splits delimited text into rows of cells. CSV follows RFC 4180 (quotes, "" inside quotes, separators and newlines
// inside quotes); TSV splits on tabs and newlines only. Each row keeps the line it started on.
struct Row {
  std::size_t line = 0;
  std::vector<std::string> cells;
};

Expected<std::vector<Row>> split_rows(std::string_view text, std::string_view name, char separator, bool quoting) {
  std::vector<Row> rows;
  Row row{1, {}};
  std::string cell;
  bool in_quotes = false, cell_was_quoted = false;
  std::size_t line = 1, quote_line = 0;
  auto end_row = [&] {
    row.cells.push_back(std::move(cell));
    cell.clear();
    cell_was_quoted = false;
    const bool blank = row.cells.size() == 1 && row.cells[0].find_first_not_of(" \r") == std::string::npos;
    if (!blank) rows.push_back(std::move(row));
    row = Row{line + 1, {}};
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        cell.push_back(c);
      }
      continue;
    }
    if (quoting && c == '"') {
      if (!cell.empty() || cell_was_quoted) {
        return tl::unexpected(corrupt(name, line, "a quote inside an unquoted CSV field (write it as \"\")"));
      }
      in_quotes = cell_was_quoted = true;
      quote_line = line;
    } else if (c == separator) {
      row.cells.push_back(std::move(cell));
      cell.clear();
      cell_was_quoted = false;
    } else if (c == '\n') {
      if (!cell_was_quoted && !cell.empty() && cell.back() == '\r') cell.pop_back();
      end_row();
      ++line;
    } else if (cell_was_quoted && c != '\r') {
      return tl::unexpected(corrupt(name, line, "text after a closing quote in a CSV field"));
    } else if (!cell_was_quoted) {
      cell.push_back(c);
    }
  }
  if (in_quotes) return tl::unexpected(corrupt(name, quote_line, "a quoted CSV field is never closed"));
  if (!cell.empty() || cell_was_quoted || !row.cells.empty()) end_row();
  return rows;
}

Expected<std::vector<TrainingRecord>> parse_delimited(std::string_view text, std::string_view name, RecordKind kind,
                                                      char separator, bool quoting) {
  auto rows = split_rows(text, name, separator, quoting);
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return tl::unexpected(corrupt(name, 1, "no header row"));
  const Row& header = rows->front();
  auto column = [&](const std::vector<std::string_view>& aliases) -> std::optional<std::size_t> {
    for (std::string_view a : aliases) {
      for (std::size_t c = 0; c < header.cells.size(); ++c) {
        if (header.cells[c] == a) return c;
      }
    }
    return std::nullopt;
  };
  std::vector<std::size_t> text_columns;
  for (const auto& aliases : text_roles(kind)) {
    auto c = column(aliases);
    if (!c) return tl::unexpected(corrupt(name, header.line, "the header has no column " + role_names(aliases)));
    text_columns.push_back(*c);
  }
  std::optional<std::size_t> label_column, score_column;
  if (kind == RecordKind::kLabelled) {
    label_column = column({"label"});
    if (!label_column) return tl::unexpected(corrupt(name, header.line, "the header has no column \"label\""));
  }
  if (kind == RecordKind::kScoredPair) {
    score_column = column({"score", "label"});
    if (!score_column) return tl::unexpected(corrupt(name, header.line, "the header has no column \"score\""));
  }
  std::vector<TrainingRecord> out;
  for (std::size_t r = 1; r < rows->size(); ++r) {
    const Row& row = (*rows)[r];
    if (row.cells.size() < header.cells.size()) {
      return tl::unexpected(corrupt(name, row.line, fmt::format("{} cells, the header has {}", row.cells.size(),
                                                                header.cells.size())));
    }
    TrainingRecord record;
    for (std::size_t c : text_columns) record.texts.push_back(row.cells[c]);
    if (label_column) record.label = row.cells[*label_column];
    if (score_column) {
      const std::string& cell = row.cells[*score_column];
      char* end = nullptr;
      record.score = std::strtod(cell.c_str(), &end);
      if (cell.empty() || end != cell.c_str() + cell.size() || !std::isfinite(record.score)) {
        return tl::unexpected(corrupt(name, row.line, fmt::format("score \"{}\" is not a finite number", cell)));
      }
    }
    out.push_back(std::move(record));
  }
  return out;
}

}  // namespace

Expected<RecordFormat> record_format_of(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".jsonl" || ext == ".json") return RecordFormat::kJsonl;
  if (ext == ".csv") return RecordFormat::kCsv;
  if (ext == ".tsv" || ext == ".txt") return RecordFormat::kTsv;
  return make_error(ErrorCode::kInvalidArgument,
                    fmt::format("{}: unknown training file type '{}' (use .jsonl, .csv or .tsv)", path.string(), ext));
}

Expected<std::vector<TrainingRecord>> parse_training_records(std::string_view text, std::string_view name,
                                                             RecordKind kind, RecordFormat format) {
  auto records = format == RecordFormat::kJsonl ? parse_jsonl(text, name, kind)
                 : format == RecordFormat::kCsv ? parse_delimited(text, name, kind, ',', true)
                                                : parse_delimited(text, name, kind, '\t', false);
  if (records && records->empty()) {
    return make_error(ErrorCode::kCorrupt, fmt::format("{}: no training records", name));
  }
  return records;
}

Expected<std::vector<TrainingRecord>> read_training_records(const std::filesystem::path& path, RecordKind kind) {
  auto format = record_format_of(path);
  if (!format) return tl::unexpected(format.error());
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, fmt::format("{}: cannot be opened", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return make_error(ErrorCode::kIo, fmt::format("{}: read failed", path.string()));
  return parse_training_records(text.str(), path.string(), kind, *format);
}

}  // namespace semspace::io
