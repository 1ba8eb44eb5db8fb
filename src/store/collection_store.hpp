// Named collections of (id, vector, metadata) in one SQLite database (WAL): the durable truth. Each
// collection's nearest-neighbour index is derived from it and snapshotted beside the database (derived_index.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "index/vector_index.hpp"
#include "semspace/status.hpp"
#include "store/metadata_filter.hpp"

namespace semspace::store {

struct CollectionInfo {
  std::string name;
  int dim = 0;
  std::string metric = "cosine";  // cosine | dot | l2
  std::string model;              // how text is encoded into this space ("" = vectors only)
  std::string fingerprint;        // the encoder's fingerprint; vectors of other spaces are refused
  std::string encoder = "{}";     // JSON settings of the text encoder (pooling, SIF a), kept with the data
  std::uint64_t count = 0;
};

/// A point's id: a JSON integer (signed 64-bit) or a JSON string. The kind is kept: 7 and "7" are two ids, and
/// an integer id comes back as an integer.
using PointId = std::variant<std::int64_t, std::string>;
/// The id as JSON text: 7 or "seven".
std::string id_to_json(const PointId& id);

struct Point {
  PointId id;
  std::vector<float> vector;
  std::string metadata_json = "{}";  // a JSON object
};

struct SearchHit {
  PointId id;
  float score = 0;  // cosine/dot: higher is nearer; l2: negative squared distance
  std::string metadata_json;
};

struct SearchOptions {
  int k = 10;
  // HNSW candidate list. Collections favour recall over the last microsecond: with ef 64 the demo query lost
  // a true top-10 answer among 118k points, with 256 it matched exact search, at 0.5 ms per query.
  int ef = 256;
  const FilterNode* filter = nullptr;  // null: every point
};

/// One open database. Not thread-safe: use one CollectionStore per thread.
class CollectionStore {
 public:
  /// Opens or creates the database file (and its directory). A file that is not a semspace store (not SQLite,
  /// or SQLite with other tables) is refused with kCorrupt and left untouched; a store made by the first
  /// version of this code (string ids only, no change log) is upgraded in place, in one transaction.
  static Expected<CollectionStore> open(const std::filesystem::path& path);
  CollectionStore(CollectionStore&&) noexcept;
  CollectionStore& operator=(CollectionStore&&) noexcept;
  ~CollectionStore();

  /// kInvalidArgument if it exists already or the settings are invalid.
  Status create(const CollectionInfo& info);
  Expected<CollectionInfo> info(const std::string& name);
  /// info() without the count (left 0), which costs a scan of the collection's points: the settings a query needs.
  Expected<CollectionInfo> describe(const std::string& name);
  Expected<std::vector<CollectionInfo>> list();
  /// Removes the collection, its points and its index snapshot.
  Status drop(const std::string& name);

  /// Inserts or replaces points: the last write of an id wins, also between two points of one call. Each
  /// vector must have the collection's dimension and finite values and each metadata be a JSON object; the
  /// error names the offending id and nothing of the call is stored. One transaction per call (all or
  /// nothing), unless inside begin()/commit().
  Status upsert(const std::string& name, std::span<const Point> points);
  Expected<std::optional<Point>> get(const std::string& name, const PointId& id);
  /// Removes the ids that exist; returns how many did. One transaction per call unless inside begin()/commit().
  Expected<std::size_t> remove(const std::string& name, std::span<const PointId> ids);
  Expected<std::uint64_t> count(const std::string& name);
  /// Calls visit(point) for every point of the collection, oldest first (the order they were first stored),
  /// one row in memory at a time; stops at and returns the first error visit returns.
  Status for_each_point(const std::string& name, const std::function<Status(const Point&)>& visit);

  /// Groups the upserts and removes until commit() into one transaction: all of them or none. Points refused
  /// by validation are refused before anything is written, and the transaction goes on; a write that fails in
  /// SQLite rolls the whole transaction back at once, and commit() then reports that error. Search and
  /// sync_index are refused while a transaction is open.
  Status begin();
  Status commit();
  void rollback() noexcept;

  /// The integer keys (index labels) of the points that pass `filter`.
  Expected<index::LabelSet> filter_labels(const std::string& name, const FilterNode& filter);

  /// The k best points for `query` under the collection's metric, best first, among those passing the filter.
  Expected<std::vector<SearchHit>> search(const std::string& name, std::span<const float> query,
                                          const SearchOptions& options = {});
  /// Brings the collection's derived index (in memory and its snapshot) up to date with the database; search
  /// does it too, this lets a writer pay for it instead of the next reader.
  Status sync_index(const std::string& name);
  /// Called with one line whenever an index has to be rebuilt from the database, and why.
  void set_notice_handler(std::function<void(const std::string&)> handler);

  /// Named float arrays stored beside a collection (e.g. the SIF common component of its text encoder).
  Status put_array(const std::string& name, const std::string& key, std::span<const float> values);
  Expected<std::optional<std::vector<float>>> get_array(const std::string& name, const std::string& key);

  /// SQLite's PRAGMA integrity_check: ok, or kCorrupt with what it found.
  Status check_integrity();

  /// Where the collection's index snapshot lives: <db>.indexes/<name, file-safe>.
  std::filesystem::path snapshot_base(const std::string& name) const;

  struct Impl;  // defined in collection_store.cpp; named here so helpers there can refer to it

 private:
  explicit CollectionStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// $SEMSPACE_HOME (default ~/.cache/semspace): models, collections and corpora live below it.
std::filesystem::path semspace_home();
/// The default database: $SEMSPACE_HOME/collections.db.
std::filesystem::path default_store_path();

}  // namespace semspace::store
