#include "data.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include <fmt/format.h>

#include "core/random.hpp"
#include "io/npy.hpp"

namespace ann {
namespace {

// Box-Muller on our own generator, so the data are the same with any standard library.
class Normal {
 public:
  explicit Normal(std::uint64_t seed) : rng_(seed) {}
  float operator()() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u1;
    do u1 = (static_cast<double>(rng_.next() >> 11) + 0.5) * 0x1.0p-53; while (u1 <= 0.0);
    const double u2 = static_cast<double>(rng_.next() >> 11) * 0x1.0p-53;
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = static_cast<float>(r * std::sin(2.0 * std::numbers::pi * u2));
    has_spare_ = true;
    return static_cast<float>(r * std::cos(2.0 * std::numbers::pi * u2));
  }
  semspace::core::Rng& rng() { return rng_; }

 private:
  semspace::core::Rng rng_;
  bool has_spare_ = false;
  float spare_ = 0;
};

void write(const semspace::Matrix& m, const std::filesystem::path& path) {
  if (auto ok = semspace::io::write_npy(m.view(), path); !ok) throw std::runtime_error(ok.error().message);
}

}  // namespace

void write_clustered(const ClusteredSpec& spec, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  Normal normal(spec.seed);
  const auto dim = static_cast<std::size_t>(spec.dim);
  semspace::Matrix centres(spec.clusters, dim);
  std::vector<float> sigma(spec.clusters);
  for (int c = 0; c < spec.clusters; ++c) {
    for (auto& x : centres.row(c)) x = normal();
    sigma[c] = spec.sigma_min + (spec.sigma_max - spec.sigma_min) * normal.rng().uniform();
  }
  auto draw = [&](std::size_t rows) {
    semspace::Matrix m(rows, dim);
    for (std::size_t r = 0; r < rows; ++r) {
      const auto c = normal.rng().below(static_cast<std::uint32_t>(spec.clusters));
      auto centre = centres.row(c);
      auto row = m.row(r);
      for (std::size_t j = 0; j < dim; ++j) row[j] = centre[j] + sigma[c] * normal();
    }
    return m;
  };
  // Queries first: the base of a smaller N is then not a prefix of a larger one, but the queries of every N
  // with the same seed are identical.
  semspace::Matrix queries = draw(spec.queries);
  semspace::Matrix base = draw(spec.n);
  write(queries, dir / "queries.npy");
  write(base, dir / "base.npy");  // last: its presence marks a complete data set
}

std::size_t write_split(semspace::MatrixView all, std::size_t queries, std::uint64_t seed,
                        const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::vector<std::size_t> keep;
  for (std::size_t r = 0; r < all.rows; ++r) {
    double norm = 0;
    for (float x : all.row(r)) norm += static_cast<double>(x) * x;
    if (norm > 0) keep.push_back(r);
  }
  if (keep.size() <= queries) {
    throw std::runtime_error(fmt::format("only {} non-zero rows, need more than {} queries", keep.size(), queries));
  }
  // Partial Fisher-Yates: the first `queries` positions of a shuffled index list are the queries.
  std::vector<std::size_t> order(keep.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  semspace::core::Rng rng(seed);
  for (std::size_t i = 0; i < queries; ++i) {
    const std::size_t j = i + rng.below(static_cast<std::uint32_t>(order.size() - i));
    std::swap(order[i], order[j]);
  }
  std::vector<char> is_query(keep.size(), 0);
  for (std::size_t i = 0; i < queries; ++i) is_query[order[i]] = 1;
  semspace::Matrix q(queries, all.cols), b(keep.size() - queries, all.cols);
  std::size_t qi = 0, bi = 0;
  for (std::size_t i = 0; i < keep.size(); ++i) {
    auto src = all.row(keep[i]);
    auto dst = is_query[i] ? q.row(qi++) : b.row(bi++);
    std::copy(src.begin(), src.end(), dst.begin());
  }
  write(q, dir / "queries.npy");
  write(b, dir / "base.npy");
  return all.rows - keep.size();
}

semspace::Matrix read_matrix(const std::filesystem::path& path) {
  auto m = semspace::io::read_npy_matrix(path);
  if (!m) throw std::runtime_error(m.error().message);
  return std::move(*m);
}

void normalize_rows(semspace::Matrix& m) {
  for (std::size_t r = 0; r < m.rows(); ++r) {
    auto row = m.row(r);
    double norm = 0;
    for (float x : row) norm += static_cast<double>(x) * x;
    if (norm <= 0) continue;
    const auto scale = static_cast<float>(1.0 / std::sqrt(norm));
    for (auto& x : row) x *= scale;
  }
}

std::vector<std::int64_t> ground_truth(const std::filesystem::path& dir, const semspace::Matrix& base,
                                       const semspace::Matrix& queries, DataMetric metric, int k, int threads,
                                       bool* computed) {
  const auto path = dir / fmt::format("gt-{}-k{}.npy", metric == DataMetric::kL2 ? "l2" : "cosine", k);
  *computed = false;
  // Reused when present, not older than the base it was computed from, and of the right shape.
  if (std::filesystem::exists(path) && std::filesystem::exists(dir / "base.npy") &&
      std::filesystem::last_write_time(path) >= std::filesystem::last_write_time(dir / "base.npy")) {
    auto cached = semspace::io::read_npy_int64(path);
    if (cached && cached->size() == queries.rows() * static_cast<std::size_t>(k)) {
      // Reuse only when it still matches the base: every label in range.
      bool ok = true;
      for (auto label : *cached) ok = ok && label >= 0 && static_cast<std::size_t>(label) < base.rows();
      if (ok) return std::move(*cached);
    }
  }
  auto gt = exact_top_k(base.view(), queries.view(), metric, k, threads);
  if (auto ok = semspace::io::write_npy(std::span<const std::int64_t>(gt), path); !ok) {
    throw std::runtime_error(ok.error().message);
  }
  *computed = true;
  return gt;
}

}  // namespace ann
