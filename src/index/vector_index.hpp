// VectorIndex: the interface every nearest-neighbour index implements (in the spirit of faiss::Index).
// An index maps 64-bit labels to vectors of one dimension under one metric and answers top-k queries,
// optionally restricted to a LabelSet. Scores are "higher is nearer" for every metric: dot and cosine are
// similarities, l2 scores are negative squared distances.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace::index {

enum class Metric { kL2, kCosine, kDot };
std::string_view metric_name(Metric metric) noexcept;  // "l2" | "cosine" | "dot"
Expected<Metric> parse_metric(std::string_view name);   // kInvalidArgument naming the accepted values

/// The labels a filtered search may return, with its exact size so an index can plan (graph search with
/// the filter, or an exact scan of the passing points when they are few). Immutable; thread-safe.
class LabelSet {
 public:
  explicit LabelSet(std::vector<std::uint64_t> labels);  // any order; duplicates removed
  bool contains(std::uint64_t label) const noexcept;
  std::size_t size() const noexcept { return labels_.size(); }
  std::span<const std::uint64_t> labels() const noexcept { return labels_; }  // ascending
  /// Unique per constructed set (copies share it, as they share the contents): lets an index reuse what it
  /// derived from this set across searches, as a FAISS IDSelector is prepared once and used for many queries.
  std::uint64_t serial() const noexcept { return serial_; }

 private:
  std::vector<std::uint64_t> labels_;
  std::uint64_t serial_ = 0;
  std::vector<std::uint64_t> bits_;  // dense bitmap over [0, max label] when that is not much larger
};

inline constexpr std::uint64_t kNoLabel = std::numeric_limits<std::uint64_t>::max();

struct SearchParams {
  int k = 10;
  int ef = 0;                         // HNSW candidate list size; 0 = the index's default (max(k, 64))
  const LabelSet* filter = nullptr;   // null = every point
  int threads = 1;                    // queries are split over this many threads
};

/// nq x k results, row-major, best first; a row with fewer than k matches is padded with kNoLabel and -inf.
struct SearchResults {
  std::size_t nq = 0, k = 0;
  std::vector<std::uint64_t> labels;
  std::vector<float> scores;
  std::span<const std::uint64_t> labels_of(std::size_t q) const { return {labels.data() + q * k, k}; }
  std::span<const float> scores_of(std::size_t q) const { return {scores.data() + q * k, k}; }
};

class VectorIndex {
 public:
  virtual ~VectorIndex() = default;
  virtual int dim() const noexcept = 0;
  virtual Metric metric() const noexcept = 0;
  /// Live points (removed ones not counted).
  virtual std::size_t size() const noexcept = 0;
  /// Adds vectors.rows() points; a label already present is replaced (upsert). Rejects a dimension mismatch
  /// and non-finite values with kInvalidArgument naming the row, leaving the index unchanged.
  virtual Status add(std::span<const std::uint64_t> labels, MatrixView vectors, int threads = 1) = 0;
  /// Removes the labels that are present; absent ones are ignored.
  virtual Status remove(std::span<const std::uint64_t> labels) = 0;
  virtual bool contains(std::uint64_t label) const noexcept = 0;
  virtual Expected<SearchResults> search(MatrixView queries, const SearchParams& params) const = 0;
  /// Writes atomically (temporary file + rename), with a checksum.
  virtual Status save(const std::filesystem::path& path) const = 0;
};

/// Opens an index saved by any VectorIndex::save (memory-mapped where the format allows), checking its
/// header and checksum: kCorrupt naming the file and what is wrong.
Expected<std::unique_ptr<VectorIndex>> load_index(const std::filesystem::path& path);

}  // namespace semspace::index
