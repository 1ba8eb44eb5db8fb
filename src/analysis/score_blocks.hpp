// Brute-force inner products of queries against candidate rows: one query against a row-major matrix
// (dot_rows), and many queries against repacked candidates in cache-sized blocks (for_each_score_block).
// Both are the exact scans behind nearest neighbours and analogy evaluation; approximate indexes live in index/.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "semspace/matrix.hpp"

namespace semspace {

/// scores[r] = <query, rows.row(r)> for r in [0, rows.rows()). Requires query.size() == rows.cols() and
/// scores.size() == rows.rows() (throws InternalError otherwise). Float accumulation in several lanes.
void dot_rows(std::span<const float> query, MatrixView rows, std::span<float> scores);

/// Candidate rows repacked for the batched product: panels of kPanelWidth rows, each panel stored
/// dimension-major, so the innermost loop runs across candidates and vectorizes without reassociating sums.
/// The last panel is zero-padded. Immutable after construction; safe to share between threads.
class PackedRows {
 public:
  static constexpr std::size_t kPanelWidth = 16;

  PackedRows() = default;
  explicit PackedRows(MatrixView rows);

  std::size_t rows() const noexcept { return rows_; }
  std::size_t cols() const noexcept { return cols_; }
  std::size_t panels() const noexcept { return (rows_ + kPanelWidth - 1) / kPanelWidth; }
  /// Panel p: cols() x kPanelWidth floats, element (dim, j) at [dim * kPanelWidth + j] is row p*kPanelWidth+j.
  const float* panel(std::size_t p) const noexcept { return data_.data() + p * cols_ * kPanelWidth; }

 private:
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::vector<float> data_;
};

/// consume(query_begin, query_end, candidate_begin, candidate_end, scores): scores is row-major,
/// (query_end - query_begin) x (candidate_end - candidate_begin), scores[i * width + j] =
/// <queries.row(query_begin + i), candidate row candidate_begin + j>.
using ScoreBlockFn = std::function<void(std::size_t query_begin, std::size_t query_end, std::size_t candidate_begin,
                                        std::size_t candidate_end, const float* scores)>;

/// Computes the scores of queries rows [query_begin, query_end) against every candidate, in blocks of
/// kQueryBlock queries x kCandidateBlock candidates, calling consume once per block: for one query block all
/// candidate blocks in increasing order, then the next query block. Query blocks start at query_begin plus a
/// multiple of kQueryBlock, so a consumer whose queries come in groups of 2, 3, 4, 6 or 8 always sees whole
/// groups when query_begin is a group boundary. Runs on the calling thread; to use several threads, call it
/// from each with disjoint query ranges. Uses AVX2+FMA when the CPU has them (chosen once), else portable code.
inline constexpr std::size_t kQueryBlock = 48;
inline constexpr std::size_t kCandidateBlock = 512;
void for_each_score_block(MatrixView queries, std::size_t query_begin, std::size_t query_end,
                          const PackedRows& candidates, const ScoreBlockFn& consume);

}  // namespace semspace
