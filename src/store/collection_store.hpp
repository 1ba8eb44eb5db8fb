// Named collections of (id, vector, metadata) in one SQLite database (WAL): the durable truth.
// Search is exact (a scan of the stored vectors); approximate indexes derived from this store come later.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "semspace/status.hpp"

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

struct Point {
  std::string id;
  std::vector<float> vector;
  std::string metadata_json = "{}";
};

struct SearchHit {
  std::string id;
  float score = 0;  // cosine/dot: higher is nearer; l2: negative squared distance
  std::string metadata_json;
};

/// One open database. Not thread-safe: use one CollectionStore per thread.
class CollectionStore {
 public:
  /// Opens or creates the database file (and its directory).
  static Expected<CollectionStore> open(const std::filesystem::path& path);
  CollectionStore(CollectionStore&&) noexcept;
  CollectionStore& operator=(CollectionStore&&) noexcept;
  ~CollectionStore();

  /// kInvalidArgument if it exists already or the settings are invalid.
  Status create(const CollectionInfo& info);
  Expected<CollectionInfo> info(const std::string& name);
  Expected<std::vector<CollectionInfo>> list();
  Status drop(const std::string& name);

  /// Inserts or replaces points in one transaction: all or nothing. Each vector must have the collection's
  /// dimension and finite values; the error names the offending id.
  Status upsert(const std::string& name, std::span<const Point> points);
  Expected<std::optional<Point>> get(const std::string& name, const std::string& id);
  Status remove(const std::string& name, const std::string& id);

  /// The k best points for `query` under the collection's metric, best first.
  Expected<std::vector<SearchHit>> search(const std::string& name, std::span<const float> query, int k);

  /// Named float arrays stored beside a collection (e.g. the SIF common component of its text encoder).
  Status put_array(const std::string& name, const std::string& key, std::span<const float> values);
  Expected<std::optional<std::vector<float>>> get_array(const std::string& name, const std::string& key);

 private:
  struct Impl;
  explicit CollectionStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// $SEMSPACE_HOME (default ~/.cache/semspace): models, collections and corpora live below it.
std::filesystem::path semspace_home();
/// The default database: $SEMSPACE_HOME/collections.db.
std::filesystem::path default_store_path();

}  // namespace semspace::store
