#include "analysis/evaluate/analogy_eval.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "analysis/evaluate/text_lines.hpp"
#include "analysis/score_blocks.hpp"
#include "core/threads.hpp"

namespace semspace {
namespace {

constexpr float kCosMulEpsilon = 1e-3f;  // Levy & Goldberg 2014

// A question all of whose words are in the restricted vocabulary, as word ids.
struct KnownQuestion {
  std::array<std::uint32_t, 4> ids;  // a, b, c, d
  std::uint32_t section;
};

struct Best {
  float score = -INFINITY;
  std::uint32_t id = UINT32_MAX;
};

bool excluded(const KnownQuestion& q, std::uint32_t id) { return id == q.ids[0] || id == q.ids[1] || id == q.ids[2]; }

// Candidates are visited in increasing id order, so a strict '>' keeps the smallest id among equal scores
// whatever the thread count.
void offer(Best& best, float score, std::uint32_t id) {
  if (score > best.score) best = {score, id};
}

}  // namespace

Status AnalogyEvalOptions::validate() const {
  if (threads < 1) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("threads must be at least 1, got {}", threads));
  }
  return {};
}

Expected<AnalogyQuestions> read_analogy_questions(const std::filesystem::path& path) {
  auto lines = read_text_lines(path);
  if (!lines) return tl::unexpected(lines.error());
  AnalogyQuestions out;
  for (std::size_t i = 0; i < lines->size(); ++i) {
    auto words = split_whitespace((*lines)[i]);
    if (words.empty()) continue;
    if (words[0].starts_with(":")) {
      // ": name" (word2vec's form) or ":name".
      std::string name = words[0].size() > 1 ? std::string(words[0].substr(1)) : std::string();
      if (name.empty() && words.size() > 1) name = std::string(words[1]);
      out.sections.push_back(std::move(name));
      continue;
    }
    if (words.size() != 4) {
      return make_error(ErrorCode::kCorrupt, fmt::format("{}:{}: expected 4 words, found {}", path.string(), i + 1,
                                                         words.size()));
    }
    if (out.sections.empty()) out.sections.emplace_back();
    out.questions.push_back({std::string(words[0]), std::string(words[1]), std::string(words[2]),
                             std::string(words[3]), static_cast<std::uint32_t>(out.sections.size() - 1)});
  }
  return out;
}

Expected<AnalogyReport> evaluate_analogies(const WordVectors& model, const AnalogyQuestions& questions,
                                           const AnalogyEvalOptions& options) {
  if (auto ok = options.validate(); !ok) return tl::unexpected(ok.error());
  const std::size_t limit = options.max_vocab == 0 ? model.size() : std::min(options.max_vocab, model.size());

  AnalogyReport report;
  report.questions = questions.questions.size();
  for (const auto& name : questions.sections) {
    report.sections.push_back({.name = name, .syntactic = name.starts_with("gram")});
  }

  std::vector<KnownQuestion> known;
  known.reserve(questions.questions.size());
  for (const AnalogyQuestion& q : questions.questions) {
    KnownQuestion k{{}, q.section};
    bool all_known = true;
    const std::array<const std::string*, 4> words = {&q.a, &q.b, &q.c, &q.d};
    for (std::size_t w = 0; w < 4 && all_known; ++w) {
      auto id = options.lowercase ? model.find(ascii_lower(*words[w])) : model.find(*words[w]);
      all_known = id.has_value() && *id < limit;
      if (all_known) k.ids[w] = *id;
    }
    if (all_known) {
      known.push_back(k);
    } else {
      ++report.sections[q.section].oov;
    }
  }

  const Matrix& unit = model.unit_words_matrix();
  MatrixView restricted = unit.view();
  restricted.rows = limit;
  const PackedRows candidates(restricted);
  const std::size_t dims = unit.cols();
  const bool cos_mul = options.method == AnalogyMethod::k3CosMul;
  const std::size_t rows_per_question = cos_mul ? 3 : 1;

  // 3CosAdd: one query b - a + c per question (its norm does not change the argmax). 3CosMul: the rows a, b, c.
  Matrix queries(known.size() * rows_per_question, dims);
  for (std::size_t i = 0; i < known.size(); ++i) {
    auto a = unit.row(known[i].ids[0]), b = unit.row(known[i].ids[1]), c = unit.row(known[i].ids[2]);
    if (cos_mul) {
      std::copy(a.begin(), a.end(), queries.row(3 * i).begin());
      std::copy(b.begin(), b.end(), queries.row(3 * i + 1).begin());
      std::copy(c.begin(), c.end(), queries.row(3 * i + 2).begin());
    } else {
      auto out = queries.row(i);
      for (std::size_t d = 0; d < dims; ++d) out[d] = b[d] - a[d] + c[d];
    }
  }

  std::vector<Best> best(known.size());
  auto consume = [&](std::size_t q0, std::size_t q1, std::size_t c0, std::size_t c1, const float* scores) {
    const std::size_t width = c1 - c0;
    if (!cos_mul) {
      for (std::size_t row = q0; row < q1; ++row) {
        const float* s = scores + (row - q0) * width;
        Best& b = best[row];
        for (std::size_t j = 0; j < width; ++j) {
          // Almost every candidate fails the first test, so the exclusion check costs nothing.
          if (s[j] > b.score && !excluded(known[row], static_cast<std::uint32_t>(c0 + j))) {
            offer(b, s[j], static_cast<std::uint32_t>(c0 + j));
          }
        }
      }
      return;
    }
    for (std::size_t row = q0; row < q1; row += 3) {
      const std::size_t question = row / 3;
      const float* sa = scores + (row - q0) * width;
      const float* sb = sa + width;
      const float* sc = sb + width;
      Best& b = best[question];
      for (std::size_t j = 0; j < width; ++j) {
        const float score = (sb[j] + 1) * 0.5f * (sc[j] + 1) * 0.5f / ((sa[j] + 1) * 0.5f + kCosMulEpsilon);
        if (score > b.score && !excluded(known[question], static_cast<std::uint32_t>(c0 + j))) {
          offer(b, score, static_cast<std::uint32_t>(c0 + j));
        }
      }
    }
  };

  // Contiguous question ranges per thread; each thread writes only its own entries of `best`.
  const std::size_t threads = std::min<std::size_t>(static_cast<std::size_t>(options.threads),
                                                    std::max<std::size_t>(known.size(), 1));
  core::run_threads(static_cast<int>(threads), [&](int thread_id) {
    const std::size_t first = known.size() * static_cast<std::size_t>(thread_id) / threads;
    const std::size_t last = known.size() * static_cast<std::size_t>(thread_id + 1) / threads;
    for_each_score_block(queries.view(), first * rows_per_question, last * rows_per_question, candidates, consume);
  });

  for (std::size_t i = 0; i < known.size(); ++i) {
    AnalogySectionResult& section = report.sections[known[i].section];
    ++section.total;
    if (best[i].id == known[i].ids[3]) ++section.correct;
  }
  for (const auto& section : report.sections) {
    report.answered += section.total;
    report.correct += section.correct;
    report.oov += section.oov;
    (section.syntactic ? report.syntactic_answered : report.semantic_answered) += section.total;
    (section.syntactic ? report.syntactic_correct : report.semantic_correct) += section.correct;
  }
  return report;
}

Expected<AnalogyReport> evaluate_analogy_file(const WordVectors& model, const std::filesystem::path& path,
                                              const AnalogyEvalOptions& options) {
  auto questions = read_analogy_questions(path);
  if (!questions) return tl::unexpected(questions.error());
  return evaluate_analogies(model, *questions, options);
}

}  // namespace semspace
