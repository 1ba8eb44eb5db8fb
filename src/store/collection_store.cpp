#include "store/collection_store.hpp"

#include <sqlite3.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "store/derived_index.hpp"

namespace semspace::store {
namespace {

namespace fs = std::filesystem;

struct DbCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// "SSC1" in the database header (PRAGMA application_id): how we recognise our own files.
constexpr int kApplicationId = 0x53534331;
constexpr int kSchemaVersion = 2;

// WAL with synchronous = FULL: a commit returns only after its WAL frames are fsynced. An acknowledged upsert
// therefore survives kill -9 (NORMAL would already give that: the frames are in the OS page cache) and also
// a power loss or kernel crash (NORMAL may lose the last commits then, though never corrupt the file). The
// price is one fsync per transaction, which batching makes negligible.
constexpr const char* kPragmas = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";

// `id` has no declared type, so SQLite keeps each value's own type: integer 7 and text '7' are distinct ids.
// `key` is the label of the point in the derived index; AUTOINCREMENT never reuses one, so a snapshot can
// catch up by replaying deletions and writes in any order. `seq` stamps each change with the collection's
// change sequence, bumped in the same transaction.
constexpr const char* kSchema = R"sql(
CREATE TABLE collection (
  cid INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, uid TEXT NOT NULL, dim INTEGER NOT NULL,
  metric TEXT NOT NULL, model TEXT NOT NULL, fingerprint TEXT NOT NULL, encoder TEXT NOT NULL DEFAULT '{}',
  seq INTEGER NOT NULL DEFAULT 0, trimmed_seq INTEGER NOT NULL DEFAULT 0);
CREATE TABLE point (
  key INTEGER PRIMARY KEY AUTOINCREMENT, cid INTEGER NOT NULL, id NOT NULL, vector BLOB NOT NULL,
  metadata TEXT NOT NULL, seq INTEGER NOT NULL, UNIQUE (cid, id));
CREATE INDEX point_seq ON point (cid, seq);
CREATE TABLE deleted_point (cid INTEGER NOT NULL, seq INTEGER NOT NULL, key INTEGER NOT NULL,
  PRIMARY KEY (cid, seq, key)) WITHOUT ROWID;
CREATE TABLE collection_array (cid INTEGER NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (cid, key));
PRAGMA application_id = 1397965617;
PRAGMA user_version = 2;
)sql";
static_assert(kApplicationId == 1397965617);

// The first store (string ids in a WITHOUT ROWID table, no change log) moves into the schema above.
constexpr const char* kMigrateV1 = R"sql(
INSERT INTO collection (name, uid, dim, metric, model, fingerprint, encoder)
  SELECT name, lower(hex(randomblob(8))), dim, metric, model, fingerprint, encoder FROM collections ORDER BY name;
INSERT INTO point (cid, id, vector, metadata, seq)
  SELECT c.cid, p.id, p.vector, p.metadata, 0 FROM points p JOIN collection c ON c.name = p.collection;
DROP TABLE points;
)sql";

std::string column_text(sqlite3_stmt* stmt, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
  return text != nullptr ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, column))) : std::string();
}

void bind_text(sqlite3_stmt* stmt, int index, std::string_view text) {
  sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void bind_id(sqlite3_stmt* stmt, int index, const PointId& id) {
  if (const auto* i = std::get_if<std::int64_t>(&id)) {
    sqlite3_bind_int64(stmt, index, *i);
  } else {
    bind_text(stmt, index, std::get<std::string>(id));
  }
}

PointId column_id(sqlite3_stmt* stmt, int column) {
  if (sqlite3_column_type(stmt, column) == SQLITE_INTEGER) return PointId(static_cast<std::int64_t>(sqlite3_column_int64(stmt, column)));
  return PointId(column_text(stmt, column));
}

std::string display_id(const PointId& id) { return id_to_json(id); }

// Collection names become file names of snapshots: keep [A-Za-z0-9_-], escape the rest as %XX.
std::string file_safe(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c) != 0 || c == '_' || c == '-') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

struct CollectionRow {
  std::int64_t cid = 0;
  std::string uid;
  CollectionInfo info;
  index::Metric metric = index::Metric::kCosine;
  std::int64_t seq = 0, trimmed_seq = 0;
};

}  // namespace

std::string id_to_json(const PointId& id) {
  if (const auto* i = std::get_if<std::int64_t>(&id)) return std::to_string(*i);
  return nlohmann::json(std::get<std::string>(id)).dump();
}

struct CollectionStore::Impl {
  Db db;
  fs::path path;
  bool txn_open = false;            // inside begin() .. commit()
  std::optional<Error> txn_error;   // the error that rolled the caller's transaction back
  std::map<std::string, DerivedIndex> indexes;  // by collection uid
  std::function<void(const std::string&)> notice;

  tl::unexpected<Error> fail(const std::string& what) const {
    return make_error(ErrorCode::kIo, fmt::format("{}: {}: {}", path.string(), what, sqlite3_errmsg(db.get())));
  }
  Expected<Stmt> prepare(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql, -1, &stmt, nullptr) != SQLITE_OK) return fail("cannot prepare statement");
    return Stmt(stmt);
  }
  Status exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db.get(), sql, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message != nullptr ? message : "unknown error";
      sqlite3_free(message);
      return make_error(ErrorCode::kIo, fmt::format("{}: {}", path.string(), text));
    }
    return {};
  }

  // Runs `body` in a transaction of its own, or as part of the caller's begin()/commit(); any error rolls
  // the whole transaction back.
  Status write(const std::function<Status()>& body) {
    if (txn_open) {
      if (txn_error) return tl::unexpected(*txn_error);
      auto ok = body();
      if (!ok) {
        (void)exec("ROLLBACK;");
        txn_error = ok.error();
      }
      return ok;
    }
    if (auto ok = exec("BEGIN IMMEDIATE;"); !ok) return ok;
    auto ok = body();
    if (ok) ok = exec("COMMIT;");
    if (!ok) (void)exec("ROLLBACK;");
    return ok;
  }

  Expected<CollectionRow> lookup(const std::string& name) {
    auto stmt = prepare(
        "SELECT cid, uid, dim, metric, model, fingerprint, encoder, seq, trimmed_seq FROM collection WHERE name = ?");
    if (!stmt) return tl::unexpected(stmt.error());
    bind_text(stmt->get(), 1, name);
    int rc = sqlite3_step(stmt->get());
    if (rc == SQLITE_DONE) {
      return make_error(ErrorCode::kNotFound, fmt::format("collection '{}' does not exist in {}", name, path.string()));
    }
    if (rc != SQLITE_ROW) return fail("cannot read collection");
    sqlite3_stmt* s = stmt->get();
    CollectionRow row;
    row.cid = sqlite3_column_int64(s, 0);
    row.uid = column_text(s, 1);
    row.info.name = name;
    row.info.dim = sqlite3_column_int(s, 2);
    row.info.metric = column_text(s, 3);
    row.info.model = column_text(s, 4);
    row.info.fingerprint = column_text(s, 5);
    row.info.encoder = column_text(s, 6);
    row.seq = sqlite3_column_int64(s, 7);
    row.trimmed_seq = sqlite3_column_int64(s, 8);
    auto metric = index::parse_metric(row.info.metric);
    if (!metric) return make_error(ErrorCode::kCorrupt, fmt::format("{}: collection '{}': {}", path.string(), name, metric.error().message));
    row.metric = *metric;
    return row;
  }

  Expected<std::uint64_t> count(std::int64_t cid) {
    auto stmt = prepare("SELECT count(*) FROM point WHERE cid = ?");
    if (!stmt) return tl::unexpected(stmt.error());
    sqlite3_bind_int64(stmt->get(), 1, cid);
    if (sqlite3_step(stmt->get()) != SQLITE_ROW) return fail("cannot count points");
    return static_cast<std::uint64_t>(sqlite3_column_int64(stmt->get(), 0));
  }

  // Bumps the collection's change sequence inside the current transaction and returns the new value.
  Expected<std::int64_t> next_seq(std::int64_t cid) {
    auto stmt = prepare("UPDATE collection SET seq = seq + 1 WHERE cid = ? RETURNING seq");
    if (!stmt) return tl::unexpected(stmt.error());
    sqlite3_bind_int64(stmt->get(), 1, cid);
    if (sqlite3_step(stmt->get()) != SQLITE_ROW) return fail("cannot advance the change sequence");
    return sqlite3_column_int64(stmt->get(), 0);
  }

  Expected<index::LabelSet> filter_labels(std::int64_t cid, const FilterNode& filter) {
    SqlCondition condition = compile_filter(filter, "metadata");
    std::string sql = "SELECT key FROM point WHERE cid = ? AND " + condition.sql;
    auto stmt = prepare(sql.c_str());
    if (!stmt) return tl::unexpected(stmt.error());
    sqlite3_bind_int64(stmt->get(), 1, cid);
    int at = 2;
    for (const auto& param : condition.params) {
      if (const auto* i = std::get_if<std::int64_t>(&param)) {
        sqlite3_bind_int64(stmt->get(), at++, *i);
      } else if (const auto* d = std::get_if<double>(&param)) {
        sqlite3_bind_double(stmt->get(), at++, *d);
      } else {
        bind_text(stmt->get(), at++, std::get<std::string>(param));
      }
    }
    std::vector<std::uint64_t> keys;
    int rc;
    while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
      keys.push_back(static_cast<std::uint64_t>(sqlite3_column_int64(stmt->get(), 0)));
    }
    if (rc != SQLITE_DONE) return fail("cannot evaluate the filter");
    return index::LabelSet(std::move(keys));
  }

  // Brings the named collection's derived index up to date; returns it.
  Expected<const DerivedIndex*> sync(const std::string& name);
};

namespace {

// The derived index's view of one collection in SQLite.
class SqliteSource final : public IndexSource {
 public:
  SqliteSource(CollectionStore::Impl& impl, const CollectionRow& row) : impl_(impl), row_(row) {}
  std::string uid() const override { return row_.uid; }
  int dim() const override { return row_.info.dim; }
  index::Metric metric() const override { return row_.metric; }
  std::int64_t seq() const override { return row_.seq; }
  std::int64_t trimmed_seq() const override { return row_.trimmed_seq; }
  // Counted on first use only: counting scans the collection's points (10 ms at 117k), and an index already
  // at the database's sequence, the common case of every search, never asks. A failed count reads as 0
  // (which no index matches, so nothing is trusted on it) and is reported by count_error() after the sync.
  std::uint64_t count() const override {
    if (!count_) {
      auto n = impl_.count(row_.cid);
      if (!n) count_error_ = n.error();
      count_ = n.value_or(0);
    }
    return *count_;
  }
  const std::optional<Error>& count_error() const { return count_error_; }

  Status points_since(std::int64_t after, const Batch& batch) override {
    auto stmt = impl_.prepare("SELECT key, vector FROM point WHERE cid = ? AND seq > ? ORDER BY key");
    if (!stmt) return tl::unexpected(stmt.error());
    sqlite3_bind_int64(stmt->get(), 1, row_.cid);
    sqlite3_bind_int64(stmt->get(), 2, after);
    constexpr std::size_t kRows = 4096;
    const auto dim = static_cast<std::size_t>(row_.info.dim);
    std::vector<std::uint64_t> labels;
    std::vector<float> vectors;
    auto flush = [&]() -> Status {
      if (labels.empty()) return {};
      auto ok = batch(labels, MatrixView{vectors.data(), labels.size(), dim, dim});
      labels.clear();
      vectors.clear();
      return ok;
    };
    int rc;
    while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
      const auto bytes = static_cast<std::size_t>(sqlite3_column_bytes(stmt->get(), 1));
      if (bytes != dim * sizeof(float)) {
        return make_error(ErrorCode::kCorrupt,
                          fmt::format("{}: point with key {} has a vector of {} bytes, expected {}", impl_.path.string(),
                                      sqlite3_column_int64(stmt->get(), 0), bytes, dim * sizeof(float)));
      }
      labels.push_back(static_cast<std::uint64_t>(sqlite3_column_int64(stmt->get(), 0)));
      const auto* v = static_cast<const float*>(sqlite3_column_blob(stmt->get(), 1));
      vectors.insert(vectors.end(), v, v + dim);
      if (labels.size() == kRows) {
        if (auto ok = flush(); !ok) return ok;
      }
    }
    if (rc != SQLITE_DONE) return impl_.fail("cannot read points");
    return flush();
  }

  Expected<std::vector<std::uint64_t>> deleted_since(std::int64_t after) override {
    auto stmt = impl_.prepare("SELECT key FROM deleted_point WHERE cid = ? AND seq > ?");
    if (!stmt) return tl::unexpected(stmt.error());
    sqlite3_bind_int64(stmt->get(), 1, row_.cid);
    sqlite3_bind_int64(stmt->get(), 2, after);
    std::vector<std::uint64_t> keys;
    int rc;
    while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
      keys.push_back(static_cast<std::uint64_t>(sqlite3_column_int64(stmt->get(), 0)));
    }
    if (rc != SQLITE_DONE) return impl_.fail("cannot read deletions");
    return keys;
  }

  // Runs inside sync's read transaction, which cannot turn into a write safely: remembered for afterwards.
  Status forget_deleted_through(std::int64_t seq) override {
    trim_through_ = std::max(trim_through_.value_or(seq), seq);
    return {};
  }
  std::optional<std::int64_t> trim_through() const { return trim_through_; }

 private:
  CollectionStore::Impl& impl_;
  const CollectionRow& row_;
  mutable std::optional<std::uint64_t> count_;
  mutable std::optional<Error> count_error_;
  std::optional<std::int64_t> trim_through_;
};

// Forgets the deletions a snapshot now covers.
Status trim_deletions(CollectionStore::Impl& impl, std::int64_t cid, std::int64_t seq) {
  return impl.write([&]() -> Status {
    auto del = impl.prepare("DELETE FROM deleted_point WHERE cid = ? AND seq <= ?");
    if (!del) return tl::unexpected(del.error());
    sqlite3_bind_int64(del->get(), 1, cid);
    sqlite3_bind_int64(del->get(), 2, seq);
    if (sqlite3_step(del->get()) != SQLITE_DONE) return impl.fail("cannot trim deletions");
    auto mark = impl.prepare("UPDATE collection SET trimmed_seq = max(trimmed_seq, ?) WHERE cid = ?");
    if (!mark) return tl::unexpected(mark.error());
    sqlite3_bind_int64(mark->get(), 1, seq);
    sqlite3_bind_int64(mark->get(), 2, cid);
    if (sqlite3_step(mark->get()) != SQLITE_DONE) return impl.fail("cannot trim deletions");
    return {};
  });
}

}  // namespace

Expected<const DerivedIndex*> CollectionStore::Impl::sync(const std::string& name) {
  if (txn_open) {
    // A snapshot of uncommitted changes would carry a sequence number that a rollback hands out again.
    return make_error(ErrorCode::kInvalidArgument, "cannot search or index inside an open write transaction");
  }
  // One read transaction: the sequence, the count and the rows read for catching up all describe the same
  // moment, even while another process writes.
  const fs::path base = fs::path(path.string() + ".indexes") / file_safe(name);
  auto lock = SnapshotLock::acquire(base);
  if (!lock) return tl::unexpected(lock.error());
  if (auto ok = exec("BEGIN;"); !ok) return tl::unexpected(ok.error());
  auto row = lookup(name);
  std::optional<std::int64_t> trim;
  Status synced = row ? Status{} : Status(tl::unexpected(row.error()));
  if (row) {
    SqliteSource source(*this, *row);
    synced = sync_derived_index(source, name, base, indexes[row->uid], notice);
    if (source.count_error()) synced = tl::unexpected(*source.count_error());
    trim = source.trim_through();
  }
  (void)exec("COMMIT;");
  if (!synced) return tl::unexpected(synced.error());
  if (trim) {
    if (auto ok = trim_deletions(*this, row->cid, *trim); !ok) return tl::unexpected(ok.error());
  }
  return &indexes[row->uid];
}

CollectionStore::CollectionStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CollectionStore::CollectionStore(CollectionStore&&) noexcept = default;
CollectionStore& CollectionStore::operator=(CollectionStore&&) noexcept = default;
CollectionStore::~CollectionStore() {
  if (impl_ && impl_->txn_open && !impl_->txn_error) (void)impl_->exec("ROLLBACK;");
}

Expected<CollectionStore> CollectionStore::open(const std::filesystem::path& path) {
  std::error_code ec;
  const bool exists = fs::exists(path, ec);
  auto not_ours = [&path](const std::string& why) {
    return make_error(ErrorCode::kCorrupt,
                      fmt::format("{} is not a semspace collection database ({}); it was left untouched", path.string(), why));
  };
  if (exists) {
    if (fs::is_directory(path, ec)) return make_error(ErrorCode::kIo, fmt::format("{} is a directory, not a database file", path.string()));
    // Look before SQLite does: opening a foreign file in WAL mode would already write to it.
    std::ifstream in(path, std::ios::binary);
    char header[16] = {};
    in.read(header, sizeof header);
    if (in.gcount() > 0 && (in.gcount() < 16 || std::memcmp(header, "SQLite format 3", 16) != 0)) {
      return not_ours("not an SQLite file");
    }
  } else if (path.has_parent_path()) {
    fs::create_directories(path.parent_path(), ec);
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto impl = std::make_unique<Impl>();
  impl->db.reset(raw);
  impl->path = path;
  if (rc != SQLITE_OK) return impl->fail("cannot open database");
  sqlite3_busy_timeout(raw, 10000);

  auto pragma_int = [&](const char* sql) -> Expected<int> {
    auto stmt = impl->prepare(sql);
    if (!stmt) return not_ours(stmt.error().message);
    if (sqlite3_step(stmt->get()) != SQLITE_ROW) return not_ours(sqlite3_errmsg(raw));
    return sqlite3_column_int(stmt->get(), 0);
  };
  auto application_id = pragma_int("PRAGMA application_id");
  if (!application_id) return tl::unexpected(application_id.error());
  auto version = pragma_int("PRAGMA user_version");
  if (!version) return tl::unexpected(version.error());
  std::set<std::string> tables;
  {
    auto stmt = impl->prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    if (!stmt) return not_ours(stmt.error().message);
    while (sqlite3_step(stmt->get()) == SQLITE_ROW) tables.insert(column_text(stmt->get(), 0));
  }
  enum class Action { kNone, kCreate, kMigrate } action = Action::kNone;
  if (*application_id == kApplicationId) {
    if (*version != kSchemaVersion) {
      return make_error(ErrorCode::kUnsupported,
                        fmt::format("{} has collection schema version {}; this semspace reads version {}", path.string(),
                                    *version, kSchemaVersion));
    }
  } else if (*application_id == 0 && tables.empty()) {
    action = Action::kCreate;
  } else if (*application_id == 0 && tables.contains("collections") && tables.contains("points") &&
             tables.size() == 2 + tables.count("arrays")) {
    action = Action::kMigrate;
  } else {
    std::string names;
    for (const auto& t : tables) names += (names.empty() ? "" : ", ") + t;
    return not_ours(fmt::format("application id {:#x}, tables: {}", *application_id, names.empty() ? "none" : names));
  }
  if (auto ok = impl->exec(kPragmas); !ok) return tl::unexpected(ok.error());
  if (action != Action::kNone) {
    auto ok = impl->write([&]() -> Status {
      if (action == Action::kMigrate) {
        // Stores older still lacked the encoder column; give it its default before copying.
        auto has_encoder = impl->prepare("SELECT 1 FROM pragma_table_info('collections') WHERE name = 'encoder'");
        if (!has_encoder) return tl::unexpected(has_encoder.error());
        if (sqlite3_step(has_encoder->get()) != SQLITE_ROW) {
          if (auto ok = impl->exec("ALTER TABLE collections ADD COLUMN encoder TEXT NOT NULL DEFAULT '{}';"); !ok) return ok;
        }
      }
      if (auto ok = impl->exec(kSchema); !ok) return ok;
      if (action == Action::kMigrate) {
        if (auto ok = impl->exec(kMigrateV1); !ok) return ok;
        if (tables.contains("arrays")) {
          if (auto ok = impl->exec("INSERT INTO collection_array (cid, key, value) SELECT c.cid, a.key, a.value "
                                   "FROM arrays a JOIN collection c ON c.name = a.collection; DROP TABLE arrays;");
              !ok) {
            return ok;
          }
        }
        if (auto ok = impl->exec("DROP TABLE collections;"); !ok) return ok;
      }
      return {};
    });
    if (!ok) return tl::unexpected(ok.error());
  }
  return CollectionStore(std::move(impl));
}

Status CollectionStore::create(const CollectionInfo& info) {
  if (info.name.empty() || info.name.size() > 200) {
    return make_error(ErrorCode::kInvalidArgument, "collection name must have 1 to 200 characters");
  }
  if (info.dim < 1 || info.dim > 65536) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("--dim must be in 1..65536, got {}", info.dim));
  }
  if (auto metric = index::parse_metric(info.metric); !metric) return tl::unexpected(metric.error());
  if (auto existing = impl_->lookup(info.name); existing) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("collection '{}' already exists", info.name));
  } else if (existing.error().code != ErrorCode::kNotFound) {
    return tl::unexpected(existing.error());
  }
  return impl_->write([&]() -> Status {
    auto stmt = impl_->prepare(
        "INSERT INTO collection (name, uid, dim, metric, model, fingerprint, encoder) "
        "VALUES (?, lower(hex(randomblob(8))), ?, ?, ?, ?, ?)");
    if (!stmt) return tl::unexpected(stmt.error());
    bind_text(stmt->get(), 1, info.name);
    sqlite3_bind_int(stmt->get(), 2, info.dim);
    bind_text(stmt->get(), 3, info.metric);
    bind_text(stmt->get(), 4, info.model);
    bind_text(stmt->get(), 5, info.fingerprint);
    bind_text(stmt->get(), 6, info.encoder);
    if (sqlite3_step(stmt->get()) != SQLITE_DONE) return impl_->fail("cannot create collection");
    return {};
  });
}

Expected<CollectionInfo> CollectionStore::describe(const std::string& name) {
  auto row = impl_->lookup(name);
  if (!row) return tl::unexpected(row.error());
  return row->info;
}

Expected<CollectionInfo> CollectionStore::info(const std::string& name) {
  auto row = impl_->lookup(name);
  if (!row) return tl::unexpected(row.error());
  auto n = impl_->count(row->cid);
  if (!n) return tl::unexpected(n.error());
  row->info.count = *n;
  return row->info;
}

Expected<std::vector<CollectionInfo>> CollectionStore::list() {
  auto stmt = impl_->prepare("SELECT name FROM collection ORDER BY name");
  if (!stmt) return tl::unexpected(stmt.error());
  std::vector<std::string> names;
  while (sqlite3_step(stmt->get()) == SQLITE_ROW) names.push_back(column_text(stmt->get(), 0));
  std::vector<CollectionInfo> out;
  for (const auto& n : names) {
    auto i = info(n);
    if (!i) return tl::unexpected(i.error());
    out.push_back(std::move(*i));
  }
  return out;
}

Status CollectionStore::drop(const std::string& name) {
  auto row = impl_->lookup(name);
  if (!row) return tl::unexpected(row.error());
  auto ok = impl_->write([&]() -> Status {
    for (const char* sql : {"DELETE FROM point WHERE cid = ?", "DELETE FROM deleted_point WHERE cid = ?",
                            "DELETE FROM collection_array WHERE cid = ?", "DELETE FROM collection WHERE cid = ?"}) {
      auto stmt = impl_->prepare(sql);
      if (!stmt) return tl::unexpected(stmt.error());
      sqlite3_bind_int64(stmt->get(), 1, row->cid);
      if (sqlite3_step(stmt->get()) != SQLITE_DONE) return impl_->fail(fmt::format("cannot drop collection '{}'", name));
    }
    return {};
  });
  if (!ok) return ok;
  impl_->indexes.erase(row->uid);
  // The snapshot is derived data: if removing it fails, its uid no longer matches any collection anyway.
  std::error_code ec;
  for (const auto& file : snapshot_files(snapshot_base(name))) fs::remove(file, ec);
  return {};
}

Status CollectionStore::upsert(const std::string& name, std::span<const Point> points) {
  auto row = impl_->lookup(name);
  if (!row) return tl::unexpected(row.error());
  for (const auto& p : points) {
    if (const auto* s = std::get_if<std::string>(&p.id); s != nullptr && s->empty()) {
      return make_error(ErrorCode::kInvalidArgument, "a point has an empty id");
    }
    if (static_cast<int>(p.vector.size()) != row->info.dim) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("point {}: vector has dimension {} but collection '{}' has dimension {}",
                                    display_id(p.id), p.vector.size(), name, row->info.dim));
    }
    for (float x : p.vector) {
      if (!std::isfinite(x)) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("point {}: vector has a non-finite value (NaN or Inf)", display_id(p.id)));
      }
    }
    auto meta = nlohmann::json::parse(p.metadata_json, nullptr, false);
    if (meta.is_discarded() || !meta.is_object()) {
      return make_error(ErrorCode::kInvalidArgument, fmt::format("point {}: metadata is not a JSON object", display_id(p.id)));
    }
  }
  if (points.empty()) return {};
  return impl_->write([&]() -> Status {
    auto seq = impl_->next_seq(row->cid);
    if (!seq) return tl::unexpected(seq.error());
    auto stmt = impl_->prepare(
        "INSERT INTO point (cid, id, vector, metadata, seq) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (cid, id) DO UPDATE SET vector = excluded.vector, metadata = excluded.metadata, seq = excluded.seq");
    if (!stmt) return tl::unexpected(stmt.error());
    for (const auto& p : points) {
      sqlite3_reset(stmt->get());
      sqlite3_bind_int64(stmt->get(), 1, row->cid);
      bind_id(stmt->get(), 2, p.id);
      sqlite3_bind_blob(stmt->get(), 3, p.vector.data(), static_cast<int>(p.vector.size() * sizeof(float)), SQLITE_TRANSIENT);
      bind_text(stmt->get(), 4, p.metadata_json);
      sqlite3_bind_int64(stmt->get(), 5, *seq);
      if (sqlite3_step(stmt->get()) != SQLITE_DONE) return impl_->fail(fmt::format("cannot store point {}", display_id(p.id)));
    }
    return {};
  });
}

Expected<std::optional<Point>> CollectionStore::get(const std::string& name, const PointId& id) {
  auto row = impl_->lookup(name);
  if (!row) return tl::unexpected(row.error());
  auto stmt = impl_->prepare("SELECT vector, metadata FROM point WHERE cid = ? AND id = ?");
  if (!stmt) return tl::unexpected(stmt.error());
  sqlite3_bind_int64(stmt->get(), 1, row->cid);
  bind_id(stmt->get(), 2, id);
  int rc = sqlite3_step(stmt->get());
  if (rc == SQLITE_DONE) return std::optional<Point>{};
  if (rc != SQLITE_ROW) return impl_->fail("cannot read point");
  Point p;
  p.id = id;
  p.vector.resize(static_cast<std::size_t>(sqlite3_column_bytes(stmt->get(), 0)) / sizeof(float));
  if (!p.vector.empty()) std::memcpy(p.vector.data(), sqlite3_column_blob(stmt->get(), 0), p.vector.size() * sizeof(float));
  p.metadata_json = column_text(stmt->get(), 1);
  return std::optional<Point>(std::move(p));
}

Status CollectionStore::for_each_point(const std::string& name, const std::function<Status(const Point&)>& visit) {
  auto row = impl_->lookup(name);
  if (!row) return tl::unexpected(row.error());
  auto stmt = impl_->prepare("SELECT id, vector, metadata FROM point WHERE cid = ? ORDER BY key");
  if (!stmt) return tl::unexpected(stmt.error());
  sqlite3_bind_int64(stmt->get(), 1, row->cid);
  Point p;
  int rc;
  while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
    p.id = column_id(stmt->get(), 0);
    p.vector.resize(static_cast<std::size_t>(sqlite3_column_bytes(stmt->get(), 1)) / sizeof(float));
    if (!p.vector.empty()) std::memcpy(p.vector.data(), sqlite3_column_blob(stmt->get(), 1), p.vector.size() * sizeof(float));
    p.metadata_json = column_text(stmt->get(), 2);
    if (auto ok = visit(p); !ok) return ok;
  }
  if (rc != SQLITE_DONE) return impl_->fail("cannot read points");
  return {};
}

Expected<std::size_t> CollectionStore::remove(const std::string& name, std::span<const PointId> ids) {
  auto row = impl_->lookup(name);
  if (!row) return tl::unexpected(row.error());
  std::size_t removed = 0;
  if (ids.empty()) return removed;
  auto ok = impl_->write([&]() -> Status {
    auto seq = impl_->next_seq(row->cid);
    if (!seq) return tl::unexpected(seq.error());
    auto del = impl_->prepare("DELETE FROM point WHERE cid = ? AND id = ? RETURNING key");
    auto log = impl_->prepare("INSERT OR IGNORE INTO deleted_point (cid, seq, key) VALUES (?, ?, ?)");
    if (!del) return tl::unexpected(del.error());
    if (!log) return tl::unexpected(log.error());
    for (const auto& id : ids) {
      sqlite3_reset(del->get());
      sqlite3_bind_int64(del->get(), 1, row->cid);
      bind_id(del->get(), 2, id);
      int rc = sqlite3_step(del->get());
      if (rc == SQLITE_ROW) {
        const sqlite3_int64 key = sqlite3_column_int64(del->get(), 0);
        if (sqlite3_step(del->get()) != SQLITE_DONE) return impl_->fail("cannot delete point");
        sqlite3_reset(log->get());
        sqlite3_bind_int64(log->get(), 1, row->cid);
        sqlite3_bind_int64(log->get(), 2, *seq);
        sqlite3_bind_int64(log->get(), 3, key);
        if (sqlite3_step(log->get()) != SQLITE_DONE) return impl_->fail("cannot record deletion");
        ++removed;
      } else if (rc != SQLITE_DONE) {
        return impl_->fail(fmt::format("cannot delete point {}", display_id(id)));
      }
    }
    return {};
  });
  if (!ok) return tl::unexpected(ok.error());
  return removed;
}

Expected<std::uint64_t> CollectionStore::count(const std::string& name) {
  auto row = impl_->lookup(name);
  if (!row) return tl::unexpected(row.error());
  return impl_->count(row->cid);
}

Status CollectionStore::begin() {
  if (impl_->txn_open) return make_error(ErrorCode::kInvalidArgument, "a transaction is already open");
  if (auto ok = impl_->exec("BEGIN IMMEDIATE;"); !ok) return ok;
  impl_->txn_open = true;
  impl_->txn_error.reset();
  return {};
}

Status CollectionStore::commit() {
  if (!impl_->txn_open) return make_error(ErrorCode::kInvalidArgument, "no transaction is open");
  impl_->txn_open = false;
  if (impl_->txn_error) {
    Error error = *impl_->txn_error;
    impl_->txn_error.reset();
    return tl::unexpected(error);
  }
  auto ok = impl_->exec("COMMIT;");
  if (!ok) (void)impl_->exec("ROLLBACK;");
  return ok;
}

void CollectionStore::rollback() noexcept {
  if (!impl_->txn_open) return;
  if (!impl_->txn_error) (void)impl_->exec("ROLLBACK;");
  impl_->txn_open = false;
  impl_->txn_error.reset();
}

Expected<index::LabelSet> CollectionStore::filter_labels(const std::string& name, const FilterNode& filter) {
  auto row = impl_->lookup(name);
  if (!row) return tl::unexpected(row.error());
  return impl_->filter_labels(row->cid, filter);
}

Status CollectionStore::sync_index(const std::string& name) {
  auto synced = impl_->sync(name);
  if (!synced) return tl::unexpected(synced.error());
  return {};
}

void CollectionStore::set_notice_handler(std::function<void(const std::string&)> handler) {
  impl_->notice = std::move(handler);
}

Expected<std::vector<SearchHit>> CollectionStore::search(const std::string& name, std::span<const float> query,
                                                         const SearchOptions& options) {
  auto row = impl_->lookup(name);
  if (!row) return tl::unexpected(row.error());
  if (static_cast<int>(query.size()) != row->info.dim) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("query has dimension {} but collection '{}' has {}",
                                                               query.size(), name, row->info.dim));
  }
  for (float x : query) {
    if (!std::isfinite(x)) return make_error(ErrorCode::kInvalidArgument, "query vector has a non-finite value (NaN or Inf)");
  }
  if (options.k < 1) return make_error(ErrorCode::kInvalidArgument, fmt::format("-k must be at least 1, got {}", options.k));
  std::optional<index::LabelSet> passing;
  if (options.filter != nullptr) {
    auto labels = impl_->filter_labels(row->cid, *options.filter);
    if (!labels) return tl::unexpected(labels.error());
    if (labels->size() == 0) return std::vector<SearchHit>{};
    passing.emplace(std::move(*labels));
  }
  auto synced = impl_->sync(name);
  if (!synced) return tl::unexpected(synced.error());
  const DerivedIndex& derived = **synced;
  index::SearchParams params;
  params.k = options.k;
  params.ef = std::max(options.ef, options.k);
  params.filter = passing ? &*passing : nullptr;
  const MatrixView queries{query.data(), 1, query.size(), query.size()};
  auto results = derived.index->search(queries, params);
  if (!results) return tl::unexpected(results.error());

  auto stmt = impl_->prepare("SELECT id, metadata FROM point WHERE key = ? AND cid = ?");
  if (!stmt) return tl::unexpected(stmt.error());
  std::vector<SearchHit> hits;
  for (std::size_t i = 0; i < results->k; ++i) {
    const std::uint64_t label = results->labels[i];
    if (label == index::kNoLabel) break;
    sqlite3_reset(stmt->get());
    sqlite3_bind_int64(stmt->get(), 1, static_cast<sqlite3_int64>(label));
    sqlite3_bind_int64(stmt->get(), 2, row->cid);
    if (sqlite3_step(stmt->get()) != SQLITE_ROW) continue;  // deleted by another process since the sync
    hits.push_back(SearchHit{column_id(stmt->get(), 0), results->scores[i], column_text(stmt->get(), 1)});
  }
  return hits;
}

Status CollectionStore::put_array(const std::string& name, const std::string& key, std::span<const float> values) {
  auto row = impl_->lookup(name);
  if (!row) return tl::unexpected(row.error());
  return impl_->write([&]() -> Status {
    auto stmt = impl_->prepare("INSERT OR REPLACE INTO collection_array (cid, key, value) VALUES (?, ?, ?)");
    if (!stmt) return tl::unexpected(stmt.error());
    sqlite3_bind_int64(stmt->get(), 1, row->cid);
    bind_text(stmt->get(), 2, key);
    sqlite3_bind_blob(stmt->get(), 3, values.data(), static_cast<int>(values.size_bytes()), SQLITE_TRANSIENT);
    if (sqlite3_step(stmt->get()) != SQLITE_DONE) return impl_->fail("cannot store array");
    return {};
  });
}

Expected<std::optional<std::vector<float>>> CollectionStore::get_array(const std::string& name, const std::string& key) {
  auto row = impl_->lookup(name);
  if (!row) return tl::unexpected(row.error());
  auto stmt = impl_->prepare("SELECT value FROM collection_array WHERE cid = ? AND key = ?");
  if (!stmt) return tl::unexpected(stmt.error());
  sqlite3_bind_int64(stmt->get(), 1, row->cid);
  bind_text(stmt->get(), 2, key);
  if (sqlite3_step(stmt->get()) != SQLITE_ROW) return std::optional<std::vector<float>>{};
  std::vector<float> values(static_cast<std::size_t>(sqlite3_column_bytes(stmt->get(), 0)) / sizeof(float));
  if (!values.empty()) std::memcpy(values.data(), sqlite3_column_blob(stmt->get(), 0), values.size() * sizeof(float));
  return std::optional<std::vector<float>>(std::move(values));
}

Status CollectionStore::check_integrity() {
  auto stmt = impl_->prepare("PRAGMA integrity_check");
  if (!stmt) return tl::unexpected(stmt.error());
  std::string found;
  while (sqlite3_step(stmt->get()) == SQLITE_ROW) found += (found.empty() ? "" : "; ") + column_text(stmt->get(), 0);
  if (found != "ok") return make_error(ErrorCode::kCorrupt, fmt::format("{}: integrity check: {}", impl_->path.string(), found));
  return {};
}

std::filesystem::path CollectionStore::snapshot_base(const std::string& name) const {
  return fs::path(impl_->path.string() + ".indexes") / file_safe(name);
}

std::filesystem::path semspace_home() {
  if (const char* home = std::getenv("SEMSPACE_HOME"); home != nullptr && *home != '\0') return home;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::filesystem::path(xdg) / "semspace";
  }
  const char* user_home = std::getenv("HOME");
  return std::filesystem::path(user_home != nullptr ? user_home : ".") / ".cache" / "semspace";
}

std::filesystem::path default_store_path() { return semspace_home() / "collections.db"; }

}  // namespace semspace::store
