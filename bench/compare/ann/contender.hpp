// One nearest-neighbour library behind a small interface, so the harness (measure.cpp) times every contender
// the same way. Labels are row numbers of the base matrix. Each library lives in its own translation unit;
// hnswlib.h defines non-inline functions, so exactly one TU per hnswlib variant includes it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "index/vector_index.hpp"
#include "semspace/matrix.hpp"

namespace ann {

enum class DataMetric { kL2, kCosine };  // cosine data is unit-normalised before it reaches a contender

class Contender {
 public:
  virtual ~Contender() = default;
  /// Row label in the report, e.g. "hnswlib HierarchicalNSW" or "semspace HnswIndex sq8".
  virtual std::string name() const = 0;
  /// Which library the row belongs to: "semspace", "hnswlib", "hnswlib-native", "faiss".
  virtual std::string family() const = 0;
  /// Graph indexes have an ef; exact ones ignore it.
  virtual bool is_graph() const = 0;
  /// Builds from scratch on `threads` threads, replacing any previous index. Throws on failure.
  virtual void build(semspace::MatrixView base, int threads) = 0;
  /// Frees the index.
  virtual void reset() = 0;
  /// Search-time candidate list size for the following searches; never called during a search.
  virtual void set_ef(int ef) = 0;
  /// Called once on each search thread before its first query (FAISS: one OpenMP thread per caller).
  virtual void thread_init() const {}
  /// One query, the k best labels into out[0..k), best first (unused slots ~0). Thread-safe.
  virtual void search_one(const float* query, int k, std::uint64_t* out) const = 0;
  /// Whether the library has its own multi-query call (FAISS search(n, ...), semspace search(queries, ...)).
  virtual bool has_batch() const { return false; }
  /// All queries in one call on `threads` threads; out is queries.rows x k.
  virtual void search_batch(semspace::MatrixView /*queries*/, int /*k*/, int /*threads*/,
                            std::uint64_t* /*out*/) const {}
  /// Bytes of the index's own data structures computed from its layout, or 0 when the library does not expose
  /// enough to count them.
  virtual std::size_t structure_bytes() const { return 0; }
  /// Filtered search: set_filter (never during a search) names the labels that may be returned; then
  /// search_one_filtered answers like search_one under that filter. Thread-safe.
  virtual bool has_filter() const { return false; }
  virtual void set_filter(const semspace::index::LabelSet* /*filter*/) {}
  virtual void search_one_filtered(const float* /*query*/, int /*k*/, std::uint64_t* /*out*/) const {}
  /// Free-text note for the report (settings, caveats).
  virtual std::string note() const { return ""; }
};

struct GraphSettings {
  int m = 16;
  int ef_construction = 200;
  std::uint64_t seed = 42;
};

// Factories; each returns an empty vector when the library is not compiled in.
std::vector<std::unique_ptr<Contender>> make_hnswlib_contenders(int dim, DataMetric metric, const GraphSettings& s);
std::vector<std::unique_ptr<Contender>> make_hnswlib_native_contenders(int dim, DataMetric metric,
                                                                       const GraphSettings& s);
std::vector<std::unique_ptr<Contender>> make_faiss_contenders(int dim, DataMetric metric, const GraphSettings& s);
std::vector<std::unique_ptr<Contender>> make_semspace_contenders(int dim, DataMetric metric, const GraphSettings& s);
/// Why the semspace contenders are missing ("" when present).
std::string semspace_missing_reason();

/// FAISS exact top-k (IndexFlatL2 / IndexFlatIP) of `queries` against `base` on `threads` threads;
/// nq x k row numbers. Used for the ground truth.
std::vector<std::int64_t> exact_top_k(semspace::MatrixView base, semspace::MatrixView queries, DataMetric metric,
                                      int k, int threads);
std::string faiss_compile_options();

}  // namespace ann
