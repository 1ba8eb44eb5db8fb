// A collection's ANN index is derived data: SQLite holds the truth, the index is built from it and snapshotted
// next to the database (<db>.indexes/<collection>.<kind>, with a small <collection>.<kind>.json manifest saying
// which change sequence the snapshot reflects). This file decides when a snapshot can be used as it is, caught
// up from the change log, or must be rebuilt, and which index kind collections use.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "index/vector_index.hpp"
#include "semspace/status.hpp"

namespace semspace::store {

/// The index kind collections use and the one function that makes it: when HnswIndex lands, these two lines and
/// load_collection_index() are what changes.
inline constexpr std::string_view kCollectionIndexKind = "hnsw";
std::unique_ptr<index::VectorIndex> make_collection_index(int dim, index::Metric metric);
Expected<std::unique_ptr<index::VectorIndex>> load_collection_index(const std::filesystem::path& path);

/// What the derived index needs from the database, for one collection. Sequences: every upsert or delete
/// transaction bumps the collection's sequence and stamps the points it writes (and the keys it deletes) with it.
class IndexSource {
 public:
  virtual ~IndexSource() = default;
  virtual std::string uid() const = 0;            // changes when a collection of the same name is made anew
  virtual int dim() const = 0;
  virtual index::Metric metric() const = 0;
  virtual std::int64_t seq() const = 0;           // the sequence of the last change
  virtual std::int64_t trimmed_seq() const = 0;   // deletions with sequence <= this are no longer recorded
  virtual std::uint64_t count() const = 0;        // live points
  using Batch = std::function<Status(std::span<const std::uint64_t> labels, MatrixView vectors)>;
  /// Every point written after sequence `after` (all points for after < 0), in batches.
  virtual Status points_since(std::int64_t after, const Batch& batch) = 0;
  /// Keys deleted after sequence `after`.
  virtual Expected<std::vector<std::uint64_t>> deleted_since(std::int64_t after) = 0;
  /// Forgets deletions up to `seq` (a snapshot now covers them).
  virtual Status forget_deleted_through(std::int64_t seq) = 0;
};

struct DerivedIndex {
  std::unique_ptr<index::VectorIndex> index;
  std::int64_t seq = -1;  // the change sequence the index reflects
};

/// An exclusive lock on a collection's snapshot files (flock on `snapshot_base`.lock, released on destruction or
/// when the process dies), so concurrent processes do not interleave snapshot writes. Creates the folder.
class SnapshotLock {
 public:
  static Expected<SnapshotLock> acquire(const std::filesystem::path& snapshot_base);
  SnapshotLock(SnapshotLock&& other) noexcept;
  SnapshotLock& operator=(SnapshotLock&&) = delete;
  ~SnapshotLock();

 private:
  explicit SnapshotLock(int fd) : fd_(fd) {}
  int fd_;
};

/// Brings `current` (empty, or kept in memory from an earlier call) up to the source's sequence: from memory,
/// else from the snapshot at `snapshot_base`.<kind>, catching up through the change log when the deletions since
/// are still recorded, else by rebuilding from the source. Writes a new snapshot when anything changed. A rebuild
/// is reported once through `notice`, with the reason (missing, stale, checksum, ...). The caller holds the
/// SnapshotLock of `snapshot_base`, taken before it reads the source, so it never sees a snapshot newer than
/// what it reads.
Status sync_derived_index(IndexSource& source, const std::string& collection, const std::filesystem::path& snapshot_base,
                          DerivedIndex& current, const std::function<void(const std::string&)>& notice);

/// The snapshot files of a collection (index, manifest, lock), for drop to remove.
std::vector<std::filesystem::path> snapshot_files(const std::filesystem::path& snapshot_base);

}  // namespace semspace::store
