#include "store/collection_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <queue>

#include <fmt/format.h>

namespace semspace::store {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE IF NOT EXISTS collections (
  name TEXT PRIMARY KEY, dim INTEGER NOT NULL, metric TEXT NOT NULL, model TEXT NOT NULL, fingerprint TEXT NOT NULL,
  encoder TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS points (
  collection TEXT NOT NULL, id TEXT NOT NULL, vector BLOB NOT NULL, metadata TEXT NOT NULL,
  PRIMARY KEY (collection, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS arrays (
  collection TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (collection, key));
)sql";

}  // namespace

struct CollectionStore::Impl {
  Db db;
  std::string path;

  tl::unexpected<Error> fail(const std::string& what) const {
    return make_error(ErrorCode::kIo, fmt::format("{}: {}: {}", path, what, sqlite3_errmsg(db.get())));
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
      return make_error(ErrorCode::kIo, fmt::format("{}: {}", path, text));
    }
    return {};
  }
};

CollectionStore::CollectionStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CollectionStore::CollectionStore(CollectionStore&&) noexcept = default;
CollectionStore& CollectionStore::operator=(CollectionStore&&) noexcept = default;
CollectionStore::~CollectionStore() = default;

Expected<CollectionStore> CollectionStore::open(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto impl = std::make_unique<Impl>();
  impl->db.reset(raw);
  impl->path = path.string();
  if (rc != SQLITE_OK) return impl->fail("cannot open database");
  sqlite3_busy_timeout(raw, 5000);
  if (auto ok = impl->exec(kSchema); !ok) return tl::unexpected(ok.error());
  // Databases made before collections recorded their text encoder get the column with its default.
  auto has_encoder = impl->prepare("SELECT 1 FROM pragma_table_info('collections') WHERE name = 'encoder'");
  if (!has_encoder) return tl::unexpected(has_encoder.error());
  if (sqlite3_step(has_encoder->get()) != SQLITE_ROW) {
    if (auto ok = impl->exec("ALTER TABLE collections ADD COLUMN encoder TEXT NOT NULL DEFAULT '{}';"); !ok) {
      return tl::unexpected(ok.error());
    }
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
  if (info.metric != "cosine" && info.metric != "dot" && info.metric != "l2") {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("unknown metric \"{}\" (expected cosine, dot or l2)", info.metric));
  }
  auto existing = this->info(info.name);
  if (existing) return make_error(ErrorCode::kInvalidArgument, fmt::format("collection '{}' already exists", info.name));
  auto stmt = impl_->prepare("INSERT INTO collections(name, dim, metric, model, fingerprint, encoder) VALUES (?, ?, ?, ?, ?, ?)");
  if (!stmt) return tl::unexpected(stmt.error());
  sqlite3_bind_text(stmt->get(), 1, info.name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(stmt->get(), 2, info.dim);
  sqlite3_bind_text(stmt->get(), 3, info.metric.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(stmt->get(), 4, info.model.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(stmt->get(), 5, info.fingerprint.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(stmt->get(), 6, info.encoder.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(stmt->get()) != SQLITE_DONE) return impl_->fail("cannot create collection");
  return {};
}

Expected<CollectionInfo> CollectionStore::info(const std::string& name) {
  auto stmt = impl_->prepare(
      "SELECT dim, metric, model, fingerprint, (SELECT count(*) FROM points WHERE collection = ?1), encoder "
      "FROM collections WHERE name = ?1");
  if (!stmt) return tl::unexpected(stmt.error());
  sqlite3_bind_text(stmt->get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
  int rc = sqlite3_step(stmt->get());
  if (rc == SQLITE_DONE) {
    return make_error(ErrorCode::kNotFound, fmt::format("collection '{}' does not exist in {}", name, impl_->path));
  }
  if (rc != SQLITE_ROW) return impl_->fail("cannot read collection");
  CollectionInfo out;
  out.name = name;
  out.dim = sqlite3_column_int(stmt->get(), 0);
  out.metric = reinterpret_cast<const char*>(sqlite3_column_text(stmt->get(), 1));
  out.model = reinterpret_cast<const char*>(sqlite3_column_text(stmt->get(), 2));
  out.fingerprint = reinterpret_cast<const char*>(sqlite3_column_text(stmt->get(), 3));
  out.count = static_cast<std::uint64_t>(sqlite3_column_int64(stmt->get(), 4));
  out.encoder = reinterpret_cast<const char*>(sqlite3_column_text(stmt->get(), 5));
  return out;
}

Expected<std::vector<CollectionInfo>> CollectionStore::list() {
  auto stmt = impl_->prepare("SELECT name FROM collections ORDER BY name");
  if (!stmt) return tl::unexpected(stmt.error());
  std::vector<std::string> names;
  while (sqlite3_step(stmt->get()) == SQLITE_ROW) {
    names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt->get(), 0)));
  }
  std::vector<CollectionInfo> out;
  for (const auto& n : names) {
    auto i = info(n);
    if (!i) return tl::unexpected(i.error());
    out.push_back(std::move(*i));
  }
  return out;
}

Status CollectionStore::drop(const std::string& name) {
  if (auto i = info(name); !i) return tl::unexpected(i.error());
  if (auto ok = impl_->exec("BEGIN IMMEDIATE;"); !ok) return ok;
  for (const char* sql : {"DELETE FROM points WHERE collection = ?", "DELETE FROM arrays WHERE collection = ?",
                          "DELETE FROM collections WHERE name = ?"}) {
    auto stmt = impl_->prepare(sql);
    if (!stmt || (sqlite3_bind_text(stmt->get(), 1, name.c_str(), -1, SQLITE_TRANSIENT),
                  sqlite3_step(stmt->get()) != SQLITE_DONE)) {
      auto error = impl_->fail(fmt::format("cannot drop collection '{}'", name));
      (void)impl_->exec("ROLLBACK;");
      return error;
    }
  }
  return impl_->exec("COMMIT;");
}

Status CollectionStore::upsert(const std::string& name, std::span<const Point> points) {
  auto collection = info(name);
  if (!collection) return tl::unexpected(collection.error());
  for (const auto& p : points) {
    if (p.id.empty()) return make_error(ErrorCode::kInvalidArgument, "a point has an empty id");
    if (static_cast<int>(p.vector.size()) != collection->dim) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("point \"{}\": vector has dimension {} but collection '{}' has dimension {}", p.id,
                                    p.vector.size(), name, collection->dim));
    }
    for (float x : p.vector) {
      if (!std::isfinite(x)) {
        return make_error(ErrorCode::kInvalidArgument, fmt::format("point \"{}\": vector has a non-finite value", p.id));
      }
    }
  }
  if (auto ok = impl_->exec("BEGIN IMMEDIATE;"); !ok) return ok;
  auto stmt = impl_->prepare("INSERT OR REPLACE INTO points(collection, id, vector, metadata) VALUES (?, ?, ?, ?)");
  if (!stmt) {
    (void)impl_->exec("ROLLBACK;");
    return tl::unexpected(stmt.error());
  }
  for (const auto& p : points) {
    sqlite3_reset(stmt->get());
    sqlite3_bind_text(stmt->get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt->get(), 2, p.id.c_str(), static_cast<int>(p.id.size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(stmt->get(), 3, p.vector.data(), static_cast<int>(p.vector.size() * sizeof(float)),
                      SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt->get(), 4, p.metadata_json.c_str(), static_cast<int>(p.metadata_json.size()),
                      SQLITE_TRANSIENT);
    if (sqlite3_step(stmt->get()) != SQLITE_DONE) {
      auto error = impl_->fail(fmt::format("cannot store point \"{}\"", p.id));
      (void)impl_->exec("ROLLBACK;");
      return error;
    }
  }
  return impl_->exec("COMMIT;");
}

Expected<std::optional<Point>> CollectionStore::get(const std::string& name, const std::string& id) {
  auto stmt = impl_->prepare("SELECT vector, metadata FROM points WHERE collection = ? AND id = ?");
  if (!stmt) return tl::unexpected(stmt.error());
  sqlite3_bind_text(stmt->get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(stmt->get(), 2, id.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(stmt->get()) != SQLITE_ROW) return std::optional<Point>{};
  Point p;
  p.id = id;
  auto bytes = static_cast<std::size_t>(sqlite3_column_bytes(stmt->get(), 0));
  p.vector.resize(bytes / sizeof(float));
  std::memcpy(p.vector.data(), sqlite3_column_blob(stmt->get(), 0), p.vector.size() * sizeof(float));
  p.metadata_json = reinterpret_cast<const char*>(sqlite3_column_text(stmt->get(), 1));
  return std::optional<Point>(std::move(p));
}

Status CollectionStore::remove(const std::string& name, const std::string& id) {
  auto stmt = impl_->prepare("DELETE FROM points WHERE collection = ? AND id = ?");
  if (!stmt) return tl::unexpected(stmt.error());
  sqlite3_bind_text(stmt->get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(stmt->get(), 2, id.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(stmt->get()) != SQLITE_DONE) return impl_->fail("cannot delete point");
  return {};
}

Expected<std::vector<SearchHit>> CollectionStore::search(const std::string& name, std::span<const float> query, int k) {
  auto collection = info(name);
  if (!collection) return tl::unexpected(collection.error());
  if (static_cast<int>(query.size()) != collection->dim) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("query has dimension {} but collection '{}' has {}",
                                                               query.size(), name, collection->dim));
  }
  if (k < 1) return make_error(ErrorCode::kInvalidArgument, fmt::format("-k must be at least 1, got {}", k));
  std::vector<float> q(query.begin(), query.end());
  const bool cosine = collection->metric == "cosine", l2 = collection->metric == "l2";
  if (cosine) {
    double norm = 0;
    for (float x : q) norm += static_cast<double>(x) * x;
    if (norm > 0) for (float& x : q) x = static_cast<float>(x / std::sqrt(norm));
  }
  auto stmt = impl_->prepare("SELECT id, vector FROM points WHERE collection = ?");
  if (!stmt) return tl::unexpected(stmt.error());
  sqlite3_bind_text(stmt->get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
  using Entry = std::pair<float, std::string>;
  auto worse = [](const Entry& a, const Entry& b) { return a.first > b.first; };  // min-heap on score
  std::priority_queue<Entry, std::vector<Entry>, decltype(worse)> best(worse);
  const int dim = collection->dim;
  while (sqlite3_step(stmt->get()) == SQLITE_ROW) {
    const auto* v = static_cast<const float*>(sqlite3_column_blob(stmt->get(), 1));
    if (sqlite3_column_bytes(stmt->get(), 1) != dim * static_cast<int>(sizeof(float))) continue;
    float score = 0;
    if (l2) {
      for (int i = 0; i < dim; ++i) score -= (v[i] - q[i]) * (v[i] - q[i]);
    } else {
      double dot = 0, norm = 0;
      for (int i = 0; i < dim; ++i) dot += v[i] * q[i], norm += v[i] * v[i];
      score = static_cast<float>(cosine ? (norm > 0 ? dot / std::sqrt(norm) : 0.0) : dot);
    }
    if (static_cast<int>(best.size()) < k) {
      best.emplace(score, reinterpret_cast<const char*>(sqlite3_column_text(stmt->get(), 0)));
    } else if (score > best.top().first) {
      best.pop();
      best.emplace(score, reinterpret_cast<const char*>(sqlite3_column_text(stmt->get(), 0)));
    }
  }
  std::vector<SearchHit> hits;
  while (!best.empty()) {
    hits.push_back(SearchHit{best.top().second, best.top().first, {}});
    best.pop();
  }
  std::reverse(hits.begin(), hits.end());
  for (auto& hit : hits) {
    auto point = get(name, hit.id);
    if (point && *point) hit.metadata_json = (*point)->metadata_json;
  }
  return hits;
}

Status CollectionStore::put_array(const std::string& name, const std::string& key, std::span<const float> values) {
  auto stmt = impl_->prepare("INSERT OR REPLACE INTO arrays(collection, key, value) VALUES (?, ?, ?)");
  if (!stmt) return tl::unexpected(stmt.error());
  sqlite3_bind_text(stmt->get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(stmt->get(), 2, key.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob(stmt->get(), 3, values.data(), static_cast<int>(values.size_bytes()), SQLITE_TRANSIENT);
  if (sqlite3_step(stmt->get()) != SQLITE_DONE) return impl_->fail("cannot store array");
  return {};
}

Expected<std::optional<std::vector<float>>> CollectionStore::get_array(const std::string& name, const std::string& key) {
  auto stmt = impl_->prepare("SELECT value FROM arrays WHERE collection = ? AND key = ?");
  if (!stmt) return tl::unexpected(stmt.error());
  sqlite3_bind_text(stmt->get(), 1, name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(stmt->get(), 2, key.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(stmt->get()) != SQLITE_ROW) return std::optional<std::vector<float>>{};
  std::vector<float> values(static_cast<std::size_t>(sqlite3_column_bytes(stmt->get(), 0)) / sizeof(float));
  std::memcpy(values.data(), sqlite3_column_blob(stmt->get(), 0), values.size() * sizeof(float));
  return std::optional<std::vector<float>>(std::move(values));
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
