// Principal component analysis: fit on a matrix of row vectors, then project any vectors of the same dimension
// onto the leading components (for plots, or to store smaller vectors), and save/load the fitted model.
//
// Exact: the covariance matrix comes from Gram products of centred row blocks (BLAS syrk, float32 blocks summed
// in double), its leading eigenpairs from LAPACK dsyevr. Cost n*d^2 + O(d^3); exact to float32 rounding.
// Randomized (Halko, Martinsson & Tropp 2011): Gaussian sketch of the centred matrix, power iterations with QR
// re-orthonormalisation, then an SVD of the small projected matrix. Cost about (2q + 2) * 2 * n * d * l with
// l = components + oversamples; exact up to the sketch's error, which is tiny when the spectrum decays.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace {

enum class PcaSolver {
  kAuto,        // whichever costs less (see choose_pca_solver)
  kExact,       // covariance eigendecomposition
  kRandomized,  // randomized range finder + small SVD
};

struct PcaOptions {
  int components = 2;
  PcaSolver solver = PcaSolver::kAuto;
  int oversamples = 10;        // extra sketch columns (scikit-learn's n_oversamples)
  int power_iterations = -1;   // -1: scikit-learn's rule, 7 when components < 0.1 * min(rows, cols), else 4
  std::uint64_t seed = 1;      // the Gaussian sketch (randomized only)
  int threads = 1;
  /// kInvalidArgument for components < 1, oversamples < 0, power_iterations < -1, threads < 1.
  Status validate() const;
};

/// kAuto's cost model, in multiply-adds. Exact: the Gram product (rows * cols^2) plus the eigendecomposition
/// (about 10 * cols^3). Randomized: (2q + 2) passes of 2 * rows * cols * l, times kPcaSketchOverhead for what
/// skinny products, QR and the centred copies lose against one large syrk (measured: at 100,000 x 128 the sketch
/// took twice as long as the exact fit; at 20,000 x 768 about as long). So the exact solver serves every common
/// embedding size, and the sketch takes over for dimensions in the thousands.
inline constexpr double kPcaSketchOverhead = 3.0;

/// The solver kAuto picks for an input of rows x cols reduced to `components`.
PcaSolver choose_pca_solver(std::size_t rows, std::size_t cols, const PcaOptions& options);

/// A fitted PCA. Immutable once fitted; every const method is thread-safe.
class PcaModel {
 public:
  PcaModel() = default;
  /// mean: dim values; components: rows = number of components, cols = dim, orthonormal rows, strongest first;
  /// explained_variance: one per component (variance of the data along it, divided by samples - 1);
  /// total_variance: the sum of all column variances. Throws InternalError when the sizes disagree.
  PcaModel(std::vector<float> mean, Matrix components, std::vector<double> explained_variance, double total_variance,
           std::uint64_t samples, PcaSolver solver);
  PcaModel(PcaModel&&) noexcept = default;
  PcaModel& operator=(PcaModel&&) noexcept = default;

  int dim() const noexcept { return static_cast<int>(components_.cols()); }
  int components() const noexcept { return static_cast<int>(components_.rows()); }
  const std::vector<float>& mean() const noexcept { return mean_; }
  /// Row i is component i (unit length). Sign convention: each component's entry of largest magnitude (the
  /// first such entry on ties) is positive, so fits of the same data agree however they were computed.
  const Matrix& component_matrix() const noexcept { return components_; }
  const std::vector<double>& explained_variance() const noexcept { return explained_variance_; }
  /// explained_variance / total_variance per component (0 when the total is 0).
  std::vector<double> explained_variance_ratio() const;
  double total_variance() const noexcept { return total_variance_; }
  std::uint64_t samples() const noexcept { return samples_; }
  PcaSolver solver() const noexcept { return solver_; }

  /// (x - mean) * components^T: rows = x.rows, cols = components(). kInvalidArgument when x.cols != dim() or a
  /// value is not finite (naming the row and column).
  Expected<Matrix> transform(MatrixView x, int threads = 1) const;
  /// y * components + mean: back to the original space (the best rank-components() approximation of the
  /// rows y were made from). kInvalidArgument when y.cols != components().
  Expected<Matrix> inverse_transform(MatrixView y, int threads = 1) const;

 private:
  std::vector<float> mean_;
  Matrix components_;
  std::vector<double> explained_variance_;
  double total_variance_ = 0;
  std::uint64_t samples_ = 0;
  PcaSolver solver_ = PcaSolver::kExact;
};

/// Fits the leading options.components principal components of the rows of x. kInvalidArgument when x has
/// fewer than 2 rows, components > min(rows, cols), a value is not finite (row and column named), every row is
/// the same (zero variance: no direction to find), or the options are invalid.
Expected<PcaModel> fit_pca(MatrixView x, const PcaOptions& options);

/// Writes the model (format SSPCA001, docs/formats/pca-model.md) crash-safely. kIo on file system errors.
Status save_pca(const PcaModel& model, const std::filesystem::path& path);
/// Reads a model written by save_pca. kCorrupt naming the file and field for bad magic, sizes that disagree with
/// the file size, checksum mismatch, non-finite values or components that are not unit length.
Expected<PcaModel> load_pca(const std::filesystem::path& path);
Expected<PcaModel> load_pca(std::span<const std::byte> data, std::string_view name);

std::string_view pca_solver_name(PcaSolver solver) noexcept;

}  // namespace semspace
