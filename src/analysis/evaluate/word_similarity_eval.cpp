#include "analysis/evaluate/word_similarity_eval.hpp"

#include <charconv>

#include <fmt/format.h>

#include "analysis/evaluate/correlation.hpp"
#include "analysis/evaluate/text_lines.hpp"
#include "analysis/word_queries.hpp"

namespace semspace {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '"')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_on(std::string_view line, char separator) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    std::size_t end = line.find(separator, start);
    fields.push_back(trim(line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start)));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return fields;
}

std::optional<double> parse_number(std::string_view s) {
  double value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

}  // namespace

Expected<std::vector<WordPair>> read_word_pairs(const std::filesystem::path& path) {
  auto lines = read_text_lines(path);
  if (!lines) return tl::unexpected(lines.error());
  std::vector<WordPair> pairs;
  bool first_data_line = true;
  for (std::size_t i = 0; i < lines->size(); ++i) {
    const std::string& line = (*lines)[i];
    const std::size_t line_number = i + 1;
    if (split_whitespace(line).empty() || line.front() == '#') continue;
    std::vector<std::string_view> fields;
    if (line.find('\t') != std::string::npos) {
      fields = split_on(line, '\t');
    } else if (line.find(',') != std::string::npos) {
      fields = split_on(line, ',');
    } else {
      fields = split_whitespace(line);
    }
    const bool header_allowed = first_data_line;
    first_data_line = false;
    if (fields.size() < 3) {
      return make_error(ErrorCode::kCorrupt,
                        fmt::format("{}:{}: expected 3 fields (word1 word2 score), found {}", path.string(),
                                    line_number, fields.size()));
    }
    auto score = parse_number(fields[2]);
    if (!score) {
      if (header_allowed) continue;
      return make_error(ErrorCode::kCorrupt, fmt::format("{}:{}: expected a numeric score in field 3, found \"{}\"",
                                                         path.string(), line_number, fields[2]));
    }
    pairs.push_back({std::string(fields[0]), std::string(fields[1]), *score, line_number});
  }
  return pairs;
}

WordSimilarityReport evaluate_word_similarity(const WordVectors& model, std::span<const WordPair> pairs,
                                              const WordSimilarityOptions& options) {
  WordSimilarityReport report;
  report.pairs = pairs.size();
  std::vector<double> human, cosine;
  for (const WordPair& pair : pairs) {
    std::string a = options.lowercase ? ascii_lower(pair.first) : pair.first;
    std::string b = options.lowercase ? ascii_lower(pair.second) : pair.second;
    const bool a_known = model.find(a).has_value();
    const bool b_known = model.find(b).has_value();
    if ((!a_known || !b_known) && !model.has_subwords()) {
      ++report.oov;
      continue;
    }
    auto sim = similarity(model, a, b);
    if (!sim) {
      ++report.oov;
      continue;
    }
    report.oov_words_used_subwords += static_cast<std::size_t>(!a_known) + static_cast<std::size_t>(!b_known);
    ++report.found;
    human.push_back(pair.score);
    cosine.push_back(*sim);
  }
  report.spearman = spearman(cosine, human);
  report.pearson = pearson(cosine, human);
  return report;
}

Expected<WordSimilarityReport> evaluate_word_similarity_file(const WordVectors& model,
                                                             const std::filesystem::path& path,
                                                             const WordSimilarityOptions& options) {
  auto pairs = read_word_pairs(path);
  if (!pairs) return tl::unexpected(pairs.error());
  return evaluate_word_similarity(model, *pairs, options);
}

}  // namespace semspace
