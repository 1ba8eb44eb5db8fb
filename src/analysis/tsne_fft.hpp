// The repulsive half of the t-SNE gradient by FFT-accelerated interpolation (Linderman, Rachh, Hoskins,
// Steinerberger & Kluger 2019, "Fast interpolation-based t-SNE", the FIt-SNE method), in 2-D and 3-D.
//
// The sums over all pairs, sum_j K(y_i, y_j) q_j for the kernels K1 = 1 / (1 + r^2) and K2 = K1^2, are computed
// by (1) spreading each point's charges q onto an equispaced grid with the Lagrange polynomials of the kInterpolation
// nodes of its box, (2) convolving the grid with the kernel (a Toeplitz product, done as a circulant one by FFT
// on a grid padded to twice its size), (3) interpolating the grid potentials back to the points with the same
// polynomials. Cost O(N * nodes^dim + G log G) for G grid points, against O(N^2) for the exact sums.
// Z = sum_{i != j} K1 comes from K1 with charge 1; the repulsion sum_j K2 (y_i - y_j) = y_i * (K2 * 1) - (K2 * y)
// from K2 with charges 1 and the coordinates (measured from the box centre, against cancellation).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <span>

namespace semspace::analysis {

/// Lagrange nodes per box and axis (FIt-SNE's default).
inline constexpr std::size_t kInterpolationNodes = 3;

/// The grid for a map whose coordinates span `width` (the largest extent over the axes), in dim 2 or 3: boxes
/// per axis, one per unit of width and at least 50 in 2-D (FIt-SNE's defaults); in 3-D one per unit clamped to
/// [8, 12], because the 3-D grid grows with the cube (12 boxes: a padded 72^3 transform per charge), so wide 3-D
/// maps get coarser boxes and a less accurate repulsion. Rounded up so that the padded grid (6 * boxes points per
/// axis) has no prime factor above 3. From 50 units of width on, 2-D boxes are exactly one unit wide, so the grid
/// spacing and the kernel spectra stay the same between iterations until the grid grows.
std::size_t fft_boxes_per_axis(double width, std::size_t dim);

/// Reusable workspace (FFTW plans cached by grid size). Not thread-safe: one per t-SNE run; it runs its
/// transforms over the threads passed to compute().
class FftRepulsion {
 public:
  explicit FftRepulsion(std::size_t dim);
  ~FftRepulsion();
  FftRepulsion(const FftRepulsion&) = delete;
  FftRepulsion& operator=(const FftRepulsion&) = delete;

  /// y: N x dim map (row-major). repulsion (N x dim) = sum_{j} K2(y_i, y_j) * (y_i - y_j); returns
  /// Z = sum_{i != j} K1(y_i, y_j). Both approximate, with interpolation error decreasing with grid density.
  double compute(std::span<const double> y, std::span<double> repulsion, int threads);

 private:
  struct Plans;
  Plans& plans_for(std::size_t padded);
  std::size_t dim_;
  std::map<std::size_t, std::unique_ptr<Plans>> plans_;
};

}  // namespace semspace::analysis
