// semspace's own indexes as contenders: HnswIndex (f32; sq8 with and without f32 re-ranking) and FlatIndex
// (f32, sq8). They are written on other branches; until index/hnsw_index.hpp and index/flat_index.hpp are on this
// branch the program builds and runs the anchors alone and the report says so.
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "contender.hpp"

#if __has_include("index/hnsw_index.hpp")
#define ANN_HAVE_SEMSPACE_HNSW 1
#include "index/hnsw_index.hpp"
#else
#define ANN_HAVE_SEMSPACE_HNSW 0
#endif
#if __has_include("index/flat_index.hpp")
#define ANN_HAVE_SEMSPACE_FLAT 1
#include "index/flat_index.hpp"
#else
#define ANN_HAVE_SEMSPACE_FLAT 0
#endif

namespace ann {

// One semspace HnswIndex sq8 row per HnswOptions::rerank value: -1 none, 0 auto (min(ef, 3k)), N that depth (set
// from the command line before the factory is called).
std::vector<int> g_semspace_sq8_rerank = {0};

namespace {

[[maybe_unused]] semspace::index::Metric semspace_metric(DataMetric metric) {
  return metric == DataMetric::kL2 ? semspace::index::Metric::kL2 : semspace::index::Metric::kCosine;
}

// Accepts both `unique_ptr` and `Expected<unique_ptr>` results (and Status), throwing on an error.
template <class T>
decltype(auto) unwrap(T&& value, const char* what) {
  if constexpr (requires { value.has_value(); value.error().message; }) {
    if (!value) throw std::runtime_error(std::string(what) + ": " + value.error().message);
    if constexpr (!std::is_void_v<typename std::remove_cvref_t<T>::value_type>) return std::move(*value);
  } else {
    return std::forward<T>(value);
  }
}

template <class Index>
std::size_t memory_of([[maybe_unused]] const Index& index) {
  if constexpr (requires { index.memory_bytes(); }) {
    return static_cast<std::size_t>(index.memory_bytes());
  } else {
    return 0;
  }
}

// Shared by the HNSW and flat contenders: labels are row numbers; every search goes through VectorIndex::search.
class SemspaceContender : public Contender {
 public:
  std::string family() const override { return "semspace"; }
  void reset() override { index_.reset(); }
  void set_ef(int ef) override { ef_ = ef; }
  void search_one(const float* query, int k, std::uint64_t* out) const override {
    run(semspace::MatrixView{query, 1, static_cast<std::size_t>(dim_), static_cast<std::size_t>(dim_)}, k, 1,
        nullptr, out);
  }
  bool has_batch() const override { return true; }
  void search_batch(semspace::MatrixView queries, int k, int threads, std::uint64_t* out) const override {
    run(queries, k, threads, nullptr, out);
  }
  bool has_filter() const override { return true; }
  void set_filter(const semspace::index::LabelSet* filter) override { filter_ = filter; }
  void search_one_filtered(const float* query, int k, std::uint64_t* out) const override {
    run(semspace::MatrixView{query, 1, static_cast<std::size_t>(dim_), static_cast<std::size_t>(dim_)}, k, 1,
        filter_, out);
  }

 protected:
  SemspaceContender(int dim, DataMetric metric) : dim_(dim), metric_(metric) {}
  void add_all(semspace::MatrixView base, int threads) {
    std::vector<std::uint64_t> labels(base.rows);
    std::iota(labels.begin(), labels.end(), std::uint64_t{0});
    unwrap(index_->add(labels, base, threads), "semspace add");
  }
  void run(semspace::MatrixView queries, int k, int threads, const semspace::index::LabelSet* filter,
           std::uint64_t* out) const {
    semspace::index::SearchParams params;
    params.k = k;
    params.ef = ef_;
    params.filter = filter;
    params.threads = threads;
    auto results = unwrap(index_->search(queries, params), "semspace search");
    for (std::size_t q = 0; q < queries.rows; ++q) {
      auto labels = results.labels_of(q);
      for (int i = 0; i < k; ++i) {
        out[q * k + i] = static_cast<std::size_t>(i) < labels.size() ? labels[i] : ~std::uint64_t{0};
      }
    }
  }

  int dim_;
  DataMetric metric_;
  int ef_ = 0;
  const semspace::index::LabelSet* filter_ = nullptr;
  std::unique_ptr<semspace::index::VectorIndex> index_;
  std::size_t structure_ = 0;
};

#if ANN_HAVE_SEMSPACE_HNSW
class SemspaceHnsw final : public SemspaceContender {
 public:
  SemspaceHnsw(int dim, DataMetric metric, GraphSettings s, bool sq8, int rerank)
      : SemspaceContender(dim, metric), s_(s), sq8_(sq8), rerank_(rerank) {}
  std::string name() const override {
    if (!sq8_) return "semspace HnswIndex f32";
    if (rerank_ < 0) return "semspace HnswIndex sq8";  // no re-ranking: the codes' order and scores
    return "semspace HnswIndex sq8 rerank " + (rerank_ == 0 ? std::string("auto") : std::to_string(rerank_));
  }
  bool is_graph() const override { return true; }
  std::string note() const override {
    return "M " + std::to_string(s_.m) + ", ef_construction " + std::to_string(s_.ef_construction) +
           (!sq8_ ? std::string(", f32")
                  : ", sq8, rerank " + (rerank_ < 0 ? std::string("none") : rerank_ == 0 ? "auto (min(ef, 3k))"
                                                                                            : std::to_string(rerank_)) +
                        "; heap and RSS include the f32 originals (dim x 4 B/vector), built in memory here, which "
                        "HnswIndex::load leaves in the file mapping");
  }
  void build(semspace::MatrixView base, int threads) override {
    reset();
    semspace::index::HnswOptions options;
    options.m = s_.m;
    options.ef_construction = s_.ef_construction;
    options.sq8 = sq8_;
    options.rerank = rerank_;
    options.seed = s_.seed;
    auto index = unwrap(semspace::index::HnswIndex::create(dim_, semspace_metric(metric_), options),
                        "HnswIndex::create");
    index_ = std::move(index);
    add_all(base, threads);
    structure_ = memory_of(static_cast<const semspace::index::HnswIndex&>(*index_));
  }
  std::size_t structure_bytes() const override { return structure_; }

 private:
  GraphSettings s_;
  bool sq8_;
  int rerank_;
};
#endif

#if ANN_HAVE_SEMSPACE_FLAT
class SemspaceFlat final : public SemspaceContender {
 public:
  SemspaceFlat(int dim, DataMetric metric, bool sq8) : SemspaceContender(dim, metric), sq8_(sq8) {}
  std::string name() const override { return sq8_ ? "semspace FlatIndex sq8" : "semspace FlatIndex f32"; }
  bool is_graph() const override { return false; }
  void build(semspace::MatrixView base, int threads) override {
    reset();
    auto storage = sq8_ ? semspace::index::FlatStorage::kSq8 : semspace::index::FlatStorage::kF32;
    auto index = unwrap(semspace::index::FlatIndex::create(dim_, semspace_metric(metric_), storage),
                        "FlatIndex::create");
    index_ = std::move(index);
    add_all(base, threads);
    structure_ = memory_of(static_cast<const semspace::index::FlatIndex&>(*index_));
  }
  std::size_t structure_bytes() const override { return structure_; }

 private:
  bool sq8_;
};
#endif

}  // namespace

std::vector<std::unique_ptr<Contender>> make_semspace_contenders([[maybe_unused]] int dim,
                                                                 [[maybe_unused]] DataMetric metric,
                                                                 [[maybe_unused]] const GraphSettings& s) {
  std::vector<std::unique_ptr<Contender>> out;
#if ANN_HAVE_SEMSPACE_HNSW
  out.push_back(std::make_unique<SemspaceHnsw>(dim, metric, s, false, 0));
  for (int rerank : g_semspace_sq8_rerank) out.push_back(std::make_unique<SemspaceHnsw>(dim, metric, s, true, rerank));
#endif
#if ANN_HAVE_SEMSPACE_FLAT
  out.push_back(std::make_unique<SemspaceFlat>(dim, metric, false));
  out.push_back(std::make_unique<SemspaceFlat>(dim, metric, true));
#endif
  return out;
}

std::string semspace_missing_reason() {
  std::string missing;
#if !ANN_HAVE_SEMSPACE_HNSW
  missing += "index/hnsw_index.hpp";
#endif
#if !ANN_HAVE_SEMSPACE_FLAT
  missing += missing.empty() ? "index/flat_index.hpp" : " and index/flat_index.hpp";
#endif
  return missing.empty() ? "" : "semspace contenders not built: " + missing + " not on this branch yet";
}

}  // namespace ann
