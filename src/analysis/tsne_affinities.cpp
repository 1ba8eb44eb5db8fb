#include "analysis/tsne_affinities.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "analysis/row_blocks.hpp"
#include "analysis/top_k.hpp"
#include "analysis/tsne_kernels.hpp"
#include "core/kernels/gemm.hpp"
#include "semspace/status.hpp"

namespace semspace::analysis {
namespace {

using analysis_detail::for_row_blocks;

// Query blocks of 256 rows against candidate blocks of 2048: 2 MiB of scores per thread, the tile size at which
// sgemm runs near its peak (as in index/flat_index_search.cpp).
constexpr std::size_t kQueryRows = 256;
constexpr std::size_t kCandidateRows = 2048;

std::vector<float> squared_norms(MatrixView x) {
  std::vector<float> norms(x.rows);
  for (std::size_t r = 0; r < x.rows; ++r) {
    double s = 0;
    for (float v : x.row(r)) s += static_cast<double>(v) * v;
    norms[r] = static_cast<float>(s);
  }
  return norms;
}

// scores (rows [qb, qe) x rows [cb, ce)) = squared distances, clamped at 0 against cancellation.
void distance_block(MatrixView x, std::span<const float> norms, std::size_t qb, std::size_t qe, std::size_t cb,
                    std::size_t ce, float* scores) {
  const std::size_t qn = qe - qb, cn = ce - cb;
  kernels::gemm_f32(kernels::Transpose::kNo, kernels::Transpose::kYes, qn, cn, x.cols, -2.0f, x.data + qb * x.stride,
                    x.stride, x.data + cb * x.stride, x.stride, 0.0f, scores, cn);
  for (std::size_t i = 0; i < qn; ++i) {
    float* row = scores + i * cn;
    for (std::size_t j = 0; j < cn; ++j) row[j] = std::max(0.0f, row[j] + norms[qb + i] + norms[cb + j]);
  }
}

}  // namespace

Neighbours nearest_neighbours(MatrixView x, std::size_t k, int threads) {
  SEMSPACE_CHECK(k < x.rows, "k = {} needs more than {} rows", k, x.rows);
  Neighbours out{k, std::vector<std::uint32_t>(x.rows * k), std::vector<float>(x.rows * k)};
  const auto norms = squared_norms(x);
  for_row_blocks(x.rows, kQueryRows, threads, [&](int, std::size_t qb, std::size_t qe) {
    std::vector<float> scores(kQueryRows * kCandidateRows);
    std::vector<TopK> tops(qe - qb, TopK(k));
    for (std::size_t cb = 0; cb < x.rows; cb += kCandidateRows) {
      const std::size_t ce = std::min(x.rows, cb + kCandidateRows), cn = ce - cb;
      distance_block(x, norms, qb, qe, cb, ce, scores.data());
      for (std::size_t i = 0; i < qe - qb; ++i) {
        const float* row = scores.data() + i * cn;
        for (std::size_t j = 0; j < cn; ++j) {
          if (cb + j != qb + i) tops[i].push(-row[j], static_cast<std::uint32_t>(cb + j));
        }
      }
    }
    for (std::size_t i = 0; i < qe - qb; ++i) {
      const auto best = tops[i].take_sorted();
      for (std::size_t j = 0; j < k; ++j) {
        out.index[(qb + i) * k + j] = best[j].id;
        out.distance[(qb + i) * k + j] = -best[j].score;
      }
    }
  });
  return out;
}

double calibrate_row(std::span<const float> distances, double perplexity, std::span<double> probabilities) {
  SEMSPACE_CHECK(distances.size() == probabilities.size(), "{} distances, {} probabilities", distances.size(),
                 probabilities.size());
  if (distances.empty()) return 1.0;
  // Entropy does not change when every distance moves by the same amount; measuring from the nearest keeps
  // exp() away from underflow for far-away points.
  const float nearest = *std::min_element(distances.begin(), distances.end());
  const double target = std::log(perplexity);
  // Start near the answer: beta = 1 / (mean distance beyond the nearest) puts the kernel's scale at the typical
  // distance, a few halvings from the solution whatever the data's units, where starting at 1 took a dozen steps
  // of n exponentials each to get there on pixel or embedding distances in the hundreds.
  double mean = 0;
  for (float d : distances) mean += static_cast<double>(d) - nearest;
  mean /= static_cast<double>(distances.size());
  double beta = mean > 0 && std::isfinite(mean) ? 1.0 / mean : 1.0;
  double beta_min = -std::numeric_limits<double>::infinity();
  double beta_max = std::numeric_limits<double>::infinity();
  double sum = 0;
  for (int step = 0; step < 100; ++step) {
    double weighted;
    std::tie(sum, weighted) = tsne_gaussian_row(distances.data(), distances.size(), nearest, beta, probabilities.data());
    sum = std::max(sum, 1e-8);
    const double entropy = std::log(sum) + beta * weighted / sum;
    const double diff = entropy - target;
    if (std::fabs(diff) <= 1e-5) break;
    if (diff > 0) {
      beta_min = beta;
      beta = std::isinf(beta_max) ? beta * 2 : (beta + beta_max) / 2;
    } else {
      beta_max = beta;
      beta = std::isinf(beta_min) ? beta / 2 : (beta + beta_min) / 2;
    }
  }
  for (auto& p : probabilities) p /= sum;
  return beta;
}

SparseAffinities sparse_affinities(const Neighbours& neighbours, double perplexity, int threads) {
  const std::size_t n = neighbours.index.size() / std::max<std::size_t>(neighbours.k, 1), k = neighbours.k;
  std::vector<float> conditional(n * k);
  for_row_blocks(n, 256, threads, [&](int, std::size_t begin, std::size_t end) {
    std::vector<double> p(k);
    for (std::size_t r = begin; r < end; ++r) {
      calibrate_row(std::span(neighbours.distance).subspan(r * k, k), perplexity, p);
      for (std::size_t j = 0; j < k; ++j) conditional[r * k + j] = static_cast<float>(p[j]);
    }
  });
  // Each directed edge (i -> j, p_j|i) lands in row i and row j; then every row is sorted by column and equal
  // columns merged, so p_ij = p_j|i + p_i|j.
  std::vector<std::size_t> count(n + 1, 0);
  for (std::size_t r = 0; r < n; ++r) {
    count[r + 1] += k;
    for (std::size_t j = 0; j < k; ++j) ++count[neighbours.index[r * k + j] + 1];
  }
  for (std::size_t r = 0; r < n; ++r) count[r + 1] += count[r];
  std::vector<std::pair<std::uint32_t, float>> edges(count[n]);
  std::vector<std::size_t> fill(count.begin(), count.end() - 1);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t j = 0; j < k; ++j) {
      const std::uint32_t c = neighbours.index[r * k + j];
      const float p = conditional[r * k + j];
      edges[fill[r]++] = {c, p};
      edges[fill[c]++] = {static_cast<std::uint32_t>(r), p};
    }
  }
  SparseAffinities out;
  out.row_start.assign(n + 1, 0);
  out.column.reserve(edges.size());
  out.value.reserve(edges.size());
  double total = 0;
  for (std::size_t r = 0; r < n; ++r) {
    auto first = edges.begin() + static_cast<std::ptrdiff_t>(count[r]);
    auto last = edges.begin() + static_cast<std::ptrdiff_t>(count[r + 1]);
    std::sort(first, last, [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto it = first; it != last;) {
      const std::uint32_t c = it->first;
      float sum = 0;
      for (; it != last && it->first == c; ++it) sum += it->second;
      out.column.push_back(c);
      out.value.push_back(sum);
      total += sum;
    }
    out.row_start[r + 1] = out.column.size();
  }
  const float scale = static_cast<float>(1.0 / std::max(total, 1e-300));
  for (auto& v : out.value) v *= scale;
  return out;
}

Matrix dense_affinities(MatrixView x, double perplexity, int threads) {
  const std::size_t n = x.rows;
  Matrix p(n, n);
  const auto norms = squared_norms(x);
  for_row_blocks(n, kQueryRows, threads, [&](int, std::size_t qb, std::size_t qe) {
    std::vector<float> scores((qe - qb) * n);
    distance_block(x, norms, qb, qe, 0, n, scores.data());
    std::vector<float> others(n - 1);
    std::vector<double> probabilities(n - 1);
    for (std::size_t i = qb; i < qe; ++i) {
      const float* row = scores.data() + (i - qb) * n;
      std::copy(row, row + i, others.begin());
      std::copy(row + i + 1, row + n, others.begin() + static_cast<std::ptrdiff_t>(i));
      calibrate_row(others, perplexity, probabilities);
      auto out = p.row(i);
      for (std::size_t j = 0; j < n - 1; ++j) out[j < i ? j : j + 1] = static_cast<float>(probabilities[j]);
      out[i] = 0;
    }
  });
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) total += static_cast<double>(p.row(i)[j]) + p.row(j)[i];
  }
  const double scale = 1.0 / std::max(2 * total, 1e-300);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const float v = static_cast<float>((static_cast<double>(p.row(i)[j]) + p.row(j)[i]) * scale);
      p.row(i)[j] = v;
      p.row(j)[i] = v;
    }
  }
  return p;
}

}  // namespace semspace::analysis
