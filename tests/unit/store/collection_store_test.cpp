// CollectionStore: points (ids of both kinds, last write wins, validation, delete, count), transactions, search
// against a double-precision brute force for each metric (with and without filters), the derived index's
// snapshot (catch-up, rebuild when missing, stale or corrupt), files that are not ours, the upgrade of the
// first store format.
#include "store/collection_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_test_util.hpp"

namespace semspace::store {
namespace {

namespace fs = std::filesystem;
using testing::open_or_die;
using testing::ScratchDir;
using testing::show;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<Point> random_points(int n, int dim, std::uint64_t seed, int first_id = 0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<Point> out;
  for (int i = 0; i < n; ++i) {
    Point p;
    p.id = (i % 2 == 0) ? PointId(std::int64_t{first_id + i}) : PointId("p" + std::to_string(first_id + i));
    for (int d = 0; d < dim; ++d) p.vector.push_back(normal(rng));
    p.metadata_json = "{\"i\":" + std::to_string(first_id + i) + ",\"even\":" + (i % 2 == 0 ? "true" : "false") + "}";
    out.push_back(std::move(p));
  }
  return out;
}

// Exact top k in double precision, ties to the earlier point; the reference for every search test.
std::vector<std::string> brute_force(const std::vector<Point>& points, std::span<const float> q, const std::string& metric,
                                     int k, const std::function<bool(const Point&)>& pass = nullptr) {
  std::vector<std::pair<double, std::string>> scored;
  for (const auto& p : points) {
    if (pass && !pass(p)) continue;
    double dot = 0, l2 = 0, np = 0, nq = 0;
    for (std::size_t d = 0; d < q.size(); ++d) {
      dot += double{p.vector[d]} * q[d];
      l2 += (double{p.vector[d]} - q[d]) * (double{p.vector[d]} - q[d]);
      np += double{p.vector[d]} * p.vector[d];
      nq += double{q[d]} * q[d];
    }
    double score = metric == "l2" ? -l2 : metric == "dot" ? dot : dot / std::sqrt(np * nq);
    scored.emplace_back(score, show(p.id));
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (int i = 0; i < k && i < static_cast<int>(scored.size()); ++i) out.push_back(scored[i].second);
  return out;
}

std::vector<std::string> ids_of(const std::vector<SearchHit>& hits) {
  std::vector<std::string> out;
  for (const auto& h : hits) out.push_back(show(h.id));
  return out;
}

TEST(CollectionStore, CreateInfoAndRefusals) {
  ScratchDir dir("create");
  auto store = open_or_die(dir / "c.db");
  ASSERT_TRUE(store.create(testing::info_of("a", 4, "l2")));
  auto info = store.info("a");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->dim, 4);
  EXPECT_EQ(info->metric, "l2");
  EXPECT_EQ(info->count, 0u);
  EXPECT_EQ(store.create(testing::info_of("a", 4)).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store.create(testing::info_of("b", 0)).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store.create(testing::info_of("b", 4, "hamming")).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store.info("nope").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store.upsert("nope", random_points(1, 4, 1)).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store.search("nope", std::vector<float>(4)).error().code, ErrorCode::kNotFound);
}

TEST(CollectionStore, IdsKeepTheirKindAndTheLastWriteWins) {
  ScratchDir dir("ids");
  auto store = open_or_die(dir / "c.db");
  ASSERT_TRUE(store.create(testing::info_of("c", 2)));
  std::vector<Point> batch = {{std::int64_t{7}, {1, 0}, R"({"v":"int first"})"},
                              {std::string("7"), {0, 1}, R"({"v":"string"})"},
                              {std::int64_t{7}, {1, 1}, R"({"v":"int last"})"}};
  ASSERT_TRUE(store.upsert("c", batch));
  EXPECT_EQ(*store.count("c"), 2u) << "7 and \"7\" are two ids; the duplicate in the batch is one";
  auto seven = store.get("c", PointId(std::int64_t{7}));
  ASSERT_TRUE(seven && *seven);
  EXPECT_EQ((*seven)->metadata_json, R"({"v":"int last"})");
  EXPECT_EQ((*seven)->vector, (std::vector<float>{1, 1}));
  ASSERT_TRUE(store.upsert("c", std::vector<Point>{{std::string("7"), {2, 2}, R"({"v":"again"})"}}));
  EXPECT_EQ((*store.get("c", PointId(std::string("7"))))->metadata_json, R"({"v":"again"})");
  EXPECT_EQ(*store.count("c"), 2u);
  EXPECT_FALSE(*store.get("c", PointId(std::int64_t{8})));
  auto hits = store.search("c", std::vector<float>{1, 1}, SearchOptions{.k = 5});
  ASSERT_TRUE(hits);
  ASSERT_EQ(hits->size(), 2u);
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(hits->at(0).id) || std::holds_alternative<std::int64_t>(hits->at(1).id));
  EXPECT_TRUE(std::holds_alternative<std::string>(hits->at(0).id) || std::holds_alternative<std::string>(hits->at(1).id));
}

// Analysis reads whole collections: every live point once, in first-stored order (an update keeps its place),
// and a visitor's error stops the scan.
TEST(CollectionStore, ForEachPointVisitsLivePointsInFirstStoredOrder) {
  ScratchDir dir("scan");
  auto store = open_or_die(dir / "c.db");
  ASSERT_TRUE(store.create(testing::info_of("c", 2)));
  ASSERT_TRUE(store.upsert("c", std::vector<Point>{{std::string("a"), {1, 0}, "{}"}, {std::int64_t{2}, {0, 1}, "{}"},
                                                   {std::string("c"), {1, 1}, R"({"k":1})"}}));
  ASSERT_TRUE(store.upsert("c", std::vector<Point>{{std::string("a"), {5, 5}, "{}"}, {std::string("d"), {2, 2}, "{}"}}));
  ASSERT_TRUE(store.remove("c", std::vector<PointId>{std::int64_t{2}}));
  std::vector<std::string> ids;
  std::vector<std::vector<float>> vectors;
  ASSERT_TRUE(store.for_each_point("c", [&](const Point& p) -> Status {
    ids.push_back(id_to_json(p.id));
    vectors.push_back(p.vector);
    return {};
  }));
  EXPECT_EQ(ids, (std::vector<std::string>{"\"a\"", "\"c\"", "\"d\""}));
  EXPECT_EQ(vectors[0], (std::vector<float>{5, 5}));
  int visited = 0;
  auto stopped = store.for_each_point("c", [&](const Point&) -> Status {
    ++visited;
    return make_error(ErrorCode::kInvalidArgument, "stop");
  });
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().message, "stop");
  EXPECT_EQ(visited, 1);
  EXPECT_FALSE(store.for_each_point("absent", [](const Point&) -> Status { return {}; }));
}

TEST(CollectionStore, ABadPointStoresNothingOfItsBatch) {
  ScratchDir dir("bad");
  auto store = open_or_die(dir / "c.db");
  ASSERT_TRUE(store.create(testing::info_of("c", 3)));
  ASSERT_TRUE(store.upsert("c", random_points(5, 3, 1)));
  auto batch = random_points(4, 3, 2, 100);
  batch[2].vector.pop_back();
  auto wrong_dim = store.upsert("c", batch);
  ASSERT_FALSE(wrong_dim);
  EXPECT_THAT(wrong_dim.error().message, ::testing::HasSubstr("dimension 2 but collection 'c' has dimension 3"));
  batch = random_points(4, 3, 2, 100);
  batch[1].vector[0] = std::nanf("");
  EXPECT_THAT(store.upsert("c", batch).error().message, ::testing::HasSubstr("\"p101\": vector has a non-finite value"));
  batch[1].vector[0] = std::numeric_limits<float>::infinity();
  EXPECT_FALSE(store.upsert("c", batch));
  batch = random_points(4, 3, 2, 100);
  batch[3].metadata_json = "[1]";
  EXPECT_THAT(store.upsert("c", batch).error().message, ::testing::HasSubstr("metadata is not a JSON object"));
  batch[3].metadata_json = "{";
  EXPECT_FALSE(store.upsert("c", batch));
  batch[3] = Point{std::string(""), {1, 2, 3}, "{}"};
  EXPECT_FALSE(store.upsert("c", batch));
  EXPECT_EQ(*store.count("c"), 5u);
  EXPECT_FALSE(*store.get("c", PointId(std::int64_t{100})));
}

TEST(CollectionStore, DeleteCountsAndSearchForgets) {
  ScratchDir dir("delete");
  auto store = open_or_die(dir / "c.db");
  ASSERT_TRUE(store.create(testing::info_of("c", 4)));
  auto points = random_points(50, 4, 3);
  ASSERT_TRUE(store.upsert("c", points));
  std::vector<float> q(points[10].vector);
  ASSERT_EQ(ids_of(*store.search("c", q, SearchOptions{.k = 1})), (std::vector<std::string>{"10"}));
  std::vector<PointId> gone = {PointId(std::int64_t{10}), PointId(std::string("p11")), PointId(std::string("absent"))};
  auto removed = store.remove("c", gone);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 2u);
  EXPECT_EQ(*store.count("c"), 48u);
  EXPECT_FALSE(*store.get("c", PointId(std::int64_t{10})));
  auto hits = store.search("c", q, SearchOptions{.k = 60});
  ASSERT_TRUE(hits);
  EXPECT_EQ(hits->size(), 48u);
  for (const auto& h : *hits) EXPECT_NE(show(h.id), "10");
  points.erase(points.begin() + 10, points.begin() + 12);
  EXPECT_EQ(ids_of(*hits), brute_force(points, q, "cosine", 60));
}

TEST(CollectionStore, TransactionsAreAllOrNothing) {
  ScratchDir dir("txn");
  auto store = open_or_die(dir / "c.db");
  ASSERT_TRUE(store.create(testing::info_of("c", 2)));
  ASSERT_TRUE(store.begin());
  ASSERT_TRUE(store.upsert("c", random_points(3, 2, 1)));
  EXPECT_FALSE(store.search("c", std::vector<float>{1, 0})) << "no snapshot of uncommitted data";
  store.rollback();
  EXPECT_EQ(*store.count("c"), 0u);
  ASSERT_TRUE(store.begin());
  ASSERT_TRUE(store.upsert("c", random_points(3, 2, 1)));
  auto bad = random_points(1, 2, 2, 10);
  bad[0].vector.push_back(1);
  EXPECT_FALSE(store.upsert("c", bad));  // validation fails before writing: the transaction continues
  ASSERT_TRUE(store.upsert("c", random_points(2, 2, 3, 20)));
  ASSERT_TRUE(store.commit());
  EXPECT_EQ(*store.count("c"), 5u);
  auto reopened = open_or_die(dir / "c.db");
  EXPECT_EQ(*reopened.count("c"), 5u);
}

class SearchByMetric : public ::testing::TestWithParam<std::string> {};

TEST_P(SearchByMetric, MatchesBruteForceWithAndWithoutFilters) {
  ScratchDir dir("search");
  auto store = open_or_die(dir / "c.db");
  const int dim = 13;
  ASSERT_TRUE(store.create(testing::info_of("c", dim, GetParam())));
  auto points = random_points(300, dim, 7);
  ASSERT_TRUE(store.upsert("c", std::span(points).first(150)));
  ASSERT_TRUE(store.upsert("c", std::span(points).subspan(150)));
  std::mt19937_64 rng(11);
  std::normal_distribution<float> normal;
  auto filter = parse_filter(R"({"i": {"$gte": 40, "$lt": 260}, "even": false})");
  ASSERT_TRUE(filter);
  for (int trial = 0; trial < 5; ++trial) {
    std::vector<float> q(dim);
    for (float& x : q) x = normal(rng);
    auto hits = store.search("c", q, SearchOptions{.k = 10});
    ASSERT_TRUE(hits) << hits.error().message;
    EXPECT_EQ(ids_of(*hits), brute_force(points, q, GetParam(), 10));
    for (std::size_t i = 1; i < hits->size(); ++i) EXPECT_GE((*hits)[i - 1].score, (*hits)[i].score);
    auto filtered = store.search("c", q, SearchOptions{.k = 10, .filter = &*filter});
    ASSERT_TRUE(filtered);
    auto pass = [](const Point& p) {
      auto i = std::stoi(p.metadata_json.substr(5));
      return i >= 40 && i < 260 && i % 2 == 1;
    };
    EXPECT_EQ(ids_of(*filtered), brute_force(points, q, GetParam(), 10, pass));
  }
  auto none = parse_filter(R"({"i": {"$lt": 0}})");
  EXPECT_TRUE(store.search("c", std::vector<float>(dim, 1), SearchOptions{.k = 3, .filter = &*none})->empty());
  EXPECT_EQ(store.search("c", std::vector<float>(dim + 1, 1)).error().code, ErrorCode::kInvalidArgument);
  std::vector<float> nan(dim, 1);
  nan[3] = std::nanf("");
  EXPECT_EQ(store.search("c", nan).error().code, ErrorCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Metrics, SearchByMetric, ::testing::Values("cosine", "l2", "dot"));

// The derived index: snapshots are caught up, and rebuilt (with one notice) whenever they cannot be trusted.
class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = open();
    ASSERT_TRUE(store.create(testing::info_of("docs/v1", dim_, "l2")));
    points_ = random_points(200, dim_, 5);
    ASSERT_TRUE(store.upsert("docs/v1", points_));
    ASSERT_TRUE(store.sync_index("docs/v1"));
    base_ = store.snapshot_base("docs/v1");
    notices_.clear();
  }
  CollectionStore open() {
    auto store = open_or_die(dir_ / "c.db");
    store.set_notice_handler([this](const std::string& line) { notices_.push_back(line); });
    return store;
  }
  std::vector<std::string> search(CollectionStore& store) {
    auto hits = store.search("docs/v1", points_[17].vector, SearchOptions{.k = 8});
    EXPECT_TRUE(hits) << hits.error().message;
    return hits ? ids_of(*hits) : std::vector<std::string>{};
  }
  fs::path index_file() const { return fs::path(base_.string() + ".hnsw"); }

  const int dim_ = 6;
  ScratchDir dir_{"snapshot"};
  std::vector<Point> points_;
  fs::path base_;
  std::vector<std::string> notices_;
};

TEST_F(SnapshotTest, LivesNextToTheDatabaseUnderAFileSafeName) {
  EXPECT_EQ(base_, dir_ / "c.db.indexes" / "docs%2Fv1");
  EXPECT_TRUE(fs::exists(index_file()));
  EXPECT_TRUE(fs::exists(fs::path(base_.string() + ".hnsw.json")));
}

TEST_F(SnapshotTest, ACurrentSnapshotIsUsedAsItIs) {
  auto store = open();
  EXPECT_EQ(search(store), brute_force(points_, points_[17].vector, "l2", 8));
  EXPECT_TRUE(notices_.empty());
}

TEST_F(SnapshotTest, AnOlderSnapshotCatchesUpWithoutARebuild) {
  const std::vector<float> q = points_[17].vector;
  auto more = random_points(20, dim_, 9, 1000);
  more.push_back(Point{std::int64_t{0}, q, R"({"moved":true})"});  // id 0 moves onto the query
  {
    auto writer = open();
    ASSERT_TRUE(writer.upsert("docs/v1", more));
    std::vector<PointId> gone = {PointId(std::string("p17")), PointId(std::int64_t{2})};
    ASSERT_EQ(*writer.remove("docs/v1", gone), 2u);
  }
  points_[0].vector = q;
  points_.erase(points_.begin() + 17);
  points_.erase(points_.begin() + 2);
  points_.insert(points_.end(), more.begin(), more.end() - 1);
  auto reader = open();
  auto hits = reader.search("docs/v1", q, SearchOptions{.k = 8});
  ASSERT_TRUE(hits);
  EXPECT_EQ(ids_of(*hits), brute_force(points_, q, "l2", 8));
  EXPECT_EQ(show(hits->front().id), "0");
  EXPECT_TRUE(notices_.empty()) << notices_.front();
}

TEST_F(SnapshotTest, AnIndexInMemoryCatchesUpWithWritesOfThisAndOtherHandles) {
  auto store = open();
  auto other = open();
  const std::vector<float> q = points_[17].vector;
  EXPECT_EQ(search(store), brute_force(points_, q, "l2", 8));
  for (int round = 0; round < 3; ++round) {
    auto& writer = round % 2 == 0 ? store : other;
    auto more = random_points(5, dim_, 100 + round, 2000 + 10 * round);
    more[0].vector = q;
    more[0].vector[0] += 0.1f * static_cast<float>(round + 1);  // near q, but no ties: the order is defined
    ASSERT_TRUE(writer.upsert("docs/v1", more));
    std::vector<PointId> gone = {PointId(fmt::format("p{}", 2001 + 10 * (round - 1)))};
    if (round > 0) {
      ASSERT_EQ(*writer.remove("docs/v1", gone), 1u);
    }
    points_.insert(points_.end(), more.begin(), more.end());
    if (round > 0) {
      const std::string id = fmt::format("\"p{}\"", 2001 + 10 * (round - 1));
      std::erase_if(points_, [&](const Point& p) { return show(p.id) == id; });
    }
    auto hits = store.search("docs/v1", q, SearchOptions{.k = 8});
    ASSERT_TRUE(hits);
    EXPECT_EQ(ids_of(*hits), brute_force(points_, q, "l2", 8)) << "round " << round;
  }
  EXPECT_TRUE(notices_.empty()) << notices_.front();
}

TEST_F(SnapshotTest, AMissingSnapshotIsRebuiltWithTheSameResults) {
  auto expected = brute_force(points_, points_[17].vector, "l2", 8);
  fs::remove(index_file());
  auto store = open();
  EXPECT_EQ(search(store), expected);
  ASSERT_EQ(notices_.size(), 1u);
  EXPECT_THAT(notices_[0], ::testing::HasSubstr("rebuilding"));
  EXPECT_TRUE(fs::exists(index_file())) << "the rebuild writes a new snapshot";
  notices_.clear();
  auto again = open();
  EXPECT_EQ(search(again), expected);
  EXPECT_TRUE(notices_.empty());
}

TEST_F(SnapshotTest, ACorruptOrTruncatedSnapshotIsRebuilt) {
  auto expected = brute_force(points_, points_[17].vector, "l2", 8);
  std::string bytes = slurp(index_file());
  bytes[bytes.size() / 2] ^= 0x40;  // one flipped bit in a vector: only the checksum can tell
  std::ofstream(index_file(), std::ios::binary | std::ios::trunc) << bytes;
  {
    auto store = open();
    EXPECT_EQ(search(store), expected);
    ASSERT_EQ(notices_.size(), 1u);
    EXPECT_THAT(notices_[0], ::testing::HasSubstr("checksum"));
  }
  fs::resize_file(index_file(), fs::file_size(index_file()) - 100);
  notices_.clear();
  auto store = open();
  EXPECT_EQ(search(store), expected);
  ASSERT_EQ(notices_.size(), 1u);
  EXPECT_THAT(notices_[0], ::testing::HasSubstr("rebuilding"));
  EXPECT_THAT(notices_[0], ::testing::HasSubstr("truncated"));
}

TEST_F(SnapshotTest, ASnapshotThatCannotBeWrittenDoesNotStopSearch) {
  fs::remove(index_file());
  fs::create_directories(index_file() / "in-the-way");  // rename(2) cannot replace a non-empty folder
  auto store = open();
  EXPECT_EQ(search(store), brute_force(points_, points_[17].vector, "l2", 8));
  ASSERT_EQ(notices_.size(), 2u);
  EXPECT_THAT(notices_[1], ::testing::HasSubstr("index snapshot not saved"));
}

TEST_F(SnapshotTest, ASnapshotOlderThanTheRememberedDeletionsIsRebuilt) {
  fs::copy_file(index_file(), dir_ / "old.hnsw");
  fs::copy_file(fs::path(base_.string() + ".hnsw.json"), dir_ / "old.json");
  {
    auto writer = open();
    std::vector<PointId> gone = {PointId(std::int64_t{4})};
    ASSERT_TRUE(writer.remove("docs/v1", gone));
    ASSERT_TRUE(writer.sync_index("docs/v1"));  // a new snapshot: the deletion log before it is forgotten
  }
  fs::copy_file(dir_ / "old.hnsw", index_file(), fs::copy_options::overwrite_existing);
  fs::copy_file(dir_ / "old.json", fs::path(base_.string() + ".hnsw.json"), fs::copy_options::overwrite_existing);
  const std::vector<float> q = points_[17].vector;
  points_.erase(points_.begin() + 4);
  auto store = open();
  auto hits = store.search("docs/v1", q, SearchOptions{.k = 8});
  ASSERT_TRUE(hits);
  EXPECT_EQ(ids_of(*hits), brute_force(points_, q, "l2", 8));
  ASSERT_EQ(notices_.size(), 1u);
  EXPECT_THAT(notices_[0], ::testing::HasSubstr("too old"));
}

TEST_F(SnapshotTest, DropRemovesTheSnapshotAndANewCollectionIgnoresLeftovers) {
  fs::copy_file(index_file(), dir_ / "old.hnsw");
  fs::copy_file(fs::path(base_.string() + ".hnsw.json"), dir_ / "old.json");
  auto store = open();
  ASSERT_TRUE(store.drop("docs/v1"));
  EXPECT_FALSE(fs::exists(index_file()));
  ASSERT_TRUE(store.create(testing::info_of("docs/v1", dim_, "l2")));
  ASSERT_TRUE(store.upsert("docs/v1", random_points(3, dim_, 99)));
  fs::copy_file(dir_ / "old.hnsw", index_file(), fs::copy_options::overwrite_existing);
  fs::copy_file(dir_ / "old.json", fs::path(base_.string() + ".hnsw.json"), fs::copy_options::overwrite_existing);
  auto hits = store.search("docs/v1", points_[17].vector, SearchOptions{.k = 10});
  ASSERT_TRUE(hits);
  EXPECT_EQ(hits->size(), 3u) << "the old snapshot belongs to the dropped collection";
}

TEST(CollectionStoreFiles, RefusesFilesThatAreNotOursAndLeavesThemUntouched) {
  ScratchDir dir("foreign");
  const fs::path text = dir / "notes.db";
  std::ofstream(text) << "these are my notes, not a database\n";
  auto opened = CollectionStore::open(text);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::kCorrupt);
  EXPECT_THAT(opened.error().message, ::testing::HasSubstr("not a semspace collection database"));
  EXPECT_EQ(slurp(text), "these are my notes, not a database\n");

  const fs::path other = dir / "other.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(other.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE invoices (n INTEGER); INSERT INTO invoices VALUES (1);", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const std::string before = slurp(other);
  opened = CollectionStore::open(other);
  ASSERT_FALSE(opened);
  EXPECT_THAT(opened.error().message, ::testing::HasSubstr("invoices"));
  EXPECT_EQ(slurp(other), before);
  EXPECT_FALSE(fs::exists(fs::path(other.string() + "-wal"))) << "not even switched to WAL";
}

TEST(CollectionStoreFiles, UpgradesTheFirstStoreFormat) {
  ScratchDir dir("v1");
  const fs::path path = dir / "old.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  const float v[2] = {1, 0};
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE collections (name TEXT PRIMARY KEY, dim INTEGER NOT NULL, metric TEXT NOT NULL,"
                         " model TEXT NOT NULL, fingerprint TEXT NOT NULL, encoder TEXT NOT NULL DEFAULT '{}');"
                         "CREATE TABLE points (collection TEXT NOT NULL, id TEXT NOT NULL, vector BLOB NOT NULL,"
                         " metadata TEXT NOT NULL, PRIMARY KEY (collection, id)) WITHOUT ROWID;"
                         "CREATE TABLE arrays (collection TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL,"
                         " PRIMARY KEY (collection, key));"
                         "INSERT INTO collections VALUES ('demo', 2, 'cosine', 'm.sem', 'abc', '{\"pooling\":\"mean\"}');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO points VALUES ('demo', 'muesli', ?, '{\"kind_of\":\"food\"}')", -1, &stmt, nullptr);
  sqlite3_bind_blob(stmt, 1, v, sizeof v, SQLITE_STATIC);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_DONE);
  sqlite3_finalize(stmt);
  sqlite3_prepare_v2(db, "INSERT INTO arrays VALUES ('demo', 'sif_component', ?)", -1, &stmt, nullptr);
  sqlite3_bind_blob(stmt, 1, v, sizeof v, SQLITE_STATIC);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_DONE);
  sqlite3_finalize(stmt);
  sqlite3_close(db);

  auto store = open_or_die(path);
  auto info = store.info("demo");
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->count, 1u);
  EXPECT_EQ(info->fingerprint, "abc");
  EXPECT_EQ(info->encoder, "{\"pooling\":\"mean\"}");
  auto point = store.get("demo", PointId(std::string("muesli")));
  ASSERT_TRUE(point && *point);
  EXPECT_EQ((*point)->metadata_json, "{\"kind_of\":\"food\"}");
  EXPECT_EQ((*store.get_array("demo", "sif_component"))->size(), 2u);
  auto hits = store.search("demo", std::vector<float>{1, 0});
  ASSERT_TRUE(hits);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_TRUE(store.check_integrity());
  auto reopened = open_or_die(path);
  EXPECT_EQ(*reopened.count("demo"), 1u);
}

}  // namespace
}  // namespace semspace::store
