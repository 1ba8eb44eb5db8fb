// The general products of gemm.hpp against a scalar triple loop, every transpose combination, with leading
// dimensions wider than the rows.
#include "core/kernels/gemm.hpp"

#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace semspace::kernels {
namespace {

TEST(GemmF64, MatchesScalarProductForEveryTranspose) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  const std::size_t m = 7, n = 5, k = 9, pad = 3;
  for (auto ta : {Transpose::kNo, Transpose::kYes}) {
    for (auto tb : {Transpose::kNo, Transpose::kYes}) {
      const std::size_t lda = (ta == Transpose::kNo ? k : m) + pad, ldb = (tb == Transpose::kNo ? n : k) + pad, ldc = n + pad;
      std::vector<double> a((ta == Transpose::kNo ? m : k) * lda), b((tb == Transpose::kNo ? k : n) * ldb), c(m * ldc);
      for (auto* v : {&a, &b, &c}) {
        for (auto& x : *v) x = normal(rng);
      }
      auto at = [&](std::size_t i, std::size_t p) { return ta == Transpose::kNo ? a[i * lda + p] : a[p * lda + i]; };
      auto bt = [&](std::size_t p, std::size_t j) { return tb == Transpose::kNo ? b[p * ldb + j] : b[j * ldb + p]; };
      std::vector<double> want = c;
      for (std::size_t i = 0; i < m; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
          double sum = 0;
          for (std::size_t p = 0; p < k; ++p) sum += at(i, p) * bt(p, j);
          want[i * ldc + j] = 1.5 * sum + 0.5 * c[i * ldc + j];
        }
      }
      gemm_f64(ta, tb, m, n, k, 1.5, a.data(), lda, b.data(), ldb, 0.5, c.data(), ldc);
      for (std::size_t i = 0; i < c.size(); ++i) EXPECT_NEAR(c[i], want[i], 1e-12) << "index " << i;
    }
  }
}

}  // namespace
}  // namespace semspace::kernels
