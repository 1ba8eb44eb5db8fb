#include "store/derived_index.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/atomic_file.hpp"
#include "index/hnsw_index.hpp"

namespace semspace::store {
namespace {

namespace fs = std::filesystem;

// fmt rather than string +: GCC 12 warns falsely (-Wrestrict, GCC bug 105329) on the latter.
fs::path index_path(const fs::path& base) { return fmt::format("{}.{}", base.string(), kCollectionIndexKind); }
fs::path manifest_path(const fs::path& base) { return fmt::format("{}.{}.json", base.string(), kCollectionIndexKind); }
fs::path lock_path(const fs::path& base) { return fmt::format("{}.lock", base.string()); }

// Rebuilds and large catch-ups may use every core (a graph index builds in parallel; the scan ignores it).
int build_threads() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

// Applies the changes after `from` (deletions, then writes; keys are never reused, so the order is safe).
// Re-applying changes the index already has is harmless: both steps are idempotent.
Expected<std::size_t> catch_up(IndexSource& source, index::VectorIndex& index, std::int64_t from) {
  auto deleted = source.deleted_since(from);
  if (!deleted) return tl::unexpected(deleted.error());
  if (auto ok = index.remove(*deleted); !ok) return tl::unexpected(ok.error());
  std::size_t applied = deleted->size();
  auto ok = source.points_since(from, [&](std::span<const std::uint64_t> labels, MatrixView vectors) -> Status {
    applied += labels.size();
    return index.add(labels, vectors, build_threads());
  });
  if (!ok) return tl::unexpected(ok.error());
  return applied;
}

struct Manifest {
  std::string kind, uid;
  std::int64_t seq = -1;
};

Expected<Manifest> read_manifest(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorCode::kNotFound, "snapshot missing");
  std::stringstream text;
  text << in.rdbuf();
  auto json = nlohmann::json::parse(text.str(), nullptr, false);
  if (json.is_discarded() || !json.is_object() || !json.contains("seq") || !json["seq"].is_number_integer() ||
      !json.contains("uid") || !json["uid"].is_string() || !json.contains("kind") || !json["kind"].is_string()) {
    return make_error(ErrorCode::kCorrupt, fmt::format("{} is malformed", path.filename().string()));
  }
  return Manifest{json["kind"].get<std::string>(), json["uid"].get<std::string>(), json["seq"].get<std::int64_t>()};
}

// The manifest is removed before the index file is replaced and written after it, so a crash in between
// leaves no manifest (a rebuild next time), never a manifest describing another index file.
Status save_snapshot(IndexSource& source, const fs::path& base, const DerivedIndex& derived) {
  std::error_code ec;
  fs::remove(manifest_path(base), ec);
  if (auto ok = derived.index->save(index_path(base)); !ok) return ok;
  auto writer = io::AtomicFileWriter::create(manifest_path(base));
  if (!writer) return tl::unexpected(writer.error());
  nlohmann::json manifest{{"kind", kCollectionIndexKind}, {"uid", source.uid()}, {"seq", derived.seq},
                          {"count", derived.index->size()}};
  if (auto ok = writer->write(manifest.dump() + "\n"); !ok) return ok;
  if (auto ok = writer->commit(); !ok) return ok;
  return source.forget_deleted_through(derived.seq);
}

// The snapshot as it is on disk, caught up to the source; an error says why it cannot be used.
Expected<DerivedIndex> load_snapshot(IndexSource& source, const fs::path& base, bool& changed) {
  auto manifest = read_manifest(manifest_path(base));
  if (!manifest) return tl::unexpected(manifest.error());
  if (manifest->kind != kCollectionIndexKind || manifest->uid != source.uid()) {
    return make_error(ErrorCode::kCorrupt, "the snapshot belongs to another index kind or an earlier collection");
  }
  if (manifest->seq > source.seq()) {
    return make_error(ErrorCode::kCorrupt, "the snapshot is newer than the database");
  }
  if (manifest->seq < source.trimmed_seq()) {
    return make_error(ErrorCode::kCorrupt, "the snapshot is too old to catch up (deletions since are forgotten)");
  }
  auto loaded = load_collection_index(index_path(base));
  // Whatever is wrong with the file (missing, truncated, checksum), the answer is a rebuild, not an error.
  if (!loaded) return make_error(ErrorCode::kCorrupt, loaded.error().message);
  DerivedIndex out{std::move(*loaded), manifest->seq};
  if (out.index->dim() != source.dim() || out.index->metric() != source.metric()) {
    return make_error(ErrorCode::kCorrupt, "the snapshot has another dimension or metric");
  }
  auto applied = catch_up(source, *out.index, out.seq);
  if (!applied) return tl::unexpected(applied.error());
  changed = *applied > 0;
  out.seq = source.seq();
  if (out.index->size() != source.count()) {
    return make_error(ErrorCode::kCorrupt, fmt::format("the snapshot holds {} points but the database {}",
                                                       out.index->size(), source.count()));
  }
  return out;
}

}  // namespace

Expected<SnapshotLock> SnapshotLock::acquire(const std::filesystem::path& snapshot_base) {
  std::error_code ec;
  fs::create_directories(snapshot_base.parent_path(), ec);
  if (ec) {
    return make_error(ErrorCode::kIo, fmt::format("{}: cannot create the snapshot folder: {}",
                                                  snapshot_base.parent_path().string(), ec.message()));
  }
  const fs::path path = lock_path(snapshot_base);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return make_error(ErrorCode::kIo, fmt::format("{}: cannot open lock file", path.string()));
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      ::close(fd);
      return make_error(ErrorCode::kIo, fmt::format("{}: cannot lock", path.string()));
    }
  }
  return SnapshotLock(fd);
}

SnapshotLock::SnapshotLock(SnapshotLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

SnapshotLock::~SnapshotLock() {
  if (fd_ >= 0) ::close(fd_);
}

std::unique_ptr<index::VectorIndex> make_collection_index(int dim, index::Metric metric) {
  return index::HnswIndex::create(dim, metric);
}

Expected<std::unique_ptr<index::VectorIndex>> load_collection_index(const std::filesystem::path& path) {
  auto loaded = index::HnswIndex::load(path);
  if (!loaded) return tl::unexpected(loaded.error());
  return std::unique_ptr<index::VectorIndex>(std::move(*loaded));
}

std::vector<std::filesystem::path> snapshot_files(const std::filesystem::path& snapshot_base) {
  return {index_path(snapshot_base), manifest_path(snapshot_base), lock_path(snapshot_base)};
}

Status sync_derived_index(IndexSource& source, const std::string& collection, const std::filesystem::path& snapshot_base,
                          DerivedIndex& current, const std::function<void(const std::string&)>& notice) {
  // The snapshot only saves work: failing to write it (disk full, read-only folder) is said, not fatal, and the
  // index in memory stays correct.
  auto persist = [&]() -> Status {
    if (auto ok = save_snapshot(source, snapshot_base, current); !ok && notice) {
      notice(fmt::format("collection '{}': index snapshot not saved: {}", collection, ok.error().message));
    }
    return {};
  };
  // In memory from an earlier call in this process: catch up when the log still covers the gap.
  if (current.index && current.seq <= source.seq() && current.seq >= source.trimmed_seq()) {
    if (current.seq == source.seq()) return {};
    auto applied = catch_up(source, *current.index, current.seq);
    if (!applied) return tl::unexpected(applied.error());
    current.seq = source.seq();
    if (current.index->size() == source.count()) return *applied > 0 ? persist() : Status{};
  }

  bool changed = false;
  auto snapshot = load_snapshot(source, snapshot_base, changed);
  if (snapshot) {
    current = std::move(*snapshot);
    return changed ? persist() : Status{};
  }
  if (snapshot.error().code == ErrorCode::kIo) return tl::unexpected(snapshot.error());  // the database failed

  if (notice) {
    std::error_code exists_ec;
    const bool never_saved = !fs::exists(index_path(snapshot_base), exists_ec) && !fs::exists(manifest_path(snapshot_base), exists_ec);
    notice(never_saved ? fmt::format("collection '{}': building its {} index from the database (no snapshot yet)",
                                     collection, kCollectionIndexKind)
                       : fmt::format("collection '{}': rebuilding its {} index from the database ({})", collection,
                                     kCollectionIndexKind, snapshot.error().message));
  }
  DerivedIndex rebuilt{make_collection_index(source.dim(), source.metric()), source.seq()};
  auto ok = source.points_since(-1, [&](std::span<const std::uint64_t> labels, MatrixView vectors) -> Status {
    return rebuilt.index->add(labels, vectors, build_threads());
  });
  if (!ok) return ok;
  current = std::move(rebuilt);
  return persist();
}

}  // namespace semspace::store
