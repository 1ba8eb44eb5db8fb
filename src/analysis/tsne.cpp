#include "analysis/tsne.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include <fmt/format.h>

#include "analysis/pca.hpp"
#include "analysis/row_blocks.hpp"
#include "analysis/tsne_affinities.hpp"
#include "analysis/tsne_fft.hpp"
#include "analysis/tsne_gradient.hpp"
#include "core/random.hpp"
#include "core/threads.hpp"

namespace semspace::analysis {
namespace {

// scikit-learn's optimiser constants (sklearn.manifold._t_sne._gradient_descent).
constexpr double kMomentumEarly = 0.5, kMomentumLate = 0.8, kGainUp = 0.2, kGainDown = 0.8, kMinGain = 0.01;
constexpr double kInitStd = 1e-4;         // of the first coordinate after initialisation
constexpr std::size_t kKlEvery = 50;      // iterations between KL estimates on the progress line

Status invalid(std::string message) { return make_error(ErrorCode::kInvalidArgument, std::move(message)); }

// PCA of the input scaled so the first coordinate has standard deviation kInitStd; Gaussian noise of that
// standard deviation when PCA cannot give dim components (too few columns, or no variance).
std::vector<double> initial_map(MatrixView x, const TsneOptions& options, int threads) {
  const std::size_t n = x.rows, dim = options.dim;
  std::vector<double> y(n * dim);
  if (options.pca_init && x.cols >= dim) {
    auto model = fit_pca(x, {.components = static_cast<int>(dim), .seed = options.seed, .threads = threads});
    if (model) {
      auto coords = model->transform(x, threads);
      if (coords) {
        double mean = 0, square = 0;
        for (std::size_t i = 0; i < n; ++i) mean += coords->row(i)[0];
        mean /= static_cast<double>(n);
        for (std::size_t i = 0; i < n; ++i) square += (coords->row(i)[0] - mean) * (coords->row(i)[0] - mean);
        const double sd = std::sqrt(square / static_cast<double>(n));
        if (sd > 0) {
          for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t c = 0; c < dim; ++c) y[i * dim + c] = coords->row(i)[c] / sd * kInitStd;
          }
          return y;
        }
      }
    }
  }
  core::Rng rng(options.seed);
  for (auto& v : y) {
    // Box-Muller from two uniform draws.
    const double u1 = (static_cast<double>(rng.next() >> 11) + 1.0) * 0x1.0p-53;
    const double u2 = static_cast<double>(rng.next() >> 11) * 0x1.0p-53;
    v = kInitStd * std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
  }
  return y;
}

// One method's affinities and gradient behind a common call.
class Objective {
 public:
  Objective(MatrixView x, const TsneOptions& options, TsneMethod method, int threads)
      : dim_(options.dim), threads_(threads), method_(method), fft_(options.dim) {
    if (method == TsneMethod::kExact) {
      dense_ = dense_affinities(x, options.perplexity, threads);
    } else {
      const auto k = std::min<std::size_t>(x.rows - 1, static_cast<std::size_t>(3 * options.perplexity + 1));
      sparse_ = sparse_affinities(nearest_neighbours(x, k, threads), options.perplexity, threads);
      repulsion_.resize(x.rows * options.dim);
    }
  }

  /// gradient = dKL/dy with P scaled by exaggeration; returns KL (unexaggerated) when want_kl, else 0.
  double gradient(std::span<const double> y, double exaggeration, std::span<double> gradient, bool want_kl) {
    if (method_ == TsneMethod::kExact) {
      return exact_gradient(dense_.view(), y, dim_, exaggeration, gradient, threads_, want_kl);
    }
    const double kl_part = attractive_forces(sparse_, y, dim_, exaggeration, gradient, threads_, want_kl);
    const double z = fft_.compute(y, repulsion_, threads_);
    for (std::size_t e = 0; e < gradient.size(); ++e) gradient[e] = 4.0 * (gradient[e] - repulsion_[e] / z);
    return want_kl ? kl_part + std::log(z) : 0.0;
  }

 private:
  std::size_t dim_;
  int threads_;
  TsneMethod method_;
  Matrix dense_;
  SparseAffinities sparse_;
  FftRepulsion fft_;
  std::vector<double> repulsion_;
};

}  // namespace

Status TsneOptions::validate() const {
  if (dim != 2 && dim != 3) return invalid(fmt::format("t-SNE dim {}: expected 2 or 3", dim));
  if (!(perplexity > 0) || !std::isfinite(perplexity)) {
    return invalid(fmt::format("t-SNE perplexity {}: expected a positive number", perplexity));
  }
  if (iterations == 0) return invalid("t-SNE iterations 0: expected at least 1");
  if (exaggeration_iterations > iterations) {
    return invalid(fmt::format("t-SNE exaggeration_iterations {} is more than iterations {}", exaggeration_iterations,
                               iterations));
  }
  if (!(early_exaggeration >= 1) || !std::isfinite(early_exaggeration)) {
    return invalid(fmt::format("t-SNE early_exaggeration {}: expected at least 1", early_exaggeration));
  }
  if (!(learning_rate >= 0) || !std::isfinite(learning_rate)) {
    return invalid(fmt::format("t-SNE learning_rate {}: expected 0 (auto) or a positive number", learning_rate));
  }
  if (threads < 0) return invalid(fmt::format("t-SNE threads {}: expected 0 (all cores) or more", threads));
  return {};
}

std::string_view tsne_method_name(TsneMethod method) noexcept {
  switch (method) {
    case TsneMethod::kAuto: return "auto";
    case TsneMethod::kExact: return "exact";
    case TsneMethod::kFft: return "fft";
  }
  return "unknown";
}

Expected<TsneResult> tsne(MatrixView x, const TsneOptions& options, core::Progress* progress) {
  if (auto ok = options.validate(); !ok) return tl::unexpected(ok.error());
  const std::size_t n = x.rows, dim = options.dim;
  const double needed = 3 * options.perplexity + 1;
  if (static_cast<double>(n) < needed) {
    const std::size_t fits = n >= 4 ? (n - 1) / 3 : 0;
    return make_error(ErrorCode::kInvalidArgument, fmt::format("t-SNE with perplexity {} needs at least {} rows (3 * perplexity + 1), got {}; {}",
                               options.perplexity, static_cast<std::size_t>(std::ceil(needed)), n,
                               fits > 0 ? fmt::format("use --perplexity {} or less", fits)
                                        : std::string("t-SNE needs at least 4 rows")));
  }
  if (auto ok = analysis_detail::check_finite(x, "t-SNE input"); !ok) return tl::unexpected(ok.error());
  const int threads = options.threads > 0 ? options.threads : core::hardware_threads();
  const TsneMethod method = options.method != TsneMethod::kAuto ? options.method
                            : n < kTsneExactMaxRows             ? TsneMethod::kExact
                                                                : TsneMethod::kFft;
  const double learning_rate = options.learning_rate > 0
                                   ? options.learning_rate
                                   : std::max(static_cast<double>(n) / options.early_exaggeration / 4.0, 50.0);

  Objective objective(x, options, method, threads);
  std::vector<double> y = initial_map(x, options, threads);
  std::vector<double> gradient(y.size()), update(y.size(), 0.0), gains(y.size(), 1.0);
  double kl = 0;
  for (std::size_t it = 0; it < options.iterations; ++it) {
    const bool early = it < options.exaggeration_iterations;
    // The estimate only feeds the progress line: a silenced one (stderr not a terminal) skips its logarithms.
    const bool want_kl = progress != nullptr && progress->enabled() && (it + 1) % kKlEvery == 0;
    const double estimate = objective.gradient(y, early ? options.early_exaggeration : 1.0, gradient, want_kl);
    if (want_kl) kl = estimate;
    const double momentum = early ? kMomentumEarly : kMomentumLate;
    for (std::size_t e = 0; e < y.size(); ++e) {
      double& gain = gains[e];
      gain = update[e] * gradient[e] < 0 ? gain + kGainUp : gain * kGainDown;
      gain = std::max(gain, kMinGain);
      update[e] = momentum * update[e] - learning_rate * gain * gradient[e];
      y[e] += update[e];
    }
    if (progress != nullptr) {
      progress->update(static_cast<double>(it + 1) / static_cast<double>(options.iterations),
                       fmt::format("iteration {}/{}{}", it + 1, options.iterations,
                                   it + 1 >= kKlEvery ? fmt::format(", KL {:.4f}", kl) : std::string()));
    }
  }
  TsneResult result;
  result.kl_divergence = objective.gradient(y, 1.0, gradient, true);
  result.iterations = options.iterations;
  result.method = method;
  result.embedding = Matrix(n, dim);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t c = 0; c < dim; ++c) result.embedding.row(i)[c] = static_cast<float>(y[i * dim + c]);
  }
  if (progress != nullptr) {
    progress->finish(fmt::format("{} iterations, KL {:.4f}", options.iterations, result.kl_divergence));
  }
  return result;
}

}  // namespace semspace::analysis
