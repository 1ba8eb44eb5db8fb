#include "analysis/cluster_quality.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

#include <fmt/format.h>

#include "analysis/row_blocks.hpp"
#include "core/kernels/distance.hpp"
#include "core/random.hpp"

namespace semspace {
namespace {

using analysis_detail::for_row_blocks;
using analysis_detail::threads_for;

constexpr std::size_t kBlockRows = 256;
// |a - b|^2 = |a|^2 + |b|^2 - 2 a.b loses digits when the distance is small next to the norms; pairs closer
// than this fraction of |a|^2 + |b|^2 are recomputed directly. With the rows centred first this is mostly
// pairs inside a tight cluster far from the mean, and it keeps each distance within about 1e-6 relative.
constexpr float kRecomputeBelow = 1.0f / 32;

}  // namespace

Expected<SilhouetteResult> silhouette_score(MatrixView x, std::span<const std::uint32_t> labels,
                                            const SilhouetteOptions& options) {
  if (labels.size() != x.rows) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{} labels for {} rows: silhouette needs one label per row", labels.size(), x.rows));
  }
  if (options.sample_size < 2) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("silhouette sample_size must be at least 2, got {}", options.sample_size));
  }
  if (auto ok = analysis_detail::check_finite(x, "silhouette input"); !ok) return tl::unexpected(ok.error());
  SilhouetteResult result;
  std::vector<std::size_t> rows(x.rows);
  std::iota(rows.begin(), rows.end(), 0);
  if (x.rows > options.max_exact_rows && options.sample_size < x.rows) {
    // Partial Fisher-Yates: a uniform sample without replacement, fixed by the seed.
    core::Rng rng(options.seed);
    for (std::size_t i = 0; i < options.sample_size; ++i) {
      const std::size_t j = i + rng.below(static_cast<std::uint32_t>(x.rows - i));
      std::swap(rows[i], rows[j]);
    }
    rows.resize(options.sample_size);
    result.sampled = true;
  }
  const std::size_t m = rows.size(), d = x.cols;
  result.rows_used = m;

  // Dense cluster ids among the rows used.
  std::unordered_map<std::uint32_t, std::uint32_t> dense;
  std::vector<std::uint32_t> cluster(m);
  for (std::size_t i = 0; i < m; ++i) {
    auto [it, inserted] = dense.try_emplace(labels[rows[i]], static_cast<std::uint32_t>(dense.size()));
    cluster[i] = it->second;
  }
  const std::size_t clusters = dense.size();
  if (clusters < 2 || clusters + 1 > m) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("the silhouette needs between 2 and n - 1 clusters; the {} rows{} fall into {}", m,
                                  result.sampled ? " sampled" : "", clusters));
  }
  std::vector<double> sizes(clusters, 0.0);
  for (auto c : cluster) sizes[c] += 1;

  // Centred copy: distances do not change, and the smaller norms make the GEMM expansion more accurate.
  std::vector<double> mean(d, 0.0);
  for (std::size_t i = 0; i < m; ++i) {
    auto row = x.row(rows[i]);
    for (std::size_t c = 0; c < d; ++c) mean[c] += row[c];
  }
  for (auto& v : mean) v /= static_cast<double>(m);
  Matrix centred(m, d);
  for (std::size_t i = 0; i < m; ++i) {
    auto row = x.row(rows[i]);
    for (std::size_t c = 0; c < d; ++c) centred.row(i)[c] = static_cast<float>(row[c] - mean[c]);
  }
  std::vector<float> norms(m);
  for (std::size_t i = 0; i < m; ++i) norms[i] = kernels::dot_f32(centred.row(i).data(), centred.row(i).data(), d);

  const int used = threads_for(m, kBlockRows, options.threads);
  std::vector<std::vector<float>> buffers(used);
  std::vector<std::vector<double>> per_cluster(used);
  std::vector<double> score(m, 0.0);
  const MatrixView all = centred.view();
  for_row_blocks(m, kBlockRows, used, [&](int t, std::size_t begin, std::size_t end) {
    auto& buf = buffers[t];
    auto& sums = per_cluster[t];
    buf.resize(kBlockRows * m);
    const MatrixView block{centred.data() + begin * d, end - begin, d, d};
    kernels::dot_f32_gemm(block, all, buf.data(), m);
    for (std::size_t i = begin; i < end; ++i) {
      sums.assign(clusters, 0.0);
      const float* dots = buf.data() + (i - begin) * m;
      for (std::size_t j = 0; j < m; ++j) {
        if (j == i) continue;
        const float scale = norms[i] + norms[j];
        float d2 = scale - 2 * dots[j];
        if (d2 < kRecomputeBelow * scale) d2 = kernels::l2sq_f32(centred.row(i).data(), centred.row(j).data(), d);
        sums[cluster[j]] += std::sqrt(std::max(0.0f, d2));
      }
      const std::uint32_t own = cluster[i];
      if (sizes[own] <= 1) continue;  // alone in its cluster: 0 by definition
      const double a = sums[own] / (sizes[own] - 1);
      double b = std::numeric_limits<double>::infinity();
      for (std::size_t c = 0; c < clusters; ++c) {
        if (c != own) b = std::min(b, sums[c] / sizes[c]);
      }
      const double denominator = std::max(a, b);
      score[i] = denominator > 0 ? (b - a) / denominator : 0.0;
    }
  });
  result.score = std::accumulate(score.begin(), score.end(), 0.0) / static_cast<double>(m);
  return result;
}

Expected<double> cluster_purity(std::span<const std::uint32_t> clusters, std::span<const std::string> classes) {
  if (clusters.size() != classes.size()) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{} cluster labels but {} class labels: purity needs one of each per row",
                                  clusters.size(), classes.size()));
  }
  if (clusters.empty()) return make_error(ErrorCode::kInvalidArgument, "purity of an empty clustering is undefined");
  std::unordered_map<std::string_view, std::uint64_t> class_ids;
  std::unordered_map<std::uint64_t, std::size_t> joint;  // (cluster << 32 | class) -> rows
  for (std::size_t i = 0; i < clusters.size(); ++i) {
    auto [it, inserted] = class_ids.try_emplace(classes[i], class_ids.size());
    ++joint[(static_cast<std::uint64_t>(clusters[i]) << 32) | it->second];
  }
  std::unordered_map<std::uint32_t, std::size_t> majority;
  for (const auto& [key, count] : joint) {
    auto& best = majority[static_cast<std::uint32_t>(key >> 32)];
    best = std::max(best, count);
  }
  std::size_t agree = 0;
  for (const auto& [cluster, count] : majority) agree += count;
  return static_cast<double>(agree) / static_cast<double>(clusters.size());
}

}  // namespace semspace
