#include "analysis/pca.hpp"

#include <lapacke.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numbers>

#include <fmt/format.h>

#include "analysis/row_blocks.hpp"
#include "core/kernels/gemm.hpp"
#include "core/mapped_file.hpp"
#include "core/random.hpp"
#include "io/byte_reader.hpp"
#include "io/checksummed_file.hpp"

namespace semspace {
namespace {

using analysis_detail::centred_block;
using analysis_detail::for_row_blocks;
using analysis_detail::threads_for;
using kernels::Transpose;

// Rows per BLAS call. Each block's float32 product holds at most this many terms per entry before it is
// added into double, which keeps the Gram matrix accurate for millions of rows.
constexpr std::size_t kBlockRows = 512;

// scikit-learn's rule: more power iterations when the components are a small part of the spectrum.
int power_iterations_for(std::size_t rows, std::size_t cols, const PcaOptions& options) {
  if (options.power_iterations >= 0) return options.power_iterations;
  return static_cast<double>(options.components) < 0.1 * static_cast<double>(std::min(rows, cols)) ? 7 : 4;
}

std::vector<float> to_float(const std::vector<double>& values) { return {values.begin(), values.end()}; }

// Each component's largest-magnitude entry (first on ties) made positive: eigen and SVD routines return either
// sign, and a fixed choice makes fits reproducible across solvers, thread counts and library versions.
void fix_signs(Matrix& components) {
  for (std::size_t i = 0; i < components.rows(); ++i) {
    auto row = components.row(i);
    std::size_t best = 0;
    for (std::size_t c = 1; c < row.size(); ++c) {
      if (std::fabs(row[c]) > std::fabs(row[best])) best = c;
    }
    if (row[best] < 0) {
      for (float& v : row) v = -v;
    }
  }
}

// Standard normal draws by Box-Muller (both outputs used), for the sketch matrix.
void fill_gaussian(std::span<float> out, std::uint64_t seed) {
  core::Rng rng(seed);
  for (std::size_t i = 0; i < out.size(); i += 2) {
    double u1 = (static_cast<double>(rng.next() >> 11) + 1.0) * 0x1.0p-53;  // (0, 1]: log stays finite
    double u2 = static_cast<double>(rng.next() >> 11) * 0x1.0p-53;
    double radius = std::sqrt(-2.0 * std::log(u1));
    out[i] = static_cast<float>(radius * std::cos(2 * std::numbers::pi * u2));
    if (i + 1 < out.size()) out[i + 1] = static_cast<float>(radius * std::sin(2 * std::numbers::pi * u2));
  }
}

// out (cols x rows) = in (rows x cols)^T, both row-major, in tiles that stay in cache.
void transpose(const float* in, std::size_t rows, std::size_t cols, float* out) {
  constexpr std::size_t kTile = 32;
  for (std::size_t r0 = 0; r0 < rows; r0 += kTile) {
    for (std::size_t c0 = 0; c0 < cols; c0 += kTile) {
      const std::size_t r1 = std::min(rows, r0 + kTile), c1 = std::min(cols, c0 + kTile);
      for (std::size_t r = r0; r < r1; ++r) {
        for (std::size_t c = c0; c < c1; ++c) out[c * rows + r] = in[r * cols + c];
      }
    }
  }
}

// Replaces the rows x cols matrix `a` (row-major, rows >= cols) by an orthonormal basis of its column space.
// LAPACK works column-major: one tiled transpose each way around both calls. (LAPACKE's row-major interface
// transposes in and out of each call with a plain loop, which cost more than the factorisation.)
// `column_major` is scratch, kept by the caller across calls (allocating and faulting in n x l floats each time
// cost as much as a transpose).
void orthonormalize(std::vector<float>& a, std::size_t rows, std::size_t cols, std::vector<float>& column_major) {
  kernels::use_single_threaded_blas();
  std::vector<float> tau(cols);
  column_major.resize(rows * cols);
  transpose(a.data(), rows, cols, column_major.data());
  const auto m = static_cast<lapack_int>(rows), n = static_cast<lapack_int>(cols);
  lapack_int info = LAPACKE_sgeqrf(LAPACK_COL_MAJOR, m, n, column_major.data(), m, tau.data());
  SEMSPACE_CHECK(info == 0, "sgeqrf failed: info {}", info);
  info = LAPACKE_sorgqr(LAPACK_COL_MAJOR, m, n, n, column_major.data(), m, tau.data());
  SEMSPACE_CHECK(info == 0, "sorgqr failed: info {}", info);
  transpose(column_major.data(), cols, rows, a.data());
}

// y (rows x l) = (x - mean) * omega, omega being cols x l. Also returns the centred sum of squares when asked.
void centred_times(MatrixView x, std::span<const float> mean, const std::vector<float>& omega, std::size_t l,
                   std::vector<float>& y, int threads, double* sum_squares) {
  y.resize(x.rows * l);  // every block's product overwrites its rows (beta 0)
  const int used = threads_for(x.rows, kBlockRows, threads);
  std::vector<double> squares(used, 0.0);
  std::vector<std::vector<float>> buffers(used);
  for_row_blocks(x.rows, kBlockRows, used, [&](int t, std::size_t begin, std::size_t end) {
    auto& buf = buffers[t];
    buf.resize(kBlockRows * x.cols);
    centred_block(x, begin, end, mean, buf.data());
    if (sum_squares != nullptr) {
      double s = 0;
      for (std::size_t i = 0; i < (end - begin) * x.cols; ++i) s += static_cast<double>(buf[i]) * buf[i];
      squares[t] += s;
    }
    kernels::gemm_f32(Transpose::kNo, Transpose::kNo, end - begin, l, x.cols, 1.0f, buf.data(), x.cols, omega.data(),
                      l, 0.0f, y.data() + begin * l, l);
  });
  if (sum_squares != nullptr) {
    *sum_squares = 0;
    for (double s : squares) *sum_squares += s;
  }
}

// (x - mean)^T * q: cols x l, q being rows x l; block products in float32, summed in double.
std::vector<double> centred_transpose_times(MatrixView x, std::span<const float> mean, const std::vector<float>& q,
                                            std::size_t l, int threads) {
  const int used = threads_for(x.rows, kBlockRows, threads);
  std::vector<std::vector<double>> partial(used, std::vector<double>(x.cols * l, 0.0));
  std::vector<std::vector<float>> buffers(used), products(used);
  for_row_blocks(x.rows, kBlockRows, used, [&](int t, std::size_t begin, std::size_t end) {
    auto& buf = buffers[t];
    auto& product = products[t];
    buf.resize(kBlockRows * x.cols);
    product.resize(x.cols * l);
    centred_block(x, begin, end, mean, buf.data());
    kernels::gemm_f32(Transpose::kYes, Transpose::kNo, x.cols, l, end - begin, 1.0f, buf.data(), x.cols,
                      q.data() + begin * l, l, 0.0f, product.data(), l);
    auto& acc = partial[t];
    for (std::size_t i = 0; i < acc.size(); ++i) acc[i] += product[i];
  });
  std::vector<double> out(x.cols * l, 0.0);
  for (const auto& p : partial) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] += p[i];
  }
  return out;
}

struct Fit {
  Matrix components;
  std::vector<double> explained_variance;
  double total_variance = 0;
};

Fit fit_exact(MatrixView x, std::span<const float> mean, int k, int threads) {
  const std::size_t d = x.cols;
  const int used = threads_for(x.rows, kBlockRows, threads);
  std::vector<std::vector<double>> partial(used, std::vector<double>(d * d, 0.0));
  std::vector<std::vector<float>> buffers(used), grams(used);
  for_row_blocks(x.rows, kBlockRows, used, [&](int t, std::size_t begin, std::size_t end) {
    auto& buf = buffers[t];
    auto& gram = grams[t];
    buf.resize(kBlockRows * d);
    gram.resize(d * d);
    centred_block(x, begin, end, mean, buf.data());
    kernels::gram_upper_f32(d, end - begin, 1.0f, buf.data(), d, 0.0f, gram.data(), d);
    auto& acc = partial[t];
    for (std::size_t r = 0; r < d; ++r) {
      for (std::size_t c = r; c < d; ++c) acc[r * d + c] += gram[r * d + c];
    }
  });
  std::vector<double> cov(d * d, 0.0);
  const double scale = 1.0 / static_cast<double>(x.rows - 1);
  double total = 0;
  for (std::size_t r = 0; r < d; ++r) {
    for (std::size_t c = r; c < d; ++c) {
      double v = 0;
      for (const auto& p : partial) v += p[r * d + c];
      cov[r * d + c] = v * scale;
    }
    total += cov[r * d + r];
  }
  Fit fit;
  fit.total_variance = total;
  if (total <= 0) return fit;

  // Only the k largest eigenpairs: dsyevr's index range skips the rest of the back-substitution work.
  kernels::use_single_threaded_blas();
  const auto n = static_cast<lapack_int>(d);
  const lapack_int il = n - k + 1, iu = n;
  lapack_int found = 0;
  std::vector<double> values(d), vectors(d * static_cast<std::size_t>(k));
  std::vector<lapack_int> support(2 * static_cast<std::size_t>(k));
  lapack_int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'I', 'U', n, cov.data(), n, 0.0, 0.0, il, iu, 0.0, &found,
                                   values.data(), vectors.data(), k, support.data());
  SEMSPACE_CHECK(info == 0 && found == k, "dsyevr failed: info {}, found {} of {}", info, found, k);
  // Ascending order from LAPACK; strongest first here.
  fit.components = Matrix(static_cast<std::size_t>(k), d);
  for (int i = 0; i < k; ++i) {
    const int column = k - 1 - i;
    fit.explained_variance.push_back(std::max(0.0, values[column]));
    for (std::size_t c = 0; c < d; ++c) fit.components.row(i)[c] = static_cast<float>(vectors[c * k + column]);
  }
  return fit;
}

Fit fit_randomized(MatrixView x, std::span<const float> mean, const PcaOptions& options) {
  const std::size_t d = x.cols, n = x.rows;
  const auto k = static_cast<std::size_t>(options.components);
  const std::size_t l = std::min(k + static_cast<std::size_t>(options.oversamples), std::min(n, d));
  const int iterations = power_iterations_for(n, d, options);

  std::vector<float> omega(d * l);
  fill_gaussian(omega, options.seed);
  std::vector<float> y;
  double sum_squares = 0;
  centred_times(x, mean, omega, l, y, options.threads, &sum_squares);
  Fit fit;
  fit.total_variance = sum_squares / static_cast<double>(n - 1);
  if (fit.total_variance <= 0) return fit;
  // Power iterations sharpen the sketch towards the leading subspace; re-orthonormalising after every product
  // keeps the small singular directions from drowning in rounding.
  std::vector<float> scratch;
  for (int it = 0; it < iterations; ++it) {
    orthonormalize(y, n, l, scratch);
    auto z = centred_transpose_times(x, mean, y, l, options.threads);
    std::vector<float> zf(z.begin(), z.end());
    orthonormalize(zf, d, l, scratch);
    centred_times(x, mean, zf, l, y, options.threads, nullptr);
  }
  orthonormalize(y, n, l, scratch);
  // B = Q^T (X - mean), l x d; its SVD gives the components (right singular vectors) and their variances.
  auto bt = centred_transpose_times(x, mean, y, l, options.threads);  // d x l
  std::vector<double> b(l * d);
  for (std::size_t r = 0; r < d; ++r) {
    for (std::size_t c = 0; c < l; ++c) b[c * d + r] = bt[r * l + c];
  }
  kernels::use_single_threaded_blas();
  std::vector<double> singular(l), u(l * l), vt(l * d);
  lapack_int info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', static_cast<lapack_int>(l), static_cast<lapack_int>(d),
                                   b.data(), static_cast<lapack_int>(d), singular.data(), u.data(),
                                   static_cast<lapack_int>(l), vt.data(), static_cast<lapack_int>(d));
  SEMSPACE_CHECK(info == 0, "dgesdd failed: info {}", info);
  fit.components = Matrix(k, d);
  for (std::size_t i = 0; i < k; ++i) {
    fit.explained_variance.push_back(singular[i] * singular[i] / static_cast<double>(n - 1));
    for (std::size_t c = 0; c < d; ++c) fit.components.row(i)[c] = static_cast<float>(vt[i * d + c]);
  }
  return fit;
}

}  // namespace

Status PcaOptions::validate() const {
  if (components < 1) return make_error(ErrorCode::kInvalidArgument, fmt::format("components must be at least 1, got {}", components));
  if (oversamples < 0) return make_error(ErrorCode::kInvalidArgument, fmt::format("oversamples must be >= 0, got {}", oversamples));
  if (power_iterations < -1) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("power_iterations must be >= 0 (or -1 for automatic), got {}", power_iterations));
  }
  if (threads < 1) return make_error(ErrorCode::kInvalidArgument, fmt::format("threads must be at least 1, got {}", threads));
  return {};
}

PcaSolver choose_pca_solver(std::size_t rows, std::size_t cols, const PcaOptions& options) {
  if (options.solver != PcaSolver::kAuto) return options.solver;
  const auto n = static_cast<double>(rows), d = static_cast<double>(cols);
  const double l = std::min<double>(options.components + options.oversamples, std::min(n, d));
  const double exact = n * d * d + 10 * d * d * d;
  const double sketch = kPcaSketchOverhead * (2.0 * power_iterations_for(rows, cols, options) + 2) * 2 * n * d * l;
  return sketch < exact ? PcaSolver::kRandomized : PcaSolver::kExact;
}

std::string_view pca_solver_name(PcaSolver solver) noexcept {
  switch (solver) {
    case PcaSolver::kAuto: return "auto";
    case PcaSolver::kExact: return "exact";
    case PcaSolver::kRandomized: return "randomized";
  }
  return "?";
}

PcaModel::PcaModel(std::vector<float> mean, Matrix components, std::vector<double> explained_variance,
                   double total_variance, std::uint64_t samples, PcaSolver solver)
    : mean_(std::move(mean)), components_(std::move(components)), explained_variance_(std::move(explained_variance)),
      total_variance_(total_variance), samples_(samples), solver_(solver) {
  SEMSPACE_CHECK(mean_.size() == components_.cols(), "mean has {} values, components {} columns", mean_.size(),
                 components_.cols());
  SEMSPACE_CHECK(explained_variance_.size() == components_.rows(), "{} variances for {} components",
                 explained_variance_.size(), components_.rows());
}

std::vector<double> PcaModel::explained_variance_ratio() const {
  std::vector<double> out;
  for (double v : explained_variance_) out.push_back(total_variance_ > 0 ? v / total_variance_ : 0.0);
  return out;
}

Expected<Matrix> PcaModel::transform(MatrixView x, int threads) const {
  if (x.cols != components_.cols()) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("vectors have dimension {} but the PCA model was fitted on dimension {}", x.cols,
                                  components_.cols()));
  }
  if (auto ok = analysis_detail::check_finite(x, "PCA input"); !ok) return tl::unexpected(ok.error());
  const std::size_t k = components_.rows(), d = x.cols;
  Matrix out(x.rows, k);
  const int used = threads_for(x.rows, kBlockRows, threads);
  std::vector<std::vector<float>> buffers(used);
  for_row_blocks(x.rows, kBlockRows, used, [&](int t, std::size_t begin, std::size_t end) {
    auto& buf = buffers[t];
    buf.resize(kBlockRows * d);
    centred_block(x, begin, end, mean_, buf.data());
    kernels::gemm_f32(Transpose::kNo, Transpose::kYes, end - begin, k, d, 1.0f, buf.data(), d, components_.data(), d,
                      0.0f, out.data() + begin * k, k);
  });
  return out;
}

Expected<Matrix> PcaModel::inverse_transform(MatrixView y, int threads) const {
  if (y.cols != components_.rows()) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("projections have {} values per row but the PCA model has {} components", y.cols,
                                  components_.rows()));
  }
  const std::size_t k = components_.rows(), d = components_.cols();
  Matrix out(y.rows, d);
  for_row_blocks(y.rows, kBlockRows, threads, [&](int, std::size_t begin, std::size_t end) {
    kernels::gemm_f32(Transpose::kNo, Transpose::kNo, end - begin, d, k, 1.0f, y.data + begin * y.stride, y.stride,
                      components_.data(), d, 0.0f, out.data() + begin * d, d);
    for (std::size_t r = begin; r < end; ++r) {
      auto row = out.row(r);
      for (std::size_t c = 0; c < d; ++c) row[c] += mean_[c];
    }
  });
  return out;
}

Expected<PcaModel> fit_pca(MatrixView x, const PcaOptions& options) {
  if (auto ok = options.validate(); !ok) return tl::unexpected(ok.error());
  if (x.rows < 2 || x.cols < 1) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("PCA needs at least 2 rows and 1 column, got {} x {}", x.rows, x.cols));
  }
  const auto k = static_cast<std::size_t>(options.components);
  if (k > std::min(x.rows, x.cols)) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{} components asked of {} rows of dimension {} (at most min(rows, dimension) = {})",
                                  k, x.rows, x.cols, std::min(x.rows, x.cols)));
  }
  if (auto ok = analysis_detail::check_finite(x, "PCA input"); !ok) return tl::unexpected(ok.error());
  auto mean = to_float(analysis_detail::column_means(x, options.threads));
  const PcaSolver solver = choose_pca_solver(x.rows, x.cols, options);
  Fit fit = solver == PcaSolver::kRandomized ? fit_randomized(x, mean, options)
                                             : fit_exact(x, mean, options.components, options.threads);
  if (!(fit.total_variance > 0)) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("all {} rows are identical (zero variance): PCA has no direction to find", x.rows));
  }
  fix_signs(fit.components);
  return PcaModel(std::move(mean), std::move(fit.components), std::move(fit.explained_variance), fit.total_variance,
                  x.rows, solver);
}

// ---- file format SSPCA001 (docs/formats/pca-model.md) ----
namespace {

constexpr std::array<char, 8> kPcaMagic = {'S', 'S', 'P', 'C', 'A', '0', '0', '1'};
constexpr std::uint32_t kPcaHeaderBytes = 48;
constexpr std::uint32_t kPcaMaxDim = 65536;

struct PcaHeader {
  std::array<char, 8> magic;
  std::uint32_t header_bytes;
  std::uint32_t dim;
  std::uint32_t components;
  std::uint32_t solver;  // 0 exact, 1 randomized
  std::uint64_t samples;
  double total_variance;
  std::uint64_t file_bytes;
};
static_assert(sizeof(PcaHeader) == kPcaHeaderBytes);

std::uint64_t pca_file_bytes(std::uint64_t dim, std::uint64_t components) {
  return kPcaHeaderBytes + 4 * dim + 4 * components * dim + 8 * components + 8;
}

}  // namespace

Status save_pca(const PcaModel& model, const std::filesystem::path& path) {
  auto writer = io::ChecksummedFileWriter::create(path);
  if (!writer) return tl::unexpected(writer.error());
  PcaHeader header{};
  header.magic = kPcaMagic;
  header.header_bytes = kPcaHeaderBytes;
  header.dim = static_cast<std::uint32_t>(model.dim());
  header.components = static_cast<std::uint32_t>(model.components());
  header.solver = model.solver() == PcaSolver::kRandomized ? 1 : 0;
  header.samples = model.samples();
  header.total_variance = model.total_variance();
  header.file_bytes = pca_file_bytes(header.dim, header.components);
  const auto& c = model.component_matrix();
  for (auto bytes : {std::as_bytes(std::span(&header, 1)), std::as_bytes(std::span(model.mean())),
                     std::as_bytes(std::span(c.data(), c.size())), std::as_bytes(std::span(model.explained_variance()))}) {
    if (auto ok = writer->write(bytes); !ok) return ok;
  }
  return writer->commit();
}

Expected<PcaModel> load_pca(std::span<const std::byte> data, std::string_view name) {
  auto corrupt = [&](std::string_view message) {
    return make_error(ErrorCode::kCorrupt, fmt::format("{}: {}", name, message));
  };
  if (data.size() < kPcaHeaderBytes + 8) {
    return corrupt(fmt::format("file is {} bytes, too small for a PCA model (at least {})", data.size(),
                               kPcaHeaderBytes + 8));
  }
  PcaHeader header;
  std::memcpy(&header, data.data(), sizeof header);
  if (header.magic != kPcaMagic) return corrupt("not a semspace PCA model (bad magic; expected SSPCA001)");
  if (header.header_bytes != kPcaHeaderBytes) {
    return corrupt(fmt::format("header_bytes is {}, expected {}", header.header_bytes, kPcaHeaderBytes));
  }
  if (header.dim < 1 || header.dim > kPcaMaxDim) return corrupt(fmt::format("dim {} is outside 1..{}", header.dim, kPcaMaxDim));
  if (header.components < 1 || header.components > header.dim) {
    return corrupt(fmt::format("components {} is outside 1..dim ({})", header.components, header.dim));
  }
  if (header.solver > 1) return corrupt(fmt::format("solver {} is not 0 (exact) or 1 (randomized)", header.solver));
  const std::uint64_t expected = pca_file_bytes(header.dim, header.components);
  if (header.file_bytes != expected || data.size() != expected) {
    return corrupt(fmt::format("header describes {} bytes (file_bytes field {}) but the file has {} (truncated or corrupted)",
                               expected, header.file_bytes, data.size()));
  }
  std::uint64_t stored = 0;
  std::memcpy(&stored, data.data() + data.size() - 8, 8);
  if (XXH3_64bits(data.data(), data.size() - 8) != stored) return corrupt("checksum mismatch (file corrupted)");
  if (!std::isfinite(header.total_variance) || header.total_variance <= 0) {
    return corrupt(fmt::format("total_variance {} is not a positive number", header.total_variance));
  }
  if (header.samples < 2) return corrupt(fmt::format("samples {} is below 2", header.samples));

  const std::size_t dim = header.dim, k = header.components;
  const std::byte* at = data.data() + kPcaHeaderBytes;
  std::vector<float> mean(dim);
  std::memcpy(mean.data(), at, 4 * dim);
  at += 4 * dim;
  Matrix components(k, dim);
  std::memcpy(components.data(), at, 4 * k * dim);
  at += 4 * k * dim;
  std::vector<double> variance(k);
  std::memcpy(variance.data(), at, 8 * k);
  for (std::size_t c = 0; c < dim; ++c) {
    if (!std::isfinite(mean[c])) return corrupt(fmt::format("mean[{}] is not finite", c));
  }
  for (std::size_t i = 0; i < k; ++i) {
    double norm = 0;
    for (float v : components.row(i)) {
      if (!std::isfinite(v)) return corrupt(fmt::format("component {} has a non-finite value", i));
      norm += static_cast<double>(v) * v;
    }
    if (std::fabs(norm - 1.0) > 1e-3) return corrupt(fmt::format("component {} has length {:.6f}, not 1", i, std::sqrt(norm)));
    if (!std::isfinite(variance[i]) || variance[i] < 0) {
      return corrupt(fmt::format("explained_variance[{}] = {} is not a finite non-negative number", i, variance[i]));
    }
  }
  return PcaModel(std::move(mean), std::move(components), std::move(variance), header.total_variance, header.samples,
                  header.solver == 1 ? PcaSolver::kRandomized : PcaSolver::kExact);
}

Expected<PcaModel> load_pca(const std::filesystem::path& path) {
  auto file = core::MappedFile::open(path);
  if (!file) return tl::unexpected(file.error());
  return load_pca((*file)->bytes(), path.string());
}

}  // namespace semspace
