#include "analysis/tsne_gradient.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "analysis/row_blocks.hpp"
#include "analysis/tsne_kernels.hpp"
#include "core/threads.hpp"
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
  // The map as columns, so the SIMD kernel loads consecutive rows' coordinates.
  std::vector<double> coords(kDim * n);
  const double* columns[kDim];
  for (std::size_t c = 0; c < kDim; ++c) {
    for (std::size_t j = 0; j < n; ++j) coords[c * n + j] = y[j * kDim + c];
    columns[c] = coords.data() + c * n;
  }
  // Each pair i < j once (P is symmetric), credited to both rows: half the arithmetic and half the reads of P,
  // whose N^2 floats (13 MB at 1,797 rows) are read every iteration. Thread t takes a run of rows holding a
  // 1/T share of the pairs and sums into its own buffers, added up in thread order afterwards (deterministic for
  // a given thread count).
  const int used = analysis_detail::threads_for(n, 64, threads);
  std::vector<std::size_t> first_row(static_cast<std::size_t>(used) + 1, n);
  {
    const double pairs = 0.5 * static_cast<double>(n) * static_cast<double>(n - 1);
    double seen = 0;
    int t = 0;
    first_row[0] = 0;
    for (std::size_t i = 0; i < n && t + 1 < used; ++i) {
      seen += static_cast<double>(n - 1 - i);
      if (seen >= pairs * (t + 1) / used) first_row[++t] = i + 1;
    }
    while (t + 1 < used) first_row[++t] = n;
  }
  std::vector<double> buffers(static_cast<std::size_t>(used) * 2 * kDim * n, 0.0);
  std::vector<double> z(static_cast<std::size_t>(used), 0.0), kl(static_cast<std::size_t>(used), 0.0);
  core::run_threads(used, [&](int t) {
    double* base = buffers.data() + static_cast<std::size_t>(t) * 2 * kDim * n;
    double* attract[kDim];
    double* repel[kDim];
    for (std::size_t c = 0; c < kDim; ++c) {
      attract[c] = base + c * n;
      repel[c] = base + (kDim + c) * n;
    }
    double zt = 0, klt = 0;
    for (std::size_t i = first_row[t]; i < first_row[t + 1]; ++i) {
      const float* pi = p.data + i * p.stride;
      zt += tsne_exact_pairs(kDim, columns, i, pi, n, attract, repel);
      if (want_kl) {  // only for the progress line: the logarithms stay scalar
        for (std::size_t j = i + 1; j < n; ++j) {
          double d2 = 0;
          for (std::size_t c = 0; c < kDim; ++c) d2 += (columns[c][i] - columns[c][j]) * (columns[c][i] - columns[c][j]);
          klt += pi[j] * std::log(std::max<double>(pi[j], kTiny) * (1.0 + d2));
        }
      }
    }
    z[static_cast<std::size_t>(t)] = zt;
    kl[static_cast<std::size_t>(t)] = klt;
  });
  double total_z = 0, total_kl = 0;
  for (int t = 0; t < used; ++t) {
    total_z += 2 * z[static_cast<std::size_t>(t)];  // w_ij and w_ji
    total_kl += 2 * kl[static_cast<std::size_t>(t)];
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < kDim; ++c) {
      double attract = 0, repel = 0;
      for (int t = 0; t < used; ++t) {
        const double* base = buffers.data() + static_cast<std::size_t>(t) * 2 * kDim * n;
        attract += base[c * n + i];
        repel += base[(kDim + c) * n + i];
      }
      gradient[i * kDim + c] = 4.0 * (exaggeration * attract - repel / total_z);
    }
  }
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
