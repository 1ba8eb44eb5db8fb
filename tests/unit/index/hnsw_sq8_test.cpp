// HnswIndex with SQ8 storage: the walk scores one-byte codes, the best candidates are re-ranked in f32. Every
// result is checked against brute force in double precision, and scores against the exact double score.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include <xxhash.h>

#include "index/hnsw_index.hpp"
#include "support/python_reference.hpp"
#include "unit/index/index_test_data.hpp"

namespace semspace::index {
namespace {

constexpr std::size_t kDim = 24;
constexpr std::size_t kBase = 6000;  // above the exact-scan threshold (1000), so searches walk the graph
constexpr std::size_t kQueries = 100;

HnswOptions sq8_options(int rerank = 0) {
  return HnswOptions{.m = 12, .ef_construction = 80, .sq8 = true, .rerank = rerank};
}

std::unique_ptr<HnswIndex> build(const Matrix& base, Metric metric, HnswOptions options = sq8_options(),
                                 int threads = 1) {
  auto index = HnswIndex::create(static_cast<int>(base.cols()), metric, options);
  auto labels = iota_labels(base.rows());
  EXPECT_TRUE(index->add(labels, base.view(), threads).has_value());
  return index;
}

// The largest gap between a returned score and the exact double score of that label's vector (labels = rows
// of `base`), relative to max(1, |exact|).
double worst_score_error(const SearchResults& results, const Matrix& base, const Matrix& queries, Metric metric) {
  double worst = 0;
  for (std::size_t q = 0; q < results.nq; ++q) {
    for (std::size_t i = 0; i < results.k; ++i) {
      const std::uint64_t label = results.labels_of(q)[i];
      if (label == kNoLabel) continue;
      const double exact = exact_score(base.row(label), queries.row(q), metric);
      worst = std::max(worst, std::abs(results.scores_of(q)[i] - exact) / std::max(1.0, std::abs(exact)));
    }
  }
  return worst;
}

// Random guessing finds 10 / 6000 of the neighbours, so 0.9 cannot pass by chance; SQ8 with re-ranking must
// also stay within 0.02 of f32 HNSW built the same way.
class HnswSq8Recall : public ::testing::TestWithParam<Metric> {};

TEST_P(HnswSq8Recall, MatchesF32HnswAndReturnsExactScores) {
  const Metric metric = GetParam();
  Matrix base = clustered(kBase, kDim, 31), queries = clustered(kQueries, kDim, 32);
  auto sq8 = build(base, metric);
  auto f32 = build(base, metric, HnswOptions{.m = 12, .ef_construction = 80});
  ASSERT_NE(sq8->codec(), nullptr);
  EXPECT_EQ(f32->codec(), nullptr);
  auto truth = brute_force(base, iota_labels(kBase), queries, metric, 10);
  auto a = sq8->search(queries.view(), {.k = 10, .ef = 64});
  auto b = f32->search(queries.view(), {.k = 10, .ef = 64});
  ASSERT_TRUE(a && b);
  const double sq8_recall = recall(*a, truth), f32_recall = recall(*b, truth);
  EXPECT_GE(sq8_recall, 0.9) << metric_name(metric);
  EXPECT_GE(sq8_recall, f32_recall - 0.02) << metric_name(metric) << " f32 " << f32_recall;
  for (std::size_t q = 0; q < kQueries; ++q) {
    auto scores = a->scores_of(q);
    EXPECT_TRUE(std::is_sorted(scores.begin(), scores.end(), std::greater<>()));
  }
  // Re-ranked scores are the f32 scores of the stored vectors: exact up to float rounding.
  EXPECT_LT(worst_score_error(*a, base, queries, metric), 1e-4) << metric_name(metric);

  // Without re-ranking the scores are the codes' approximations: visibly off (so the check above can fail).
  sq8->set_rerank(-1);
  auto approx = sq8->search(queries.view(), {.k = 10, .ef = 64});
  ASSERT_TRUE(approx.has_value());
  EXPECT_GT(worst_score_error(*approx, base, queries, metric), 1e-3) << metric_name(metric);
  EXPECT_GE(recall(*approx, truth), 0.8) << metric_name(metric);
}

INSTANTIATE_TEST_SUITE_P(Metrics, HnswSq8Recall, ::testing::Values(Metric::kL2, Metric::kCosine, Metric::kDot),
                         [](const auto& info) { return std::string(metric_name(info.param)); });

TEST(HnswSq8, CodesLiveInTheGraphAndOriginalsOutsideIt) {
  Matrix base = clustered(2000, kDim, 33);
  auto sq8 = build(base, Metric::kL2);
  auto f32 = build(base, Metric::kL2, HnswOptions{.m = 12, .ef_construction = 80});
  EXPECT_EQ(sq8->originals_bytes(), 2000 * kDim * sizeof(float));
  EXPECT_EQ(f32->originals_bytes(), 0u);
  // The part a walk touches (everything but the originals) is smaller than the f32 graph.
  EXPECT_LT(sq8->memory_bytes() - sq8->originals_bytes(), f32->memory_bytes());
  // The codec learned each dimension's range from the data.
  const Sq8Codec& codec = *sq8->codec();
  for (std::size_t d = 0; d < kDim; ++d) {
    float lo = base.row(0)[d], hi = lo;
    for (std::size_t r = 0; r < base.rows(); ++r) {
      lo = std::min(lo, base.row(r)[d]);
      hi = std::max(hi, base.row(r)[d]);
    }
    EXPECT_EQ(codec.min()[d], lo);
    EXPECT_NEAR(codec.min()[d] + 255 * codec.scale()[d], hi, 1e-4f * std::max(1.0f, std::abs(hi)));
  }
}

TEST(HnswSq8, MultithreadedBuildAndSearchKeepRecall) {
  Matrix base = clustered(kBase, kDim, 34), queries = clustered(kQueries, kDim, 35);
  auto index = build(base, Metric::kCosine, sq8_options(), 2);
  auto truth = brute_force(base, iota_labels(kBase), queries, Metric::kCosine, 10);
  auto parallel = index->search(queries.view(), {.k = 10, .ef = 64, .threads = 2});
  auto serial = index->search(queries.view(), {.k = 10, .ef = 64, .threads = 1});
  ASSERT_TRUE(parallel && serial);
  EXPECT_GE(recall(*parallel, truth), 0.9);
  EXPECT_EQ(parallel->labels, serial->labels);
  EXPECT_EQ(parallel->scores, serial->scores);
}

TEST(HnswSq8, ReRankingDepthWidensTheBeam) {
  // A depth beyond ef widens the beam to it (as FAISS's IndexRefine asks the base index for k_factor * k), so
  // at a tiny ef a deep re-rank finds more of the true neighbours than the auto depth.
  Matrix base = clustered(kBase, kDim, 36), queries = clustered(kQueries, kDim, 37);
  auto index = build(base, Metric::kL2);
  auto truth = brute_force(base, iota_labels(kBase), queries, Metric::kL2, 10);
  auto shallow = index->search(queries.view(), {.k = 10, .ef = 10});
  index->set_rerank(100);
  auto deep = index->search(queries.view(), {.k = 10, .ef = 10});
  ASSERT_TRUE(shallow && deep);
  EXPECT_GT(recall(*deep, truth), recall(*shallow, truth));
  EXPECT_GE(recall(*deep, truth), 0.95);
  EXPECT_EQ(HnswIndex::auto_rerank(10, 64), 30u);
  EXPECT_EQ(HnswIndex::auto_rerank(10, 16), 16u);
}

TEST(HnswSq8, RemoveUpsertAndFilter) {
  Matrix base = clustered(kBase, kDim, 38), queries = clustered(kQueries, kDim, 39);
  auto index = build(base, Metric::kL2);
  std::vector<std::uint64_t> gone;
  for (std::uint64_t l = 0; l < kBase; l += 10) gone.push_back(l);
  ASSERT_TRUE(index->remove(gone).has_value());
  EXPECT_GT(index->deleted(), 0u);
  auto labels = iota_labels(kBase);
  auto truth = brute_force(base, labels, queries, Metric::kL2, 10, [](std::uint64_t l) { return l % 10 != 0; });
  auto results = index->search(queries.view(), {.k = 10, .ef = 64});
  ASSERT_TRUE(results.has_value());
  for (std::uint64_t l : results->labels) EXPECT_NE(l % 10, 0u) << l;
  EXPECT_GE(recall(*results, truth), 0.9);
  EXPECT_LT(worst_score_error(*results, base, queries, Metric::kL2), 1e-4);

  // Upsert: label 5 moves next to row 4001; label 7 moves far outside every trained range, so its code is
  // clamped to 255 in every dimension, yet re-ranking finds it with its exact score.
  Matrix moved(2, kDim);
  for (std::size_t d = 0; d < kDim; ++d) {
    moved.row(0)[d] = base.row(4001)[d] + 0.001f;
    moved.row(1)[d] = 100.0f;
  }
  std::vector<std::uint64_t> relabel = {5, 7};
  ASSERT_TRUE(index->add(relabel, moved.view()).has_value());
  auto r = index->search(moved.view(), {.k = 2, .ef = 64});
  ASSERT_TRUE(r.has_value());
  auto first = r->labels_of(0);
  EXPECT_TRUE(std::find(first.begin(), first.end(), 5u) != first.end());
  EXPECT_TRUE(std::find(first.begin(), first.end(), 4001u) != first.end());
  EXPECT_EQ(r->labels_of(1)[0], 7u);
  EXPECT_NEAR(r->scores_of(1)[0], 0.0f, 1e-6);

  // Filters: planned (exact scan of few passing points) and forced onto the graph: 1 in 20 passing walks every
  // node, 1 in 5 (enough passing nodes within two hops) takes the two-hop walk over passing nodes.
  Matrix now = base.clone();
  std::copy_n(moved.row(0).data(), kDim, now.row(5).data());
  std::copy_n(moved.row(1).data(), kDim, now.row(7).data());
  for (std::uint64_t every : {20u, 5u}) {
    for (bool force_graph : {false, true}) {
      index->set_filter_plan(force_graph ? HnswFilterPlan{.max_points = 0, .walk_cost = 0.0, .two_hop_cost = 0.0}
                                         : HnswFilterPlan{});
      std::vector<std::uint64_t> passing;
      for (std::uint64_t l = 3; l < kBase; l += every) passing.push_back(l);  // none removed (l % 10 != 0)
      LabelSet filter(passing);
      auto want = brute_force(now, labels, queries, Metric::kL2, 10,
                              [&](std::uint64_t l) { return l % every == 3 && l % 10 != 0; });
      auto got = index->search(queries.view(), {.k = 10, .ef = 64, .filter = &filter, .threads = 2});
      ASSERT_TRUE(got.has_value());
      for (std::uint64_t l : got->labels) EXPECT_TRUE(l == kNoLabel || l % every == 3) << l;
      EXPECT_GE(recall(*got, want), 0.95) << "1 in " << every << (force_graph ? ", graph" : ", planned");
      EXPECT_LT(worst_score_error(*got, now, queries, Metric::kL2), 1e-4);
    }
  }
}

TEST(HnswSq8, CompactionAndRebuildKeepRecall) {
  Matrix first = clustered(kBase, kDim, 40), queries = clustered(kQueries, kDim, 41);
  auto index = build(first, Metric::kL2);
  // A third removed: past the threshold, so tombstones are repaired and compacted (codes move with their nodes).
  std::vector<std::uint64_t> gone;
  for (std::uint64_t l = 0; l < kBase; l += 3) gone.push_back(l);
  ASSERT_TRUE(index->remove(gone).has_value());
  EXPECT_EQ(index->nodes(), index->size());
  auto labels = iota_labels(kBase);
  auto truth = brute_force(first, labels, queries, Metric::kL2, 10, [](std::uint64_t l) { return l % 3 != 0; });
  auto results = index->search(queries.view(), {.k = 10, .ef = 64});
  ASSERT_TRUE(results.has_value());
  EXPECT_GE(recall(*results, truth), 0.9);

  // Re-upserting every live label with shifted vectors makes half the graph tombstones: the graph is rebuilt from
  // the live points, and the codec learns their (new) ranges.
  Matrix shifted = first.clone();
  for (std::size_t i = 0; i < shifted.size(); ++i) shifted.data()[i] += 3.0f;
  std::vector<std::uint64_t> live;
  Matrix rows(kBase - gone.size(), kDim);
  for (std::uint64_t l = 0; l < kBase; ++l) {
    if (l % 3 == 0) continue;
    std::copy_n(shifted.row(l).data(), kDim, rows.row(live.size()).data());
    live.push_back(l);
  }
  ASSERT_TRUE(index->add(live, rows.view(), 2).has_value());
  EXPECT_EQ(index->nodes(), live.size()) << "rebuilt without tombstones";
  float lowest = std::numeric_limits<float>::max();
  for (std::size_t i = 0; i < rows.size(); ++i) lowest = std::min(lowest, rows.data()[i]);
  EXPECT_EQ(*std::min_element(index->codec()->min().begin(), index->codec()->min().end()), lowest);
  Matrix moved_queries = queries.clone();
  for (std::size_t i = 0; i < moved_queries.size(); ++i) moved_queries.data()[i] += 3.0f;
  auto truth2 = brute_force(rows, live, moved_queries, Metric::kL2, 10);
  auto results2 = index->search(moved_queries.view(), {.k = 10, .ef = 64});
  ASSERT_TRUE(results2.has_value());
  EXPECT_GE(recall(*results2, truth2), 0.9);
}

TEST(HnswSq8, ASmallFirstBatchIsRetrainedAsTheIndexGrows) {
  // Trained on one point, every range would be empty and every later code 0: the walk would be blind. The codec is
  // learned again from all points each time a small index doubles, so the graph built afterwards still works.
  Matrix base = clustered(kBase, kDim, 42), queries = clustered(kQueries, kDim, 43);
  auto index = HnswIndex::create(kDim, Metric::kL2, sq8_options());
  auto labels = iota_labels(kBase);
  ASSERT_TRUE(index->add(std::span(labels).first(1), MatrixView{base.data(), 1, kDim, kDim}).has_value());
  ASSERT_TRUE(index->add(std::span(labels).subspan(1, 9), MatrixView{base.row(1).data(), 9, kDim, kDim}).has_value());
  ASSERT_TRUE(index->add(std::span(labels).subspan(10),
                         MatrixView{base.row(10).data(), kBase - 10, kDim, kDim}).has_value());
  EXPECT_GT(index->codec()->scale()[0], 0.0f);
  auto truth = brute_force(base, labels, queries, Metric::kL2, 10);
  index->set_rerank(-1);  // recall from the codes alone shows the codes are informative
  auto results = index->search(queries.view(), {.k = 10, .ef = 64});
  ASSERT_TRUE(results.has_value());
  EXPECT_GE(recall(*results, truth), 0.8);
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void reseal(std::string& bytes) {
  const std::uint64_t sum = XXH3_64bits(bytes.data(), bytes.size() - 8);
  std::memcpy(bytes.data() + bytes.size() - 8, &sum, 8);
}
std::string load_error(const std::string& bytes) {
  auto r = HnswIndex::load_bytes(std::as_bytes(std::span(bytes.data(), bytes.size())), "s.hnsw");
  if (r) return "<loaded>";
  EXPECT_EQ(r.error().code, ErrorCode::kCorrupt) << r.error().message;
  return r.error().message;
}

TEST(HnswSq8, SaveAndLoadGiveIdenticalResults) {
  const auto dir = semspace::testing::scratch_dir("hnsw_sq8_save");
  Matrix base = clustered(3000, kDim, 44), queries = clustered(50, kDim, 45);
  for (Metric metric : {Metric::kL2, Metric::kCosine, Metric::kDot}) {
    auto index = build(base, metric, sq8_options(30));
    std::vector<std::uint64_t> gone = {1, 2, 3};
    ASSERT_TRUE(index->remove(gone).has_value());
    const auto path = dir / (std::string(metric_name(metric)) + ".hnsw");
    ASSERT_TRUE(index->save(path).has_value());
    const std::string bytes = slurp(path);
    std::uint32_t storage = 0;
    std::memcpy(&storage, bytes.data() + 28, 4);
    EXPECT_EQ(storage, 1u);
    auto mapped = HnswIndex::load(path);
    auto copied = HnswIndex::load_bytes(std::as_bytes(std::span(bytes.data(), bytes.size())), "copy");
    ASSERT_TRUE(mapped.has_value()) << mapped.error().message;
    ASSERT_TRUE(copied.has_value()) << copied.error().message;
    for (HnswIndex* copy : {mapped->get(), copied->get()}) {
      EXPECT_TRUE(copy->options().sq8);
      EXPECT_EQ(copy->options().rerank, 30);
      EXPECT_EQ(copy->size(), index->size());
      ASSERT_NE(copy->codec(), nullptr);
      EXPECT_TRUE(std::equal(copy->codec()->min().begin(), copy->codec()->min().end(), index->codec()->min().begin()));
      LabelSet filter(iota_labels(1000));
      for (const LabelSet* f : std::vector<const LabelSet*>{nullptr, &filter}) {
        auto a = index->search(queries.view(), {.k = 10, .ef = 40, .filter = f});
        auto b = copy->search(queries.view(), {.k = 10, .ef = 40, .filter = f});
        ASSERT_TRUE(a && b);
        EXPECT_EQ(a->labels, b->labels);
        EXPECT_EQ(a->scores, b->scores);
      }
    }
    // The mapped index keeps working: adds grow it out of the mapping (codes from the saved codec).
    HnswIndex& copy = **mapped;
    Matrix extra = clustered(200, kDim, 46);
    auto extra_labels = iota_labels(200, 50'000);
    ASSERT_TRUE(copy.add(extra_labels, extra.view()).has_value());
    EXPECT_EQ(copy.size(), 3000u - 3 + 200);
    if (metric != Metric::kDot) {
      auto r = copy.search(MatrixView{extra.row(7).data(), 1, kDim, kDim}, {.k = 1});
      ASSERT_TRUE(r.has_value());
      EXPECT_EQ(r->labels_of(0)[0], 50'007u);
    }
  }
  // An empty SQ8 index saves without a codec and trains one on its first points after loading.
  auto empty = HnswIndex::create(kDim, Metric::kL2, sq8_options(-7));  // any negative depth is saved as -1 (none)
  ASSERT_TRUE(empty->save(dir / "empty.hnsw").has_value());
  auto loaded = HnswIndex::load(dir / "empty.hnsw");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_EQ((*loaded)->codec(), nullptr);
  EXPECT_EQ((*loaded)->options().rerank, -1);
  (*loaded)->set_rerank(0);
  auto labels = iota_labels(3000);
  ASSERT_TRUE((*loaded)->add(labels, base.view()).has_value());
  ASSERT_NE((*loaded)->codec(), nullptr);
  auto truth = brute_force(base, labels, queries, Metric::kL2, 10);
  auto results = (*loaded)->search(queries.view(), {.k = 10, .ef = 64});
  ASSERT_TRUE(results.has_value());
  EXPECT_GE(recall(*results, truth), 0.9);
}

TEST(HnswSq8, LoadRefusesDamagedSq8Sections) {
  const auto dir = semspace::testing::scratch_dir("hnsw_sq8_damaged");
  Matrix base = clustered(300, 8, 47);
  auto index = build(base, Metric::kL2);
  ASSERT_TRUE(index->save(dir / "good.hnsw").has_value());
  const std::string good = slurp(dir / "good.hnsw");
  EXPECT_EQ(load_error(good), "<loaded>");
  auto lie = [&](std::size_t offset, auto value) {
    std::string bytes = good;
    std::memcpy(bytes.data() + offset, &value, sizeof value);
    reseal(bytes);
    return load_error(bytes);
  };
  auto read_u64 = [&](std::size_t offset) {
    std::uint64_t v = 0;
    std::memcpy(&v, good.data() + offset, 8);
    return static_cast<std::size_t>(v);
  };
  // Sq8Header at 128: codec_offset, codec_bytes, vectors_offset, trained_rows, rerank, reserved.
  const std::size_t codec_offset = read_u64(128), vectors_offset = read_u64(144);
  EXPECT_NE(lie(8, std::uint32_t{128}).find("header_bytes"), std::string::npos);
  EXPECT_NE(lie(136, std::uint64_t{12}).find("sq8 codec_bytes"), std::string::npos);
  EXPECT_NE(lie(128, std::uint64_t{65}).find("sq8 codec section"), std::string::npos);
  EXPECT_NE(lie(144, std::uint64_t{1} << 40).find("sq8 vectors section"), std::string::npos);
  EXPECT_NE(lie(160, std::int32_t{-5}).find("sq8 rerank"), std::string::npos);
  EXPECT_NE(lie(164, std::uint32_t{1}).find("sq8 reserved"), std::string::npos);
  // Inside the codec: its own dimension, and a negative scale.
  EXPECT_NE(lie(codec_offset, std::uint32_t{9}).find("sq8 codec"), std::string::npos);
  EXPECT_NE(lie(codec_offset + 4 + 4 * 8, -1.0f).find("sq8 codec"), std::string::npos);
  // A non-finite original.
  EXPECT_NE(lie(vectors_offset + 4 * 8 * 5, std::numeric_limits<float>::quiet_NaN()).find("sq8 vectors"),
            std::string::npos);
  // Flipped bytes without a new checksum.
  std::string flipped = good;
  flipped[vectors_offset + 3] ^= 0x40;
  EXPECT_NE(load_error(flipped).find("checksum"), std::string::npos);
}

}  // namespace
}  // namespace semspace::index
