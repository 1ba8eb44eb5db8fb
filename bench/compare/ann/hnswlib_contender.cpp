// hnswlib 0.6.2 (Debian libhnswlib-dev, header-only) as a contender: HierarchicalNSW with L2Space, or
// InnerProductSpace on unit vectors for cosine data. Compiled with the project's flags (so hnswlib picks its
// SSE code path: it selects SIMD at compile time from __AVX__/__SSE__), and, when hnswlib_native_contender.cpp
// includes this file with ANN_HNSWLIB_VARIANT_NATIVE, a second time with -march=native (its AVX path).
#include <cpuid.h>
#include <x86intrin.h>

#include <atomic>
#include <memory>
#include <queue>

#include "contender.hpp"
#include "core/threads.hpp"

#ifdef ANN_HNSWLIB_VARIANT_NATIVE
// hnswlib.h defines non-inline functions and class templates; rename them so both variants link into one program.
#define hnswlib hnswlib_native
#define cpuid ann_hnswlib_native_cpuid
#define xgetbv ann_hnswlib_native_xgetbv
#define AVXCapable ann_hnswlib_native_avx_capable
#define AVX512Capable ann_hnswlib_native_avx512_capable
#define ANN_VARIANT_NS hnswlib_native_contender
#define ANN_FACTORY make_hnswlib_native_contenders
#define ANN_FAMILY "hnswlib-native"
#define ANN_NAME_SUFFIX " (-march=native)"
#else
#define ANN_VARIANT_NS hnswlib_contender
#define ANN_FACTORY make_hnswlib_contenders
#define ANN_FAMILY "hnswlib"
#define ANN_NAME_SUFFIX ""
#endif
#include <hnswlib/hnswlib.h>

namespace ann {
namespace ANN_VARIANT_NS {
namespace {

const char* simd_path() {
#if defined(USE_AVX512)
  return "AVX-512";
#elif defined(USE_AVX)
  return "AVX";
#elif defined(USE_SSE)
  return "SSE";
#else
  return "scalar";
#endif
}

class HnswlibContender final : public Contender {
 public:
  HnswlibContender(int dim, DataMetric metric, GraphSettings s) : dim_(dim), metric_(metric), s_(s) {}
  std::string name() const override { return std::string("hnswlib HierarchicalNSW") + ANN_NAME_SUFFIX; }
  std::string family() const override { return ANN_FAMILY; }
  bool is_graph() const override { return true; }
  std::string note() const override {
    return std::string("hnswlib 0.6.2, ") + simd_path() + " distance code, " +
           (metric_ == DataMetric::kL2 ? "L2Space" : "InnerProductSpace on unit vectors") +
           ", M " + std::to_string(s_.m) + ", ef_construction " + std::to_string(s_.ef_construction) +
           "; parallel build = our threads calling addPoint";
  }

  void build(semspace::MatrixView base, int threads) override {
    reset();
    if (metric_ == DataMetric::kL2) {
      space_ = std::make_unique<hnswlib::L2Space>(dim_);
    } else {
      space_ = std::make_unique<hnswlib::InnerProductSpace>(dim_);
    }
    index_ = std::make_unique<hnswlib::HierarchicalNSW<float>>(space_.get(), base.rows, s_.m, s_.ef_construction,
                                                               s_.seed);
    if (base.rows == 0) return;
    index_->addPoint(base.data, 0);  // the entry point first, as hnswlib's own Python binding does
    std::atomic<std::size_t> next{1};
    semspace::core::run_threads(threads, [&](int) {
      for (std::size_t r; (r = next.fetch_add(1)) < base.rows;) index_->addPoint(base.data + r * base.stride, r);
    });
  }
  void reset() override {
    index_.reset();
    space_.reset();
  }
  void set_ef(int ef) override { index_->setEf(ef); }
  void search_one(const float* query, int k, std::uint64_t* out) const override {
    auto top = index_->searchKnn(query, k);  // worst first
    for (int i = k - 1; i >= 0; --i) {
      if (top.empty()) {
        out[i] = ~std::uint64_t{0};
        continue;
      }
      out[i] = top.top().second;
      top.pop();
    }
    // fewer than k found: shift the found ones to the front
    int found = 0;
    for (int i = 0; i < k; ++i) if (out[i] != ~std::uint64_t{0}) out[found++] = out[i];
    for (int i = found; i < k; ++i) out[i] = ~std::uint64_t{0};
  }
  std::size_t structure_bytes() const override {
    // Level-0 block (links + vector + label per element), upper-level link lists, the per-element pointer, level
    // and lock arrays. Not counted: the label -> id hash map and the visited-list pool.
    const auto& h = *index_;
    std::size_t bytes = h.max_elements_ * h.size_data_per_element_;
    for (std::size_t i = 0; i < h.cur_element_count; ++i) {
      if (h.element_levels_[i] > 0) bytes += h.size_links_per_element_ * h.element_levels_[i];
    }
    bytes += h.max_elements_ * (sizeof(void*) + sizeof(int) + sizeof(std::mutex));
    return bytes;
  }

 private:
  int dim_;
  DataMetric metric_;
  GraphSettings s_;
  std::unique_ptr<hnswlib::SpaceInterface<float>> space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> index_;
};

}  // namespace
}  // namespace ANN_VARIANT_NS

std::vector<std::unique_ptr<Contender>> ANN_FACTORY(int dim, DataMetric metric, const GraphSettings& s) {
  std::vector<std::unique_ptr<Contender>> out;
  out.push_back(std::make_unique<ANN_VARIANT_NS::HnswlibContender>(dim, metric, s));
  return out;
}

}  // namespace ann
