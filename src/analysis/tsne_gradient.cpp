#include "analysis/tsne_gradient.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "analysis/row_blocks.hpp"
#include "semspace/status.hpp"

namespace semspace::analysis {
namespace {

using analysis_detail::for_row_blocks;

// Probabilities below this count as this in the logarithms of KL (scikit-learn's MACHINE_EPSILON for float64).
constexpr double kTiny = 2.220446049250313e-16;

template <std::size_t kDim>
double exact_gradient_dim(MatrixView p, std::span<const double> y, double exaggeration, std::span<double> gradient,
                          int threads, bool want_kl) {
  const std::size_t n = p.rows;
  std::vector<double> z(n), kl(n), repulsion(n * kDim);
  for_row_blocks(n, 64, threads, [&](int, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const double* yi = y.data() + i * kDim;
      const float* pi = p.data + i * p.stride;
      double attract[kDim] = {}, repel[kDim] = {}, zi = 0, kli = 0;
      for (std::size_t j = 0; j < n; ++j) {
        if (j == i) continue;
        const double* yj = y.data() + j * kDim;
        double diff[kDim], d2 = 0;
        for (std::size_t c = 0; c < kDim; ++c) {
          diff[c] = yi[c] - yj[c];
          d2 += diff[c] * diff[c];
        }
        const double w = 1.0 / (1.0 + d2);
        const double pw = exaggeration * pi[j] * w, ww = w * w;
        for (std::size_t c = 0; c < kDim; ++c) {
          attract[c] += pw * diff[c];
          repel[c] += ww * diff[c];
        }
        zi += w;
        if (want_kl) kli += pi[j] * std::log(std::max<double>(pi[j], kTiny) / w);
      }
      for (std::size_t c = 0; c < kDim; ++c) {
        gradient[i * kDim + c] = attract[c];
        repulsion[i * kDim + c] = repel[c];
      }
      z[i] = zi;
      kl[i] = kli;
    }
  });
  double total_z = 0, total_kl = 0;
  for (std::size_t i = 0; i < n; ++i) {
    total_z += z[i];
    total_kl += kl[i];
  }
  for (std::size_t e = 0; e < n * kDim; ++e) gradient[e] = 4.0 * (gradient[e] - repulsion[e] / total_z);
  // sum p log(p / (w / Z)) = sum p log(p / w) + log Z, P summing to 1.
  return want_kl ? total_kl + std::log(total_z) : 0.0;
}

template <std::size_t kDim>
double attractive_dim(const SparseAffinities& p, std::span<const double> y, double exaggeration,
                      std::span<double> attraction, int threads, bool want_kl) {
  const std::size_t n = p.rows();
  std::vector<double> kl(want_kl ? n : 0);
  for_row_blocks(n, 256, threads, [&](int, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const double* yi = y.data() + i * kDim;
      double attract[kDim] = {}, kli = 0;
      for (std::size_t e = p.row_start[i]; e < p.row_start[i + 1]; ++e) {
        const double* yj = y.data() + static_cast<std::size_t>(p.column[e]) * kDim;
        double diff[kDim], d2 = 0;
        for (std::size_t c = 0; c < kDim; ++c) {
          diff[c] = yi[c] - yj[c];
          d2 += diff[c] * diff[c];
        }
        const double pij = p.value[e];
        const double pw = exaggeration * pij / (1.0 + d2);
        for (std::size_t c = 0; c < kDim; ++c) attract[c] += pw * diff[c];
        if (want_kl) kli += pij * std::log(std::max(pij, kTiny) * (1.0 + d2));
      }
      for (std::size_t c = 0; c < kDim; ++c) attraction[i * kDim + c] = attract[c];
      if (want_kl) kl[i] = kli;
    }
  });
  double total = 0;
  for (double v : kl) total += v;
  return total;
}

}  // namespace

double exact_gradient(MatrixView p, std::span<const double> y, std::size_t dim, double exaggeration,
                      std::span<double> gradient, int threads, bool want_kl) {
  SEMSPACE_CHECK(p.rows == p.cols && y.size() == p.rows * dim && gradient.size() == y.size(),
                 "P {}x{}, map {} values, gradient {}, dim {}", p.rows, p.cols, y.size(), gradient.size(), dim);
  if (dim == 2) return exact_gradient_dim<2>(p, y, exaggeration, gradient, threads, want_kl);
  SEMSPACE_CHECK(dim == 3, "t-SNE map dimension {} (2 or 3)", dim);
  return exact_gradient_dim<3>(p, y, exaggeration, gradient, threads, want_kl);
}

double attractive_forces(const SparseAffinities& p, std::span<const double> y, std::size_t dim, double exaggeration,
                         std::span<double> attraction, int threads, bool want_kl) {
  SEMSPACE_CHECK(y.size() == p.rows() * dim && attraction.size() == y.size(), "P rows {}, map {} values, dim {}",
                 p.rows(), y.size(), dim);
  if (dim == 2) return attractive_dim<2>(p, y, exaggeration, attraction, threads, want_kl);
  SEMSPACE_CHECK(dim == 3, "t-SNE map dimension {} (2 or 3)", dim);
  return attractive_dim<3>(p, y, exaggeration, attraction, threads, want_kl);
}

}  // namespace semspace::analysis
