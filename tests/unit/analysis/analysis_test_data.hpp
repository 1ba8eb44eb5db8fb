// Seeded data sets for the PCA and clustering tests: Gaussian draws, correlated matrices with a spread-out
// spectrum, planted blobs. Written to .npy for the scikit-learn references.
#pragma once

#include <cmath>
#include <cstdint>
#include <fstream>
#include <numbers>
#include <string>
#include <vector>

#include "core/random.hpp"
#include "semspace/matrix.hpp"

namespace semspace::testing {

inline double gaussian(core::Rng& rng) {
  const double u1 = (static_cast<double>(rng.next() >> 11) + 1.0) * 0x1.0p-53;
  const double u2 = static_cast<double>(rng.next() >> 11) * 0x1.0p-53;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
}

/// n x d: Gaussian columns scaled by 0.8^j, mixed by a random d x d matrix, shifted by `offset`. The scales keep
/// the covariance eigenvalues apart, so the components are well defined (a test of rounding, not of ties).
inline Matrix correlated_matrix(std::size_t n, std::size_t d, std::uint64_t seed, float offset = 3.0f) {
  core::Rng rng(seed);
  std::vector<double> mix(d * d);
  for (auto& v : mix) v = gaussian(rng);
  Matrix x(n, d);
  std::vector<double> z(d);
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t j = 0; j < d; ++j) z[j] = gaussian(rng) * std::pow(0.8, static_cast<double>(j));
    for (std::size_t c = 0; c < d; ++c) {
      double v = offset;
      for (std::size_t j = 0; j < d; ++j) v += z[j] * mix[j * d + c];
      x.row(r)[c] = static_cast<float>(v);
    }
  }
  return x;
}

struct Blobs {
  Matrix x;
  std::vector<std::uint32_t> truth;
};

/// k blobs of n / k rows each (interleaved), unit-variance Gaussian noise times `spread` around centres drawn
/// uniformly in [-10, 10]^d and at least `min_separation` apart.
inline Blobs make_blobs(std::size_t n, std::size_t d, std::size_t k, double spread, double min_separation,
                        std::uint64_t seed) {
  core::Rng rng(seed);
  std::vector<std::vector<double>> centres;
  while (centres.size() < k) {
    std::vector<double> c(d);
    for (auto& v : c) v = 20.0 * rng.uniform() - 10.0;
    bool far = true;
    for (const auto& other : centres) {
      double d2 = 0;
      for (std::size_t j = 0; j < d; ++j) d2 += (c[j] - other[j]) * (c[j] - other[j]);
      far = far && std::sqrt(d2) >= min_separation;
    }
    if (far) centres.push_back(c);
  }
  Blobs blobs{Matrix(n, d), std::vector<std::uint32_t>(n)};
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t c = r % k;
    blobs.truth[r] = static_cast<std::uint32_t>(c);
    for (std::size_t j = 0; j < d; ++j) blobs.x.row(r)[j] = static_cast<float>(centres[c][j] + spread * gaussian(rng));
  }
  return blobs;
}

template <class T>
void write_lines(const std::filesystem::path& path, const std::vector<T>& values) {
  std::ofstream out(path);
  for (const auto& v : values) out << v << '\n';
}

}  // namespace semspace::testing
