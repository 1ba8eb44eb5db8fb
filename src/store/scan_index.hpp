// ScanIndex: a minimal exact VectorIndex (a scan of every live vector) that collections use until FlatIndex and
// HnswIndex land in src/index; then derived_index.cpp's make_collection_index() switches to them in one line.
// Kept deliberately small: single-threaded, f32 only, the file format below with an XXH3 checksum.
//
// File: "SSSCAN01" | u32 dim | u32 metric (0 l2, 1 cosine, 2 dot) | u64 count | u64 labels[count] |
//       f32 vectors[count][dim] (normalised for cosine) | u64 XXH3-64 of everything before it. Little-endian.
#pragma once

#include <unordered_map>

#include "index/vector_index.hpp"

namespace semspace::store {

class ScanIndex final : public index::VectorIndex {
 public:
  static constexpr char kMagic[9] = "SSSCAN01";

  static std::unique_ptr<ScanIndex> create(int dim, index::Metric metric);
  /// kCorrupt naming the file and what is wrong (magic, size, checksum, values); kIo when it cannot be read.
  static Expected<std::unique_ptr<ScanIndex>> load(const std::filesystem::path& path);
  /// The same checks on bytes in memory (the fuzz target's entry point).
  static Expected<std::unique_ptr<ScanIndex>> parse(std::span<const std::byte> bytes, const std::string& name);

  int dim() const noexcept override { return dim_; }
  index::Metric metric() const noexcept override { return metric_; }
  std::size_t size() const noexcept override { return labels_.size(); }
  Status add(std::span<const std::uint64_t> labels, MatrixView vectors, int threads = 1) override;
  Status remove(std::span<const std::uint64_t> labels) override;
  bool contains(std::uint64_t label) const noexcept override { return rows_.contains(label); }
  Expected<index::SearchResults> search(MatrixView queries, const index::SearchParams& params) const override;
  Status save(const std::filesystem::path& path) const override;

 private:
  ScanIndex(int dim, index::Metric metric) : dim_(dim), metric_(metric) {}
  float score(const float* query, std::size_t row) const noexcept;

  int dim_;
  index::Metric metric_;
  std::vector<std::uint64_t> labels_;                  // row -> label
  std::vector<float> vectors_;                         // row-major, normalised for cosine
  std::unordered_map<std::uint64_t, std::size_t> rows_;  // label -> row
};

}  // namespace semspace::store
