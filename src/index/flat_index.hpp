// FlatIndex: exact nearest-neighbour search by scanning every stored vector (f32, or SQ8 codes).
// Storage stays dense: remove() moves the last point into the hole, so a scan never skips tombstones.
// Many queries against f32 storage are scored as matrix products (blocks of queries x blocks of rows through
// sgemm), then reduced to top-k per query; a single query on a large base is split across threads by rows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "index/sq8.hpp"
#include "index/vector_index.hpp"

namespace semspace::index {

enum class FlatStorage { kF32, kSq8 };

class FlatIndex final : public VectorIndex {
 public:
  /// The first 8 bytes of every file save() writes (load_index dispatches on it).
  static constexpr std::string_view kMagic = "SSFLAT01";
  static constexpr std::uint32_t kFormatVersion = 1;

  /// kInvalidArgument for dim outside [1, 65536].
  static Expected<std::unique_ptr<FlatIndex>> create(int dim, Metric metric, FlatStorage storage = FlatStorage::kF32);
  /// Reads a file written by save(); kCorrupt naming the file and the field when it is truncated, fails its
  /// checksum or says something impossible; kIo when it cannot be read.
  static Expected<std::unique_ptr<FlatIndex>> load(const std::filesystem::path& path);

  /// SQ8 only: trains the codec on a sample (normalised first for cosine) before any add; otherwise the first
  /// add() trains it on its own vectors. kInvalidArgument for f32 storage or once points are stored.
  Status train(MatrixView sample);

  int dim() const noexcept override { return dim_; }
  Metric metric() const noexcept override { return metric_; }
  FlatStorage storage() const noexcept { return storage_; }
  const Sq8Codec* codec() const noexcept { return codec_ ? &*codec_ : nullptr; }
  std::size_t size() const noexcept override { return labels_.size(); }

  Status add(std::span<const std::uint64_t> labels, MatrixView vectors, int threads = 1) override;
  Status remove(std::span<const std::uint64_t> labels) override;
  bool contains(std::uint64_t label) const noexcept override { return slot_of_.contains(label); }
  Expected<SearchResults> search(MatrixView queries, const SearchParams& params) const override;
  Status save(const std::filesystem::path& path) const override;

 private:
  FlatIndex(int dim, Metric metric, FlatStorage storage) : dim_(dim), metric_(metric), storage_(storage) {}

  /// kInvalidArgument unless rows have this index's dimension and only finite values.
  static Status check_vectors(MatrixView rows, int dim, std::string_view what);
  // Stores one (already normalised) vector in `slot`, appending when slot == size().
  void store(std::uint32_t slot, std::uint64_t label, const float* vector);
  MatrixView f32_view() const noexcept {
    return {vectors_.data(), labels_.size(), static_cast<std::size_t>(dim_), static_cast<std::size_t>(dim_)};
  }

  int dim_;
  Metric metric_;
  FlatStorage storage_;
  std::optional<Sq8Codec> codec_;
  std::vector<std::uint64_t> labels_;  // slot -> label
  std::unordered_map<std::uint64_t, std::uint32_t> slot_of_;
  std::vector<float> vectors_;         // f32: slot-major, dim per slot
  std::vector<float> norms_;           // f32 with l2: |x|^2 per slot, for the sgemm path
  std::vector<std::uint8_t> codes_;    // sq8: slot-major, dim per slot

  friend struct FlatScan;       // flat_index_search.cpp
  friend struct FlatIndexFile;  // flat_index_file.cpp
};

}  // namespace semspace::index
