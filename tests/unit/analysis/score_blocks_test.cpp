#include "analysis/score_blocks.hpp"

#include <gtest/gtest.h>

#include "analysis/top_k.hpp"
#include "support/test_models.hpp"

namespace semspace {
namespace {

double naive_dot(std::span<const float> a, std::span<const float> b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s;
}

TEST(DotRows, MatchesDoubleReferenceForAwkwardDims) {
  for (std::size_t dim : {1u, 3u, 15u, 16u, 17u, 67u, 100u}) {
    Matrix rows = testing::random_matrix(53, dim, dim);
    Matrix query = testing::random_matrix(1, dim, dim + 1000);
    std::vector<float> scores(rows.rows());
    dot_rows(query.row(0), rows.view(), scores);
    for (std::size_t r = 0; r < rows.rows(); ++r) {
      EXPECT_NEAR(scores[r], naive_dot(query.row(0), rows.row(r)), 1e-5 * dim) << "dim " << dim << " row " << r;
    }
  }
}

TEST(ScoreBlocks, EveryBlockMatchesDoubleReference) {
  // Sizes straddle the block and panel widths; the query range starts mid-matrix.
  const std::size_t dim = 37, n_candidates = 1037, n_queries = 101, first = 3, last = 100;
  Matrix candidates = testing::random_matrix(n_candidates, dim, 1);
  Matrix queries = testing::random_matrix(n_queries, dim, 2);
  PackedRows packed(candidates.view());
  std::vector<int> seen(n_queries * n_candidates, 0);
  for_each_score_block(queries.view(), first, last, packed,
                       [&](std::size_t q0, std::size_t q1, std::size_t c0, std::size_t c1, const float* scores) {
                         ASSERT_EQ((q0 - first) % kQueryBlock, 0u);
                         for (std::size_t q = q0; q < q1; ++q) {
                           for (std::size_t c = c0; c < c1; ++c) {
                             ++seen[q * n_candidates + c];
                             ASSERT_NEAR(scores[(q - q0) * (c1 - c0) + (c - c0)],
                                         naive_dot(queries.row(q), candidates.row(c)), 1e-4);
                           }
                         }
                       });
  for (std::size_t q = 0; q < n_queries; ++q) {
    for (std::size_t c = 0; c < n_candidates; ++c) {
      ASSERT_EQ(seen[q * n_candidates + c], (q >= first && q < last) ? 1 : 0) << q << "," << c;
    }
  }
}

TEST(TopK, KeepsBestWithSmallerIdOnTies) {
  TopK top(3);
  for (std::uint32_t id : {5u, 1u, 4u, 2u, 3u}) top.push(id == 4 ? 9.0f : 1.0f, id);
  top.push(std::nanf(""), 9);
  auto best = top.take_sorted();
  ASSERT_EQ(best.size(), 3u);
  EXPECT_EQ(best[0].id, 4u);
  EXPECT_EQ(best[1].id, 1u);
  EXPECT_EQ(best[2].id, 2u);
}

}  // namespace
}  // namespace semspace
