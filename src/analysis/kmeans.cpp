#include "analysis/kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "analysis/row_blocks.hpp"
#include "core/kernels/distance.hpp"
#include "core/random.hpp"

namespace semspace {
namespace {

using analysis_detail::for_row_blocks;
using analysis_detail::threads_for;

// Rows per GEMM call: a 256 x k block of dot products stays in cache while its argmins are taken.
constexpr std::size_t kBlockRows = 256;

MatrixView rows_of(MatrixView x, std::size_t begin, std::size_t end) {
  return {x.data + begin * x.stride, end - begin, x.cols, x.stride};
}

double uniform01(core::Rng& rng) { return static_cast<double>(rng.next() >> 11) * 0x1.0p-53; }

std::vector<float> squared_norms(MatrixView m) {
  std::vector<float> out(m.rows);
  for (std::size_t r = 0; r < m.rows; ++r) out[r] = kernels::dot_f32(m.row(r).data(), m.row(r).data(), m.cols);
  return out;
}

// Nearest centre of rows [begin, end) through one GEMM: |x|^2 - 2 x.c + |c|^2. The expansion can come out
// slightly negative for a row sitting on its centre; distances are clamped at 0.
void assign_block(MatrixView x, std::size_t begin, std::size_t end, MatrixView centers,
                  const std::vector<float>& center_norms, std::vector<float>& buf, std::uint32_t* labels, float* dist) {
  const std::size_t k = centers.rows;
  buf.resize(kBlockRows * k);
  kernels::dot_f32_gemm(rows_of(x, begin, end), centers, buf.data(), k);
  for (std::size_t r = begin; r < end; ++r) {
    const float* dots = buf.data() + (r - begin) * k;
    std::uint32_t best = 0;
    float best_score = std::numeric_limits<float>::infinity();
    for (std::size_t c = 0; c < k; ++c) {
      const float score = center_norms[c] - 2 * dots[c];  // |x|^2 is the same for every centre
      if (score < best_score) {
        best_score = score;
        best = static_cast<std::uint32_t>(c);
      }
    }
    labels[r] = best;
    if (dist != nullptr) {
      auto row = x.row(r);
      dist[r] = std::max(0.0f, kernels::dot_f32(row.data(), row.data(), x.cols) + best_score);
    }
  }
}

void assign_all(MatrixView x, MatrixView centers, int threads, std::vector<std::uint32_t>& labels,
                std::vector<float>* dist) {
  labels.resize(x.rows);
  if (dist != nullptr) dist->resize(x.rows);
  const auto norms = squared_norms(centers);
  const int used = threads_for(x.rows, kBlockRows, threads);
  std::vector<std::vector<float>> buffers(used);
  for_row_blocks(x.rows, kBlockRows, used, [&](int t, std::size_t begin, std::size_t end) {
    assign_block(x, begin, end, centers, norms, buffers[t], labels.data(), dist != nullptr ? dist->data() : nullptr);
  });
}

// Exact sum of squared distances of rows to their assigned centres (not the GEMM expansion, which cancels).
double exact_inertia(MatrixView x, const Matrix& centers, const std::vector<std::uint32_t>& labels, int threads) {
  const int used = threads_for(x.rows, kBlockRows, threads);
  std::vector<double> partial(used, 0.0);
  for_row_blocks(x.rows, kBlockRows, used, [&](int t, std::size_t begin, std::size_t end) {
    double sum = 0;
    for (std::size_t r = begin; r < end; ++r) {
      sum += kernels::l2sq_f32(x.row(r).data(), centers.row(labels[r]).data(), x.cols);
    }
    partial[t] += sum;
  });
  return std::accumulate(partial.begin(), partial.end(), 0.0);
}

// Greedy k-means++: each new centre is the best (lowest resulting potential) of 2 + ln k candidates drawn with
// probability proportional to the squared distance to the nearest centre so far.
Matrix kmeans_plus_plus(MatrixView x, std::size_t k, core::Rng& rng, int threads) {
  const std::size_t n = x.rows, d = x.cols;
  const std::size_t trials = 2 + static_cast<std::size_t>(std::log(static_cast<double>(k)));
  Matrix centers(k, d);
  auto set_center = [&](std::size_t c, std::size_t row) {
    std::copy_n(x.row(row).data(), d, centers.row(c).data());
  };
  std::vector<float> x_norms = squared_norms(x);
  // d2[t * n + r]: squared distance of row r to candidate t.
  std::vector<float> d2(trials * n);
  const int used = threads_for(n, kBlockRows, threads);
  std::vector<std::vector<float>> buffers(used);
  auto distances_to = [&](const Matrix& candidates) {
    const std::size_t t_count = candidates.rows();
    const auto c_norms = squared_norms(candidates.view());
    for_row_blocks(n, kBlockRows, used, [&](int t, std::size_t begin, std::size_t end) {
      auto& buf = buffers[t];
      buf.resize(kBlockRows * t_count);
      kernels::dot_f32_gemm(rows_of(x, begin, end), candidates.view(), buf.data(), t_count);
      for (std::size_t r = begin; r < end; ++r) {
        for (std::size_t j = 0; j < t_count; ++j) {
          d2[j * n + r] = std::max(0.0f, x_norms[r] + c_norms[j] - 2 * buf[(r - begin) * t_count + j]);
        }
      }
    });
  };

  set_center(0, rng.below(static_cast<std::uint32_t>(n)));
  {
    Matrix first(1, d);
    std::copy_n(centers.row(0).data(), d, first.row(0).data());
    distances_to(first);
  }
  std::vector<double> closest(d2.begin(), d2.begin() + static_cast<std::ptrdiff_t>(n));
  std::vector<double> cumulative(n);
  for (std::size_t c = 1; c < k; ++c) {
    std::partial_sum(closest.begin(), closest.end(), cumulative.begin());
    const double potential = cumulative.back();
    Matrix candidates(trials, d);
    std::vector<std::size_t> candidate_rows(trials);
    for (std::size_t t = 0; t < trials; ++t) {
      std::size_t row;
      if (potential > 0) {
        const double target = uniform01(rng) * potential;
        row = static_cast<std::size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), target) - cumulative.begin());
        row = std::min(row, n - 1);
      } else {
        row = rng.below(static_cast<std::uint32_t>(n));  // every row sits on a centre: any choice is as good
      }
      candidate_rows[t] = row;
      std::copy_n(x.row(row).data(), d, candidates.row(t).data());
    }
    distances_to(candidates);
    std::size_t best = 0;
    double best_potential = std::numeric_limits<double>::infinity();
    for (std::size_t t = 0; t < trials; ++t) {
      double p = 0;
      for (std::size_t r = 0; r < n; ++r) p += std::min(closest[r], static_cast<double>(d2[t * n + r]));
      if (p < best_potential) {
        best_potential = p;
        best = t;
      }
    }
    set_center(c, candidate_rows[best]);
    for (std::size_t r = 0; r < n; ++r) closest[r] = std::min(closest[r], static_cast<double>(d2[best * n + r]));
  }
  return centers;
}

// Empty clusters take the rows farthest from their current centres (scikit-learn's rule), each such row
// leaving its old cluster's sums. Returns how many clusters were refilled.
std::size_t refill_empty(MatrixView x, std::vector<std::uint32_t>& labels, const std::vector<float>& dist,
                         std::vector<double>& sums, std::vector<double>& counts) {
  const std::size_t k = counts.size(), d = x.cols;
  std::vector<std::size_t> empty;
  for (std::size_t c = 0; c < k; ++c) {
    if (counts[c] == 0) empty.push_back(c);
  }
  if (empty.empty()) return 0;
  std::vector<std::size_t> order(x.rows);
  std::iota(order.begin(), order.end(), 0);
  const std::size_t take = std::min(empty.size(), order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(take), order.end(),
                    [&](std::size_t a, std::size_t b) { return dist[a] > dist[b] || (dist[a] == dist[b] && a < b); });
  std::size_t refilled = 0;
  for (std::size_t i = 0; i < take; ++i) {
    const std::size_t row = order[i], old = labels[row], target = empty[i];
    if (counts[old] <= 1) continue;  // would only empty another cluster
    auto values = x.row(row);
    for (std::size_t c = 0; c < d; ++c) {
      sums[old * d + c] -= values[c];
      sums[target * d + c] = values[c];
    }
    counts[old] -= 1;
    counts[target] = 1;
    labels[row] = static_cast<std::uint32_t>(target);
    ++refilled;
  }
  return refilled;
}

struct Run {
  Matrix centers;
  std::vector<std::uint32_t> labels;
  double inertia = 0;
  int iterations = 0;
  bool converged = false;
};

// Labels, empty-cluster repair and exact inertia for final centres.
void finish(MatrixView x, Run& run, int threads) {
  std::vector<float> dist;
  assign_all(x, run.centers.view(), threads, run.labels, &dist);
  const std::size_t k = run.centers.rows(), d = x.cols;
  std::vector<double> counts(k, 0.0);
  for (auto label : run.labels) counts[label] += 1;
  if (std::find(counts.begin(), counts.end(), 0.0) != counts.end()) {
    std::vector<double> sums(k * d, 0.0);
    for (std::size_t r = 0; r < x.rows; ++r) {
      for (std::size_t c = 0; c < d; ++c) sums[run.labels[r] * d + c] += x.row(r)[c];
    }
    if (refill_empty(x, run.labels, dist, sums, counts) > 0) {
      for (std::size_t j = 0; j < k; ++j) {
        if (counts[j] == 0) continue;
        for (std::size_t c = 0; c < d; ++c) run.centers.row(j)[c] = static_cast<float>(sums[j * d + c] / counts[j]);
      }
    }
  }
  run.inertia = exact_inertia(x, run.centers, run.labels, threads);
}

Run lloyd(MatrixView x, Matrix centers, const KMeansOptions& options, double tol_abs) {
  const std::size_t n = x.rows, d = x.cols, k = centers.rows();
  const int used = threads_for(n, kBlockRows, options.threads);
  std::vector<std::vector<double>> sums(used), counts(used);
  std::vector<std::vector<float>> buffers(used);
  std::vector<std::size_t> changed(used);
  Run run;
  run.labels.assign(n, std::numeric_limits<std::uint32_t>::max());
  std::vector<float> dist(n);
  for (int it = 0; it < options.max_iter; ++it) {
    const auto norms = squared_norms(centers.view());
    for (int t = 0; t < used; ++t) {
      sums[t].assign(k * d, 0.0);
      counts[t].assign(k, 0.0);
      changed[t] = 0;
    }
    for_row_blocks(n, kBlockRows, used, [&](int t, std::size_t begin, std::size_t end) {
      std::vector<std::uint32_t> previous(run.labels.begin() + static_cast<std::ptrdiff_t>(begin),
                                          run.labels.begin() + static_cast<std::ptrdiff_t>(end));
      assign_block(x, begin, end, centers.view(), norms, buffers[t], run.labels.data(), dist.data());
      auto& s = sums[t];
      auto& cnt = counts[t];
      for (std::size_t r = begin; r < end; ++r) {
        const std::uint32_t label = run.labels[r];
        if (label != previous[r - begin]) ++changed[t];
        cnt[label] += 1;
        auto row = x.row(r);
        double* target = s.data() + label * d;
        for (std::size_t c = 0; c < d; ++c) target[c] += row[c];
      }
    });
    for (int t = 1; t < used; ++t) {
      for (std::size_t i = 0; i < k * d; ++i) sums[0][i] += sums[t][i];
      for (std::size_t c = 0; c < k; ++c) counts[0][c] += counts[t][c];
      changed[0] += changed[t];
    }
    run.iterations = it + 1;
    if (it > 0 && changed[0] == 0) {  // same labels as last time: the centres are already their means
      run.converged = true;
      break;
    }
    refill_empty(x, run.labels, dist, sums[0], counts[0]);
    double shift = 0;
    for (std::size_t j = 0; j < k; ++j) {
      if (counts[0][j] == 0) continue;  // fewer distinct rows than clusters: keep the centre where it is
      auto center = centers.row(j);
      for (std::size_t c = 0; c < d; ++c) {
        const float updated = static_cast<float>(sums[0][j * d + c] / counts[0][j]);
        shift += static_cast<double>(updated - center[c]) * (updated - center[c]);
        center[c] = updated;
      }
    }
    if (shift <= tol_abs) {
      run.converged = true;
      break;
    }
  }
  run.centers = std::move(centers);
  finish(x, run, options.threads);
  return run;
}

Matrix gather(MatrixView x, const std::vector<std::size_t>& rows) {
  Matrix out(rows.size(), x.cols);
  for (std::size_t i = 0; i < rows.size(); ++i) std::copy_n(x.row(rows[i]).data(), x.cols, out.row(i).data());
  return out;
}

Run minibatch(MatrixView x, const KMeansOptions& options) {
  const std::size_t n = x.rows, d = x.cols, k = static_cast<std::size_t>(options.k);
  const std::size_t batch = std::min(options.batch_size, n);
  // scikit-learn's init_size: seeding on 3 batches' worth of rows (at least 3k) is cheap and representative.
  const std::size_t init_size = std::min(n, std::max(3 * batch, 3 * k));
  Matrix best_centers;
  double best_score = std::numeric_limits<double>::infinity();
  std::uint64_t restart_state = options.seed;
  for (int init = 0; init < options.n_init; ++init) {
    core::Rng rng(core::splitmix64(restart_state));
    std::vector<std::size_t> rows(init_size);
    for (auto& r : rows) r = rng.below(static_cast<std::uint32_t>(n));
    Matrix sample = gather(x, rows);
    Matrix centers = kmeans_plus_plus(sample.view(), k, rng, options.threads);
    std::vector<std::uint32_t> labels;
    assign_all(sample.view(), centers.view(), options.threads, labels, nullptr);
    const double score = exact_inertia(sample.view(), centers, labels, options.threads);
    if (score < best_score) {
      best_score = score;
      best_centers = std::move(centers);
    }
  }

  Run run;
  Matrix centers = std::move(best_centers);
  core::Rng rng(options.seed ^ 0x6d696e6962617463ULL);  // its own stream, apart from the seeding draws
  std::vector<double> weight(k, 0.0);
  const std::size_t steps = static_cast<std::size_t>(options.max_iter) * ((n + batch - 1) / batch);
  const double alpha = std::min(1.0, 2.0 * static_cast<double>(batch) / static_cast<double>(n + 1));
  double smoothed = -1, best_smoothed = std::numeric_limits<double>::infinity();
  int no_improvement = 0;
  std::vector<std::size_t> rows(batch);
  std::vector<std::uint32_t> labels;
  std::vector<float> dist;
  for (std::size_t step = 0; step < steps; ++step) {
    for (auto& r : rows) r = rng.below(static_cast<std::uint32_t>(n));
    Matrix points = gather(x, rows);
    assign_all(points.view(), centers.view(), options.threads, labels, &dist);
    // Sculley's update: each centre moves towards each of its rows with rate 1 / (rows it has seen).
    for (std::size_t i = 0; i < batch; ++i) {
      const std::uint32_t c = labels[i];
      weight[c] += 1;
      const float eta = static_cast<float>(1.0 / weight[c]);
      auto center = centers.row(c);
      auto row = points.row(i);
      for (std::size_t j = 0; j < d; ++j) center[j] += eta * (row[j] - center[j]);
    }
    run.iterations = static_cast<int>(step + 1);
    // Stop when the smoothed batch inertia has not improved for a while (scikit-learn's early stopping).
    const double batch_inertia = std::accumulate(dist.begin(), dist.end(), 0.0) / static_cast<double>(batch);
    smoothed = smoothed < 0 ? batch_inertia : smoothed * (1 - alpha) + batch_inertia * alpha;
    if (smoothed < best_smoothed) {
      best_smoothed = smoothed;
      no_improvement = 0;
    } else if (++no_improvement >= options.max_no_improvement) {
      run.converged = true;
      break;
    }
  }
  run.centers = std::move(centers);
  finish(x, run, options.threads);
  return run;
}

}  // namespace

Status KMeansOptions::validate() const {
  auto bad = [](std::string message) { return make_error(ErrorCode::kInvalidArgument, std::move(message)); };
  if (k < 1) return bad(fmt::format("k must be at least 1, got {}", k));
  if (n_init < 1) return bad(fmt::format("n_init must be at least 1, got {}", n_init));
  if (max_iter < 1) return bad(fmt::format("max_iter must be at least 1, got {}", max_iter));
  if (!(tol >= 0)) return bad(fmt::format("tol must be >= 0, got {}", tol));
  if (batch_size < 1) return bad("batch_size must be at least 1");
  if (max_no_improvement < 1) return bad(fmt::format("max_no_improvement must be at least 1, got {}", max_no_improvement));
  if (threads < 1) return bad(fmt::format("threads must be at least 1, got {}", threads));
  return {};
}

std::string_view kmeans_algorithm_name(KMeansAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case KMeansAlgorithm::kAuto: return "auto";
    case KMeansAlgorithm::kLloyd: return "lloyd";
    case KMeansAlgorithm::kMiniBatch: return "minibatch";
  }
  return "?";
}

Expected<std::vector<std::uint32_t>> assign_to_centers(MatrixView x, MatrixView centers, int threads,
                                                       std::vector<float>* distances) {
  if (centers.rows == 0) return make_error(ErrorCode::kInvalidArgument, "no centres to assign to");
  if (x.cols != centers.cols) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("vectors have dimension {} but the centres have dimension {}", x.cols, centers.cols));
  }
  std::vector<std::uint32_t> labels;
  assign_all(x, centers, std::max(threads, 1), labels, distances);
  return labels;
}

Expected<KMeansResult> kmeans(MatrixView x, const KMeansOptions& options) {
  if (auto ok = options.validate(); !ok) return tl::unexpected(ok.error());
  if (x.rows == 0 || x.cols == 0) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("k-means needs at least one row and one column, got {} x {}", x.rows, x.cols));
  }
  if (static_cast<std::size_t>(options.k) > x.rows) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("k = {} is larger than the number of rows ({})", options.k, x.rows));
  }
  if (x.rows > std::numeric_limits<std::uint32_t>::max()) {
    return make_error(ErrorCode::kUnsupported, fmt::format("k-means takes at most 2^32 - 1 rows, got {}", x.rows));
  }
  if (auto ok = analysis_detail::check_finite(x, "k-means input"); !ok) return tl::unexpected(ok.error());

  const KMeansAlgorithm algorithm =
      options.algorithm != KMeansAlgorithm::kAuto ? options.algorithm
      : x.rows >= kKMeansMiniBatchMinRows         ? KMeansAlgorithm::kMiniBatch
                                                  : KMeansAlgorithm::kLloyd;
  Run best;
  int best_init = 0;
  if (algorithm == KMeansAlgorithm::kMiniBatch) {
    best = minibatch(x, options);  // its restarts only choose the seeding (scored on a sample)
  } else {
    // The tolerance is relative to the data's spread, so it means the same for any scale of vectors.
    const auto mean = analysis_detail::column_means(x, options.threads);
    double variance = 0;
    for (std::size_t r = 0; r < x.rows; ++r) {
      auto row = x.row(r);
      for (std::size_t c = 0; c < x.cols; ++c) variance += (row[c] - mean[c]) * (row[c] - mean[c]);
    }
    const double tol_abs = options.tol * variance / static_cast<double>(x.rows * x.cols);
    // Each restart's generator comes from a splitmix chain on the seed, not seed + restart: seeds 1 and 2 would
    // otherwise share all but one of their restarts.
    std::uint64_t restart_state = options.seed;
    for (int init = 0; init < options.n_init; ++init) {
      core::Rng rng(core::splitmix64(restart_state));
      Matrix centers = kmeans_plus_plus(x, static_cast<std::size_t>(options.k), rng, options.threads);
      Run run = lloyd(x, std::move(centers), options, tol_abs);
      if (init == 0 || run.inertia < best.inertia) {
        best = std::move(run);
        best_init = init;
      }
    }
  }
  KMeansResult result;
  result.cluster_sizes.assign(static_cast<std::size_t>(options.k), 0);
  for (auto label : best.labels) ++result.cluster_sizes[label];
  result.centers = std::move(best.centers);
  result.labels = std::move(best.labels);
  result.inertia = best.inertia;
  result.iterations = best.iterations;
  result.converged = best.converged;
  result.best_init = best_init;
  result.algorithm = algorithm;
  return result;
}

}  // namespace semspace
