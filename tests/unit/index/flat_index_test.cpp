// FlatIndex against brute-force search in double precision: every metric, f32 and SQ8 storage, each scan path
// (sgemm, per-query, rows split across threads, filtered), after removes and upserts; save/load round trips
// and refusal of damaged files.
#include "index/flat_index.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace semspace::index {
namespace {

namespace fs = std::filesystem;

struct Rows {
  std::size_t rows = 0, cols = 0;
  std::vector<float> values;
  MatrixView view() const { return {values.data(), rows, cols, cols}; }
  std::vector<float> row(std::size_t r) const { return {values.begin() + r * cols, values.begin() + (r + 1) * cols}; }
};

// Gaussian clusters around a few random centres, like real embeddings rather than uniform noise.
Rows clustered(std::size_t rows, std::size_t cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> centres(8 * cols);
  for (auto& x : centres) x = 2 * normal(rng);
  Rows out{rows, cols, std::vector<float>(rows * cols)};
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t c = rng() % 8;
    for (std::size_t d = 0; d < cols; ++d) out.values[r * cols + d] = centres[c * cols + d] + normal(rng);
  }
  return out;
}

// What the index should hold: label -> the vector it scores against (decoded, for SQ8).
using Model = std::map<std::uint64_t, std::vector<float>>;

double exact_score(const std::vector<float>& q, const std::vector<float>& x, Metric metric) {
  double dot = 0, qq = 0, xx = 0, l2 = 0;
  for (std::size_t d = 0; d < q.size(); ++d) {
    dot += double{q[d]} * x[d];
    qq += double{q[d]} * q[d];
    xx += double{x[d]} * x[d];
    l2 += (double{q[d]} - x[d]) * (double{q[d]} - x[d]);
  }
  switch (metric) {
    case Metric::kL2: return -l2;
    case Metric::kDot: return dot;
    case Metric::kCosine: return qq > 0 && xx > 0 ? dot / std::sqrt(qq * xx) : 0.0;
  }
  return 0;
}

// Checks one result row: scores match the exact k best within tol, and each returned label's exact score is
// the exact score at its rank (so ties may come in any order, but no wrong point can).
// An SQ8 cosine index scores the normalised query against the decoded code, which is only approximately of
// unit length (and not at all when a value was clamped), so the exact reference is that dot product.
void expect_exact(const SearchResults& results, std::size_t q, std::vector<float> query, const Model& model,
                  const FlatIndex& index, const LabelSet* filter, double tol) {
  Metric metric = index.metric();
  if (metric == Metric::kCosine && index.storage() == FlatStorage::kSq8) {
    const double norm = std::sqrt(exact_score(query, query, Metric::kDot));
    for (auto& x : query) x = static_cast<float>(x / norm);
    metric = Metric::kDot;
  }
  std::vector<std::pair<double, std::uint64_t>> exact;
  for (const auto& [label, vector] : model) {
    if (filter == nullptr || filter->contains(label)) exact.emplace_back(exact_score(query, vector, metric), label);
  }
  std::sort(exact.begin(), exact.end(), std::greater<>());
  for (std::size_t j = 0; j < results.k; ++j) {
    const std::uint64_t label = results.labels_of(q)[j];
    const float score = results.scores_of(q)[j];
    if (j >= exact.size()) {
      EXPECT_EQ(label, kNoLabel) << "rank " << j;
      EXPECT_EQ(score, -INFINITY) << "rank " << j;
      continue;
    }
    ASSERT_NE(label, kNoLabel) << "rank " << j;
    ASSERT_TRUE(model.contains(label)) << "returned a label that is not stored: " << label;
    if (filter) {
      ASSERT_TRUE(filter->contains(label)) << "label " << label << " does not pass the filter";
    }
    EXPECT_NEAR(score, exact[j].first, tol) << "query " << q << " rank " << j;
    EXPECT_NEAR(exact_score(query, model.at(label), metric), exact[j].first, tol)
        << "query " << q << " rank " << j << " label " << label << " is not among the exact best";
  }
}

double tolerance(const Rows& queries, const Model& model) {
  double biggest = 0;
  for (const auto& [label, v] : model) biggest = std::max(biggest, exact_score(v, v, Metric::kDot));
  for (std::size_t q = 0; q < queries.rows; ++q) biggest = std::max(biggest, exact_score(queries.row(q), queries.row(q), Metric::kDot));
  return 1e-5 * (1 + 2 * biggest);
}

Model model_of(const FlatIndex& index, const std::vector<std::uint64_t>& labels, const Rows& data) {
  Model model;
  for (std::size_t r = 0; r < labels.size(); ++r) {
    std::vector<float> v = data.row(r);
    if (const Sq8Codec* codec = index.codec()) {
      if (index.metric() == Metric::kCosine) {
        double norm = std::sqrt(exact_score(v, v, Metric::kDot));
        for (auto& x : v) x = static_cast<float>(x / norm);
      }
      std::vector<std::uint8_t> code(v.size());
      codec->encode(v.data(), code.data());
      codec->decode(code.data(), v.data());
    }
    model[labels[r]] = v;
  }
  return model;
}

std::vector<std::uint64_t> spread_labels(std::size_t n) {
  std::vector<std::uint64_t> labels(n);
  for (std::size_t i = 0; i < n; ++i) labels[i] = i * 7919 + 3;  // sparse, not slot numbers
  return labels;
}

constexpr Metric kMetrics[] = {Metric::kL2, Metric::kCosine, Metric::kDot};

TEST(FlatIndex, EveryMetricAndPathMatchesBruteForce) {
  const Rows data = clustered(3000, 37, 1);
  const auto labels = spread_labels(data.rows);
  for (FlatStorage storage : {FlatStorage::kF32, FlatStorage::kSq8}) {
    for (Metric metric : kMetrics) {
      auto index = FlatIndex::create(37, metric, storage);
      ASSERT_TRUE(index);
      ASSERT_TRUE((*index)->add(labels, data.view(), 2));
      EXPECT_EQ((*index)->size(), data.rows);
      const Model model = model_of(**index, labels, data);
      for (std::size_t nq : {1u, 3u, 20u, 300u}) {  // 20 and 300 take the sgemm path for f32
        Rows queries = clustered(nq, 37, 100 + static_cast<unsigned>(nq));
        // Some queries are stored rows at the ends and at block edges, so a scan that drops a row shows.
        const std::size_t self_rows[] = {0, 2999, 1023, 1024, 2047, 2048};
        for (std::size_t i = 0; i < std::min<std::size_t>(nq, 6); ++i) {
          std::copy_n(data.values.begin() + self_rows[i] * 37, 37, queries.values.begin() + i * 37);
        }
        for (int threads : {1, 2}) {
          auto results = (*index)->search(queries.view(), {.k = 10, .threads = threads});
          ASSERT_TRUE(results);
          for (std::size_t q = 0; q < nq; ++q) {
            SCOPED_TRACE(::testing::Message() << metric_name(metric) << (storage == FlatStorage::kSq8 ? " sq8" : " f32")
                                              << " nq " << nq << " threads " << threads);
            expect_exact(*results, q, queries.row(q), model, **index, nullptr, tolerance(queries, model));
          }
        }
      }
    }
  }
}

TEST(FlatIndex, OneQueryOnALargeBaseSplitsRowsAcrossThreads) {
  const Rows data = clustered(40000, 8, 2);
  const auto labels = spread_labels(data.rows);
  const Rows queries = clustered(1, 8, 3);
  for (Metric metric : kMetrics) {
    auto index = FlatIndex::create(8, metric);
    ASSERT_TRUE((*index)->add(labels, data.view()));
    const Model model = model_of(**index, labels, data);
    auto results = (*index)->search(queries.view(), {.k = 25, .threads = 2});
    ASSERT_TRUE(results);
    expect_exact(*results, 0, queries.row(0), model, **index, nullptr, tolerance(queries, model));
  }
}

TEST(FlatIndex, FiltersRemovesAndUpserts) {
  const Rows data = clustered(2000, 16, 4);
  const Rows replacement = clustered(300, 16, 5);
  const auto labels = spread_labels(data.rows);
  for (FlatStorage storage : {FlatStorage::kF32, FlatStorage::kSq8}) {
    for (Metric metric : kMetrics) {
      auto created = FlatIndex::create(16, metric, storage);
      FlatIndex& index = **created;
      ASSERT_TRUE(index.add(labels, data.view()));
      Model model = model_of(index, labels, data);
      // Remove every third label (and one never stored), then upsert: 200 existing labels get new vectors and
      // 100 new labels arrive; one label appears twice in the batch and the later row must win.
      std::vector<std::uint64_t> removed = {999999999};
      for (std::size_t i = 0; i < labels.size(); i += 3) removed.push_back(labels[i]);
      ASSERT_TRUE(index.remove(removed));
      for (std::uint64_t label : removed) model.erase(label);
      std::vector<std::uint64_t> upserted;
      for (std::size_t i = 0; i < 200; ++i) upserted.push_back(labels[1 + 3 * i]);
      for (std::size_t i = 0; i < 99; ++i) upserted.push_back(5000000 + i);
      upserted.push_back(upserted[0]);
      ASSERT_TRUE(index.add(upserted, replacement.view()));
      Model changes = model_of(index, upserted, replacement);  // map assignment: the later row wins
      for (auto& [label, v] : changes) model[label] = v;
      EXPECT_EQ(index.size(), model.size());
      EXPECT_FALSE(index.contains(labels[0]));
      EXPECT_TRUE(index.contains(5000000));

      const Rows queries = clustered(12, 16, 6);
      const double tol = tolerance(queries, model);
      std::vector<std::uint64_t> small, large;
      for (std::size_t i = 0; i < labels.size(); i += 50) small.push_back(labels[i]);  // includes removed labels
      small.push_back(5000001);
      small.push_back(123456789);  // never stored
      for (const auto& [label, v] : model) {
        if (label % 2 == 1) large.push_back(label);
      }
      for (const auto& filter_labels : {small, large}) {
        const LabelSet filter(filter_labels);
        for (int threads : {1, 2}) {
          auto results = index.search(queries.view(), {.k = 10, .filter = &filter, .threads = threads});
          ASSERT_TRUE(results);
          for (std::size_t q = 0; q < queries.rows; ++q) {
            expect_exact(*results, q, queries.row(q), model, index, &filter, tol);
          }
        }
      }
      auto unfiltered = index.search(queries.view(), {.k = 10});
      ASSERT_TRUE(unfiltered);
      for (std::size_t q = 0; q < queries.rows; ++q) expect_exact(*unfiltered, q, queries.row(q), model, index, nullptr, tol);
    }
  }
}

TEST(FlatIndex, PadsWhenFewerThanKMatch) {
  auto index = FlatIndex::create(2, Metric::kDot);
  const std::vector<float> v = {1, 0, 0, 1};
  const std::vector<std::uint64_t> labels = {10, 20};
  ASSERT_TRUE((*index)->add(labels, {v.data(), 2, 2, 2}));
  auto results = (*index)->search({v.data(), 1, 2, 2}, {.k = 4});
  ASSERT_TRUE(results);
  EXPECT_EQ(results->labels_of(0)[0], 10u);
  EXPECT_EQ(results->labels_of(0)[1], 20u);
  EXPECT_EQ(results->labels_of(0)[2], kNoLabel);
  EXPECT_EQ(results->scores_of(0)[3], -INFINITY);
  auto empty = FlatIndex::create(2, Metric::kL2);
  auto none = (*empty)->search({v.data(), 2, 2, 2}, {.k = 3});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->labels, std::vector<std::uint64_t>(6, kNoLabel));
}

TEST(FlatIndex, RejectsBadInputWithoutChangingTheIndex) {
  auto index = FlatIndex::create(3, Metric::kL2);
  const std::vector<float> good = {1, 2, 3, 4, 5, 6};
  const std::vector<float> bad = {1, 2, 3, 4, NAN, 6};
  const std::vector<std::uint64_t> labels = {1, 2};
  ASSERT_TRUE((*index)->add(labels, {good.data(), 2, 3, 3}));
  auto nan = (*index)->add(std::vector<std::uint64_t>{3, 1}, {bad.data(), 2, 3, 3});
  ASSERT_FALSE(nan);
  EXPECT_EQ(nan.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(nan.error().message.find("row 1"), std::string::npos) << nan.error().message;
  EXPECT_EQ((*index)->size(), 2u);
  EXPECT_FALSE((*index)->contains(3));
  EXPECT_EQ((*index)->add(labels, {good.data(), 3, 2, 2}).error().code, ErrorCode::kInvalidArgument);  // dim 2
  EXPECT_EQ((*index)->add(std::vector<std::uint64_t>{kNoLabel}, {good.data(), 1, 3, 3}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ((*index)->add(std::vector<std::uint64_t>{9}, {good.data(), 2, 3, 3}).error().code,
            ErrorCode::kInvalidArgument);  // label count
  EXPECT_EQ((*index)->search({good.data(), 1, 3, 3}, {.k = 0}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ((*index)->search({bad.data(), 2, 3, 3}, {.k = 1}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(FlatIndex::create(0, Metric::kL2).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ((*index)->train({good.data(), 2, 3, 3}).error().code, ErrorCode::kInvalidArgument);  // f32 storage
}

TEST(FlatIndex, Sq8TrainsExplicitly) {
  const Rows sample = clustered(500, 8, 7);
  auto index = FlatIndex::create(8, Metric::kL2, FlatStorage::kSq8);
  ASSERT_TRUE((*index)->train(sample.view()));
  auto expected = Sq8Codec::train(sample.view());
  EXPECT_EQ(std::vector<float>((*index)->codec()->min().begin(), (*index)->codec()->min().end()),
            std::vector<float>(expected->min().begin(), expected->min().end()));
  const std::vector<std::uint64_t> labels = {1};
  ASSERT_TRUE((*index)->add(labels, {sample.values.data(), 1, 8, 8}));
  EXPECT_EQ((*index)->train(sample.view()).error().code, ErrorCode::kInvalidArgument);  // points stored
}

class FlatIndexFile : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("semspace_flat_" + std::to_string(::getpid()));
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }

  static std::vector<char> read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  static void write(const fs::path& path, const std::vector<char>& bytes) {
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  // Rewrites the trailing checksum so that damage to the content reaches the field checks.
  static void reseal(std::vector<char>& bytes) {
    const std::uint64_t sum = XXH3_64bits(bytes.data(), bytes.size() - 8);
    std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
  }
  void expect_corrupt(const std::vector<char>& bytes, std::string_view field) {
    const fs::path path = dir / "damaged.flat";
    write(path, bytes);
    auto loaded = FlatIndex::load(path);
    ASSERT_FALSE(loaded) << field;
    EXPECT_EQ(loaded.error().code, ErrorCode::kCorrupt) << loaded.error().message;
    EXPECT_NE(loaded.error().message.find(path.string()), std::string::npos) << loaded.error().message;
    EXPECT_NE(loaded.error().message.find(field), std::string::npos) << loaded.error().message;
  }
};

TEST_F(FlatIndexFile, SaveLoadRoundTrip) {
  const Rows data = clustered(500, 12, 8);
  const auto labels = spread_labels(data.rows);
  const Rows queries = clustered(10, 12, 9);
  for (FlatStorage storage : {FlatStorage::kF32, FlatStorage::kSq8}) {
    for (Metric metric : kMetrics) {
      auto index = FlatIndex::create(12, metric, storage);
      ASSERT_TRUE((*index)->add(labels, data.view()));
      ASSERT_TRUE((*index)->remove(std::vector<std::uint64_t>{labels[0], labels[77]}));
      const fs::path path = dir / "index.flat";
      ASSERT_TRUE((*index)->save(path));
      EXPECT_EQ(read(path).size() >= 8 && std::string(read(path).data(), 8) == FlatIndex::kMagic, true);
      auto loaded = FlatIndex::load(path);
      ASSERT_TRUE(loaded) << loaded.error().message;
      EXPECT_EQ((*loaded)->dim(), 12);
      EXPECT_EQ((*loaded)->metric(), metric);
      EXPECT_EQ((*loaded)->storage(), storage);
      EXPECT_EQ((*loaded)->size(), data.rows - 2);
      EXPECT_FALSE((*loaded)->contains(labels[77]));
      auto before = (*index)->search(queries.view(), {.k = 7});
      auto after = (*loaded)->search(queries.view(), {.k = 7});
      EXPECT_EQ(before->labels, after->labels);
      EXPECT_EQ(before->scores, after->scores);
    }
  }
  auto empty = FlatIndex::create(4, Metric::kCosine, FlatStorage::kSq8);
  ASSERT_TRUE((*empty)->save(dir / "empty.flat"));
  auto loaded = FlatIndex::load(dir / "empty.flat");
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ((*loaded)->size(), 0u);
}

TEST_F(FlatIndexFile, RefusesDamagedFiles) {
  const Rows data = clustered(20, 5, 10);
  auto index = FlatIndex::create(5, Metric::kL2);
  ASSERT_TRUE((*index)->add(spread_labels(20), data.view()));
  const fs::path path = dir / "good.flat";
  ASSERT_TRUE((*index)->save(path));
  const std::vector<char> good = read(path);

  auto bytes = good;
  bytes[0] = 'X';
  expect_corrupt(bytes, "magic");
  expect_corrupt(std::vector<char>(good.begin(), good.begin() + 20), "header");
  expect_corrupt(std::vector<char>(good.begin(), good.end() - 3), "count");  // truncated
  bytes = good;
  bytes[200] ^= 1;
  expect_corrupt(bytes, "checksum");
  const auto lie = [&](std::size_t at, auto value, std::string_view field) {
    auto lying = good;
    std::memcpy(lying.data() + at, &value, sizeof value);
    reseal(lying);
    expect_corrupt(lying, field);
  };
  lie(8, std::uint32_t{2}, "version");
  lie(12, std::uint32_t{0}, "dim");
  lie(12, std::uint32_t{6}, "count");  // a different dim no longer matches the size
  lie(16, std::uint32_t{7}, "metric");
  lie(20, std::uint32_t{9}, "storage");
  lie(24, std::uint64_t{21}, "count");
  lie(24, std::uint64_t{1} << 62, "count");
  lie(32, std::uint64_t{44}, "codec_bytes");
  lie(40 + 8, std::uint64_t{3}, "labels");  // second label repeats the first (3)
  lie(40 + 20 * 8 + 4, std::numeric_limits<float>::quiet_NaN(), "vectors");

  auto missing = FlatIndex::load(dir / "missing.flat");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace semspace::index
