// FAISS 1.7.3 (Debian libfaiss-dev: a prebuilt static library, "OPTIMIZE GENERIC", i.e. no AVX2 kernels) as
// contenders: IndexHNSWFlat, IndexHNSWSQ (QT_8bit) and the exact IndexFlatL2 / IndexFlatIP. Cosine data is unit
// vectors with the inner-product metric. Threads: FAISS parallelises with OpenMP, so builds and batch searches
// set omp_set_num_threads(threads); one-query-per-call searches run on our threads with one OpenMP thread each.
#include <omp.h>

#include <faiss/IndexFlat.h>
#include <faiss/IndexFlatCodes.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexScalarQuantizer.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/utils/utils.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "contender.hpp"

namespace ann {
namespace {

using faiss_idx = faiss::Index::idx_t;  // 1.7.3 spelling (faiss::idx_t arrived in 1.7.4)

faiss::MetricType faiss_metric(DataMetric metric) {
  return metric == DataMetric::kL2 ? faiss::METRIC_L2 : faiss::METRIC_INNER_PRODUCT;
}

void copy_labels(const faiss_idx* in, int k, std::uint64_t* out) {
  for (int i = 0; i < k; ++i) out[i] = in[i] < 0 ? ~std::uint64_t{0} : static_cast<std::uint64_t>(in[i]);
}

std::size_t codes_bytes(const faiss::Index* index) {
  if (const auto* flat = dynamic_cast<const faiss::IndexFlatCodes*>(index)) return flat->codes.size();
  return 0;
}

enum class Kind { kHnswFlat, kHnswSq8, kFlat, kFlatSq8 };

class FaissContender final : public Contender {
 public:
  FaissContender(Kind kind, int dim, DataMetric metric, GraphSettings s)
      : kind_(kind), dim_(dim), metric_(metric), s_(s) {}

  std::string name() const override {
    switch (kind_) {
      case Kind::kHnswFlat: return "FAISS IndexHNSWFlat";
      case Kind::kHnswSq8: return "FAISS IndexHNSWSQ (QT_8bit)";
      case Kind::kFlat: return metric_ == DataMetric::kL2 ? "FAISS IndexFlatL2" : "FAISS IndexFlatIP";
      case Kind::kFlatSq8: return "FAISS IndexScalarQuantizer (QT_8bit)";
    }
    return "?";
  }
  std::string family() const override { return "faiss"; }
  bool is_graph() const override { return kind_ == Kind::kHnswFlat || kind_ == Kind::kHnswSq8; }
  std::string note() const override {
    std::string n = "FAISS 1.7.3 (" + faiss::get_compile_options() + ")";
    if (kind_ == Kind::kFlatSq8) n += ", exact scan of 8-bit codes, SQ trained on the base vectors";
    if (is_graph()) {
      n += ", M " + std::to_string(s_.m) + ", efConstruction " + std::to_string(s_.ef_construction);
      if (kind_ == Kind::kHnswSq8) n += ", SQ trained on the base vectors (train time counted in build)";
    }
    return n;
  }

  void build(semspace::MatrixView base, int threads) override {
    reset();
    omp_set_num_threads(threads);
    const auto metric = faiss_metric(metric_);
    switch (kind_) {
      case Kind::kHnswFlat: {
        auto index = std::make_unique<faiss::IndexHNSWFlat>(dim_, s_.m, metric);
        index->hnsw.efConstruction = s_.ef_construction;
        index_ = std::move(index);
        break;
      }
      case Kind::kHnswSq8: {
        auto index = std::make_unique<faiss::IndexHNSWSQ>(dim_, faiss::ScalarQuantizer::QT_8bit, s_.m, metric);
        index->hnsw.efConstruction = s_.ef_construction;
        index_ = std::move(index);
        break;
      }
      case Kind::kFlat: index_ = std::make_unique<faiss::IndexFlat>(dim_, metric); break;
      case Kind::kFlatSq8:
        index_ = std::make_unique<faiss::IndexScalarQuantizer>(dim_, faiss::ScalarQuantizer::QT_8bit, metric);
        break;
    }
    if (base.stride != base.cols) throw std::runtime_error("faiss contender needs contiguous rows");
    if (!index_->is_trained) index_->train(static_cast<faiss_idx>(base.rows), base.data);
    index_->add(static_cast<faiss_idx>(base.rows), base.data);
  }
  void reset() override {
    selector_.reset();
    index_.reset();
  }
  void set_ef(int ef) override {
    ef_ = ef;
    if (auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(index_.get())) hnsw->hnsw.efSearch = ef;
  }
  void thread_init() const override { omp_set_num_threads(1); }
  void search_one(const float* query, int k, std::uint64_t* out) const override {
    std::vector<float> distances(k);
    std::vector<faiss_idx> labels(k);
    index_->search(1, query, k, distances.data(), labels.data());
    copy_labels(labels.data(), k, out);
  }
  bool has_batch() const override { return true; }
  void search_batch(semspace::MatrixView queries, int k, int threads, std::uint64_t* out) const override {
    omp_set_num_threads(threads);
    std::vector<float> distances(queries.rows * k);
    std::vector<faiss_idx> labels(queries.rows * k);
    index_->search(static_cast<faiss_idx>(queries.rows), queries.data, k, distances.data(), labels.data());
    copy_labels(labels.data(), static_cast<int>(queries.rows) * k, out);
  }
  std::size_t structure_bytes() const override {
    if (!is_graph()) return codes_bytes(index_.get());
    const auto* index = dynamic_cast<const faiss::IndexHNSW*>(index_.get());
    const std::size_t storage = codes_bytes(index->storage);
    if (storage == 0) return 0;
    const auto& h = index->hnsw;
    return storage + h.neighbors.size() * sizeof(h.neighbors[0]) + h.levels.size() * sizeof(h.levels[0]) +
           h.offsets.size() * sizeof(h.offsets[0]);
  }
  // Filtered search through SearchParametersHNSW::sel (FAISS 1.7.3); the harness checks that every returned label
  // passes, and reports it when the library ignored the selector.
  bool has_filter() const override { return is_graph(); }
  void set_filter(const semspace::index::LabelSet* filter) override {
    selector_.reset();
    if (filter == nullptr) return;
    const std::size_t n = index_->ntotal;
    bitmap_.assign((n + 7) / 8, 0);
    for (std::uint64_t label : filter->labels()) {
      if (label < n) bitmap_[label / 8] |= static_cast<std::uint8_t>(1u << (label % 8));
    }
    selector_ = std::make_unique<faiss::IDSelectorBitmap>(n, bitmap_.data());
  }
  void search_one_filtered(const float* query, int k, std::uint64_t* out) const override {
    faiss::SearchParametersHNSW params;
    params.efSearch = ef_;
    params.sel = selector_.get();
    std::vector<float> distances(k);
    std::vector<faiss_idx> labels(k);
    index_->search(1, query, k, distances.data(), labels.data(), &params);
    copy_labels(labels.data(), k, out);
  }

 private:
  Kind kind_;
  int dim_;
  DataMetric metric_;
  GraphSettings s_;
  int ef_ = 16;
  std::unique_ptr<faiss::Index> index_;
  std::vector<std::uint8_t> bitmap_;
  std::unique_ptr<faiss::IDSelectorBitmap> selector_;
};

}  // namespace

std::vector<std::unique_ptr<Contender>> make_faiss_contenders(int dim, DataMetric metric, const GraphSettings& s) {
  std::vector<std::unique_ptr<Contender>> out;
  out.push_back(std::make_unique<FaissContender>(Kind::kHnswFlat, dim, metric, s));
  out.push_back(std::make_unique<FaissContender>(Kind::kHnswSq8, dim, metric, s));
  out.push_back(std::make_unique<FaissContender>(Kind::kFlat, dim, metric, s));
  out.push_back(std::make_unique<FaissContender>(Kind::kFlatSq8, dim, metric, s));
  return out;
}

std::vector<std::int64_t> exact_top_k(semspace::MatrixView base, semspace::MatrixView queries, DataMetric metric,
                                      int k, int threads) {
  omp_set_num_threads(threads);
  faiss::IndexFlat index(static_cast<faiss_idx>(base.cols), faiss_metric(metric));
  index.add(static_cast<faiss_idx>(base.rows), base.data);
  std::vector<float> distances(queries.rows * k);
  std::vector<faiss_idx> labels(queries.rows * k);
  index.search(static_cast<faiss_idx>(queries.rows), queries.data, k, distances.data(), labels.data());
  return {labels.begin(), labels.end()};
}

std::string faiss_compile_options() { return faiss::get_compile_options(); }

}  // namespace ann
