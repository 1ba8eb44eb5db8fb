// HnswIndex: insertion (parallel), queries (parallel over queries), upserts, tombstones and their repair,
// filtered search planning. The graph layout is in hnsw_graph, the walks in hnsw_search, files in hnsw_io.
#include "index/hnsw_index.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/random.hpp"
#include "core/threads.hpp"
#include "index/hnsw_search.hpp"

namespace semspace::index {

using hnsw::Candidate;

/// Per-thread scratch: visited marks, the candidate pool, a link-list copy and a normalised query.
struct HnswIndex::Worker {
  hnsw::VisitedSet visited;
  hnsw::CandidatePool pool;
  std::vector<std::uint32_t> links;
  std::vector<float> query;
  std::vector<Candidate> candidates;
  std::vector<std::vector<Candidate>> chosen;  // an inserting node's links per level, until it links back
  std::vector<NodeId> fresh;  // two-hop filtered walks
  const PassingNodes* passing = nullptr;  // this search's filter resolved to nodes
  Sq8Query prepared;  // the query (or inserted vector) prepared against the SQ8 codec
};

class HnswIndex::WorkerPool {
 public:
  std::unique_ptr<Worker> acquire() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return std::make_unique<Worker>();
    auto worker = std::move(free_.back());
    free_.pop_back();
    return worker;
  }
  void release(std::unique_ptr<Worker> worker) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(worker));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<Worker>> free_;
};

namespace {

void normalise(float* v, std::size_t n) {
  const float norm = std::sqrt(kernels::dot_f32(v, v, n));
  if (norm > 0) {
    const float inv = 1.0f / norm;
    for (std::size_t i = 0; i < n; ++i) v[i] *= inv;
  }
}

Status check_rows(MatrixView m, int dim, std::string_view what) {
  if (m.cols != static_cast<std::size_t>(dim)) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{} have dimension {} but the index has dimension {}", what, m.cols, dim));
  }
  for (std::size_t r = 0; r < m.rows; ++r) {
    for (float x : m.row(r)) {
      if (!std::isfinite(x)) {
        return make_error(ErrorCode::kInvalidArgument, fmt::format("{} row {}: non-finite value {}", what, r, x));
      }
    }
  }
  return {};
}

// Runs fn(dist) with the distance functor of the metric, so inner loops are compiled once per metric.
template <class Fn>
decltype(auto) with_distance(Metric metric, int dim, Fn&& fn) {
  if (metric == Metric::kL2) return fn(hnsw::L2Distance{static_cast<std::size_t>(dim)});
  return fn(hnsw::DotDistance{static_cast<std::size_t>(dim)});
}

}  // namespace

HnswIndex::HnswIndex(int dim, Metric metric, const HnswOptions& options)
    : dim_(dim),
      metric_(metric),
      options_(options),
      graph_(dim, options.m, options.sq8),
      rng_state_(options.seed),
      workers_(std::make_unique<WorkerPool>()) {}

HnswIndex::~HnswIndex() = default;

std::unique_ptr<HnswIndex> HnswIndex::create(int dim, Metric metric, const HnswOptions& options) {
  SEMSPACE_CHECK(dim > 0 && dim <= (1 << 16), "HnswIndex dimension {} outside 1..65536", dim);
  SEMSPACE_CHECK(options.m >= 2 && options.m <= 127, "HnswIndex m {} outside 2..127", options.m);
  SEMSPACE_CHECK(options.ef_construction >= 1, "HnswIndex ef_construction {} < 1", options.ef_construction);
  SEMSPACE_CHECK(options.rerank <= (1 << 20), "HnswIndex rerank {} > 2^20", options.rerank);
  return std::unique_ptr<HnswIndex>(new HnswIndex(dim, metric, options));
}

std::size_t HnswIndex::auto_rerank(std::size_t k, std::size_t ef) noexcept {
  // Measured at N = 20000, dim 128/256, 1 thread, k 10, m 16, ef_construction 200 (clustered Gaussian data,
  // and Student-t (3 dof) noise whose outliers stretch the ranges): at every ef from 32 to 256, re-ranking 2k
  // candidates gave back all but 0.0005 of f32 HNSW's recall@10 (t data, ef 64: f32 0.9915, 2k 0.99095,
  // 3k 0.9910, none 0.93285), 3k all but that last hit, and re-ranking the whole beam gained nothing more while
  // costing up to a fifth of the throughput at ef 256 (10.5k vs 9.0k QPS). So 3k, and never past the beam: the
  // auto depth does not widen the walk. (A shared, loaded machine: the QPS figures are indicative.)
  return std::min(ef, 3 * k);
}

int HnswIndex::draw_level() {
  // P(level >= l) = M^-l: level = floor(-ln(U) / ln(M)), U uniform in (0, 1].
  const double u = 1.0 - static_cast<double>(core::splitmix64(rng_state_) >> 11) * 0x1.0p-53;
  const double level = -std::log(u) / std::log(static_cast<double>(options_.m));
  return std::min(static_cast<int>(level), kMaxLevel);
}

template <class Dist>
void HnswIndex::insert_node(NodeId id, Dist dist, NodeLocks& locks, Worker& w) {
  if (!codec_) {
    insert(id, dist, hnsw::FloatScorer<Dist>{&graph_, graph_.vector(id), dist}, locks, w);
    return;
  }
  // The new node is the query of its own insertion: its f32 vector against the other nodes' codes.
  w.prepared = codec_->prepare({graph_.vector(id), static_cast<std::size_t>(dim_)}, metric_);
  if (metric_ == Metric::kL2) {
    insert(id, dist, hnsw::Sq8L2Scorer{&graph_, &w.prepared, codec_->scale().data()}, locks, w);
  } else {
    insert(id, dist, hnsw::Sq8DotScorer{&graph_, &w.prepared}, locks, w);
  }
}

template <class Dist, class Scorer>
void HnswIndex::insert(NodeId id, Dist dist, const Scorer& score, NodeLocks& locks, Worker& w) {
  const int level = graph_.level(id);
  w.links.resize(1 + graph_.m0());
  const hnsw::LockedLinks links{&locks};

  // A node that raises the top level keeps the entry lock for its whole insertion, so no other insertion
  // starts from a half-linked entry point.
  std::unique_lock entry_lock(entry_mutex_);
  const NodeId entry = entry_;
  const int top = max_level_;
  if (level <= top) entry_lock.unlock();

  Candidate current{score(entry), entry};
  for (int lc = top; lc > level; --lc) current = hnsw::greedy_step(graph_, current, lc, score, links, w.links.data());

  // First the node's own links at every level, then the links back to it. Only a link back makes the node
  // reachable, so no other insertion finds it half-linked: when one found it through an upper level while its
  // level-0 list was still empty, that insertion saw the node as its whole level-0 neighbourhood and linked
  // only to it, and the node's own list, written afterwards, dropped the link back (2-thread builds of 55k word
  // vectors left ~50 nodes unreachable and capped recall@10 at 0.996; hnswlib holds the node's lock instead).
  const int own_top = std::min(level, top);
  if (w.chosen.size() < static_cast<std::size_t>(own_top + 1)) w.chosen.resize(static_cast<std::size_t>(own_top + 1));
  for (int lc = own_top; lc >= 0; --lc) {
    w.pool.reset(static_cast<std::size_t>(options_.ef_construction));
    hnsw::beam_search(graph_, current, lc, score, links, w.pool, w.visited, w.links.data());
    current = w.pool[0];
    auto& cands = w.chosen[static_cast<std::size_t>(lc)];
    cands.clear();
    for (std::size_t i = 0; i < w.pool.size(); ++i) {
      if (w.pool[i].id != id && !graph_.deleted(w.pool[i].id)) cands.push_back(w.pool[i]);
    }
    hnsw::select_neighbours(graph_, cands, static_cast<std::size_t>(options_.m), dist);

    locks.lock(id);
    std::uint32_t* own = graph_.links(id, lc);
    own[0] = static_cast<std::uint32_t>(cands.size());
    for (std::size_t i = 0; i < cands.size(); ++i) own[1 + i] = cands[i].id;
    locks.unlock(id);
  }

  // Link back; a full list is re-selected with the heuristic from its links plus the new node. Link choices
  // compare nodes in f32 (with SQ8 too: the originals are at hand while building, and exact links cost the
  // walk nothing), with the new node's distance as the scorer gave it.
  std::vector<Candidate>& merged = w.candidates;
  for (int lc = own_top; lc >= 0; --lc) {
    const std::size_t cap = static_cast<std::size_t>(graph_.capacity_at(lc));
    for (const Candidate& c : w.chosen[static_cast<std::size_t>(lc)]) {
      locks.lock(c.id);
      std::uint32_t* list = graph_.links(c.id, lc);
      if (list[0] < cap) {
        list[1 + list[0]] = id;
        ++list[0];
      } else {
        const float* base = graph_.vector(c.id);
        merged.clear();
        merged.push_back({c.dist, id});
        for (std::uint32_t i = 1; i <= list[0]; ++i) merged.push_back({dist(base, graph_.vector(list[i])), list[i]});
        std::sort(merged.begin(), merged.end(), hnsw::nearer);
        hnsw::select_neighbours(graph_, merged, cap, dist);
        list[0] = static_cast<std::uint32_t>(merged.size());
        for (std::size_t i = 0; i < merged.size(); ++i) list[1 + i] = merged[i].id;
      }
      locks.unlock(c.id);
    }
  }
  if (level > top) {
    entry_ = id;
    max_level_ = level;
  }
}

Status HnswIndex::add(std::span<const std::uint64_t> labels, MatrixView vectors, int threads) {
  if (labels.size() != vectors.rows) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{} labels for {} vectors", labels.size(), vectors.rows));
  }
  if (auto ok = check_rows(vectors, dim_, "vectors"); !ok) return ok;
  if (vectors.rows == 0) return {};
  forget_passing_nodes();
  if (graph_.nodes() + vectors.rows >= std::numeric_limits<NodeId>::max()) {
    return make_error(ErrorCode::kInvalidArgument, "HnswIndex holds at most 2^32 - 2 nodes");
  }

  // Upsert: the last row of a label wins; an existing node of that label becomes a tombstone.
  std::unordered_map<std::uint64_t, std::size_t> last_row;
  last_row.reserve(vectors.rows);
  for (std::size_t r = 0; r < vectors.rows; ++r) last_row[labels[r]] = r;
  graph_.reserve(last_row.size());
  std::vector<NodeId> fresh;
  fresh.reserve(last_row.size());
  label_to_node_.reserve(label_to_node_.size() + last_row.size());
  for (std::size_t r = 0; r < vectors.rows; ++r) {
    if (last_row[labels[r]] != r) continue;
    if (auto it = label_to_node_.find(labels[r]); it != label_to_node_.end()) graph_.set_deleted(it->second, true);
    const NodeId id = graph_.append(labels[r], draw_level(), vectors.data + r * vectors.stride);
    if (metric_ == Metric::kCosine) normalise(graph_.vector(id), static_cast<std::size_t>(dim_));
    label_to_node_[labels[r]] = id;
    fresh.push_back(id);
  }
  if (options_.sq8) encode(fresh);

  NodeLocks locks(graph_.nodes());
  with_distance(metric_, dim_, [&](auto dist) {
    std::size_t start = 0;
    if (max_level_ < 0) {  // the first node is the entry point
      entry_ = fresh[0];
      max_level_ = graph_.level(fresh[0]);
      start = 1;
    }
    std::atomic<std::size_t> next{start};
    core::run_threads(std::max(1, std::min<int>(threads, static_cast<int>(fresh.size()))), [&](int) {
      auto worker = workers_->acquire();
      for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < fresh.size();) {
        insert_node(fresh[i], dist, locks, *worker);
      }
      workers_->release(std::move(worker));
    });
  });
  if (static_cast<double>(deleted()) > kMaxDeletedFraction * static_cast<double>(graph_.nodes())) compact(threads);
  return {};
}

void HnswIndex::encode(std::span<const NodeId> fresh) {
  const std::size_t nodes = graph_.nodes();
  if (!codec_ || (trained_rows_ < kSq8RetrainBelow && nodes >= 2 * trained_rows_)) {
    // The originals array holds every node's vector in node order, so it is the training matrix as it stands.
    // Tombstones are included: they are few (compaction bounds them) and only widen a range a little.
    const auto d = static_cast<std::size_t>(dim_);
    auto trained = Sq8Codec::train(MatrixView{graph_.vector(0), nodes, d, d});
    SEMSPACE_CHECK(trained.has_value(), "SQ8 training on checked rows failed: {}",
                   trained ? "" : trained.error().message);
    codec_ = std::move(*trained);
    trained_rows_ = nodes;
    for (NodeId id = 0; id < nodes; ++id) codec_->encode(graph_.vector(id), graph_.code(id));
    return;
  }
  for (NodeId id : fresh) codec_->encode(graph_.vector(id), graph_.code(id));
}

Status HnswIndex::remove(std::span<const std::uint64_t> labels) {
  forget_passing_nodes();
  for (std::uint64_t label : labels) {
    if (auto it = label_to_node_.find(label); it != label_to_node_.end()) {
      graph_.set_deleted(it->second, true);
      label_to_node_.erase(it);
    }
  }
  if (static_cast<double>(deleted()) > kMaxDeletedFraction * static_cast<double>(graph_.nodes())) compact();
  return {};
}

template <class Dist>
void HnswIndex::repair(Dist dist, int threads) {
  // Each live node that links to tombstones gets new links chosen with the heuristic from its live links and
  // the live nodes the tombstones linked to (two hops through chains of tombstones), nearest first. A node
  // rewrites only its own lists and reads only tombstones' lists, which nobody rewrites, so threads need no locks.
  const std::size_t limit = 3 * static_cast<std::size_t>(graph_.m0());
  std::atomic<std::size_t> next{0};
  core::run_threads(std::max(1, threads), [&](int) {
    Worker w;
    std::vector<Candidate>& cands = w.candidates;
    for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < graph_.nodes();) {
      const auto n = static_cast<NodeId>(i);
      if (graph_.deleted(n)) continue;
      const float* base = graph_.vector(n);
      for (int lc = 0; lc <= graph_.level(n); ++lc) {
        std::uint32_t* list = graph_.links(n, lc);
        bool touched = false;
        for (std::uint32_t j = 1; j <= list[0] && !touched; ++j) touched = graph_.deleted(list[j]);
        if (!touched) continue;
        w.visited.start(graph_.nodes());
        w.visited.visit(n);
        cands.clear();
        auto consider = [&](NodeId x) {
          if (w.visited.visit(x) && !graph_.deleted(x)) cands.push_back({dist(base, graph_.vector(x)), x});
        };
        for (std::uint32_t j = 1; j <= list[0]; ++j) {
          const NodeId x = list[j];
          if (!graph_.deleted(x)) {
            consider(x);
            continue;
          }
          const std::uint32_t* hop = graph_.links(x, lc);
          for (std::uint32_t t = 1; t <= hop[0]; ++t) {
            const NodeId y = hop[t];
            if (!graph_.deleted(y)) {
              consider(y);
            } else {
              const std::uint32_t* hop2 = graph_.links(y, lc);
              for (std::uint32_t u = 1; u <= hop2[0]; ++u) consider(hop2[u]);
            }
          }
        }
        std::sort(cands.begin(), cands.end(), hnsw::nearer);
        if (cands.size() > limit) cands.resize(limit);
        hnsw::select_neighbours(graph_, cands, static_cast<std::size_t>(graph_.capacity_at(lc)), dist);
        list[0] = static_cast<std::uint32_t>(cands.size());
        for (std::size_t j = 0; j < cands.size(); ++j) list[1 + j] = cands[j].id;
      }
    }
  });
}

void HnswIndex::compact(int threads) {
  if (deleted() == 0) return;
  forget_passing_nodes();
  // Repair relinks around scattered tombstones. When they are the majority (say every point was re-upserted),
  // too few live nodes lie within two hops of each other to reconnect the graph, and recall collapsed to near
  // zero in a test that upserted every label twice, so the graph is rebuilt from the live points instead.
  if (2 * deleted() >= graph_.nodes()) {
    rebuild_from_live(threads);
    return;
  }
  with_distance(metric_, dim_, [&](auto dist) { repair(dist, threads); });

  // Renumber the live nodes densely, keeping their order, and rewrite every link through the new numbers.
  constexpr NodeId kGone = std::numeric_limits<NodeId>::max();
  std::vector<NodeId> renumber(graph_.nodes(), kGone);
  HnswGraph next(dim_, options_.m, options_.sq8);
  next.reserve(size());
  for (NodeId id = 0; id < graph_.nodes(); ++id) {
    if (!graph_.deleted(id)) {
      renumber[id] = next.append(graph_.label(id), graph_.level(id), graph_.vector(id),
                                 options_.sq8 ? graph_.code(id) : nullptr);
    }
  }
  int top = -1;
  NodeId entry = 0;
  for (NodeId id = 0; id < graph_.nodes(); ++id) {
    const NodeId to = renumber[id];
    if (to == kGone) continue;
    for (int lc = 0; lc <= graph_.level(id); ++lc) {
      const std::uint32_t* from = graph_.links(id, lc);
      std::uint32_t* into = next.links(to, lc);
      std::uint32_t count = 0;
      for (std::uint32_t i = 1; i <= from[0]; ++i) {
        if (renumber[from[i]] != kGone) into[1 + count++] = renumber[from[i]];
      }
      into[0] = count;
    }
    if (graph_.level(id) > top) {
      top = graph_.level(id);
      entry = to;
    }
  }
  // Keep the old entry point when it lives: the graph's upper levels were built around it.
  if (max_level_ >= 0 && renumber[entry_] != kGone) entry = renumber[entry_];
  graph_ = std::move(next);
  entry_ = entry;
  max_level_ = top;
  rebuild_label_map();
}

void HnswIndex::rebuild_from_live(int threads) {
  std::vector<std::uint64_t> labels;
  std::vector<float> vectors;
  labels.reserve(size());
  vectors.reserve(size() * static_cast<std::size_t>(dim_));
  for (NodeId id = 0; id < graph_.nodes(); ++id) {
    if (graph_.deleted(id)) continue;
    labels.push_back(graph_.label(id));
    const float* v = graph_.vector(id);
    vectors.insert(vectors.end(), v, v + dim_);
  }
  graph_ = HnswGraph(dim_, options_.m, options_.sq8);
  max_level_ = -1;
  entry_ = 0;
  label_to_node_.clear();
  codec_.reset();  // SQ8 ranges are learned afresh from the live points
  trained_rows_ = 0;
  const auto d = static_cast<std::size_t>(dim_);
  auto added = add(labels, MatrixView{vectors.data(), labels.size(), d, d}, threads);
  SEMSPACE_CHECK(added.has_value(), "re-inserting live points failed: {}", added ? "" : added.error().message);
}

void HnswIndex::rebuild_label_map() {
  label_to_node_.clear();
  label_to_node_.reserve(graph_.nodes());
  for (NodeId id = 0; id < graph_.nodes(); ++id) {
    if (!graph_.deleted(id)) label_to_node_[graph_.label(id)] = id;
  }
}

template <class Dist>
void HnswIndex::exact_scan_all(const float* query, std::size_t k, std::uint64_t* labels, float* scores) const {
  std::vector<Candidate> found;
  found.reserve(size());
  for (NodeId id = 0; id < graph_.nodes(); ++id) {
    if (!graph_.deleted(id)) found.push_back({0.0f, id});
  }
  score_top_k<Dist>(query, found, k, labels, scores);
}

template <class Dist>
void HnswIndex::exact_scan(const float* query, const PassingNodes& passing, std::size_t k, std::uint64_t* labels,
                           float* scores, std::vector<Candidate>& found) const {
  // Nodes in ascending order: the scan walks the node blocks forwards, which the hardware prefetcher follows.
  found.clear();
  found.reserve(passing.nodes.size());
  for (NodeId id : passing.nodes) found.push_back({0.0f, id});
  score_top_k<Dist>(query, found, k, labels, scores);
}

template <class Dist>
void HnswIndex::score_top_k(const float* query, std::vector<Candidate>& found, std::size_t k, std::uint64_t* labels,
                            float* scores) const {
  // Score with the next vectors prefetched: the scan is bound by memory latency, not arithmetic.
  const Dist dist{static_cast<std::size_t>(dim_)};
  const std::size_t ahead = hnsw::prefetch_window(static_cast<std::size_t>(dim_) * sizeof(float));
  for (std::size_t i = 0; i < std::min(ahead, found.size()); ++i) hnsw::prefetch_vector(graph_.vector(found[i].id), dim_);
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (i + ahead < found.size()) hnsw::prefetch_vector(graph_.vector(found[i + ahead].id), dim_);
    found[i].dist = dist(query, graph_.vector(found[i].id));
  }
  const std::size_t n = std::min(k, found.size());
  std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(n), found.end(), hnsw::nearer);
  for (std::size_t i = 0; i < n; ++i) {
    labels[i] = graph_.label(found[i].id);
    scores[i] = -found[i].dist;
  }
}

template <class Dist>
void HnswIndex::search_one(const float* query, const SearchParams& params, Worker& w, std::uint64_t* labels,
                           float* scores) const {
  if (metric_ == Metric::kCosine) {
    w.query.assign(query, query + dim_);
    normalise(w.query.data(), w.query.size());
    query = w.query.data();
  }
  const Dist dist{static_cast<std::size_t>(dim_)};
  const auto k = static_cast<std::size_t>(params.k);
  std::size_t ef = std::max<std::size_t>(params.ef > 0 ? static_cast<std::size_t>(params.ef) : 64, k);
  const LabelSet* filter = params.filter;
  bool two_hop = false;
  if (filter != nullptr) {
    const double live = static_cast<double>(size());
    const double passing = std::max(static_cast<double>(w.passing->nodes.size()), 1.0);
    const double selectivity = passing / live;
    double walk = 0.0;
    // The two-hop walk needs passing nodes among the ~m0^2 within two hops of each node it expands.
    const double m0 = static_cast<double>(graph_.m0());
    two_hop = selectivity * m0 * m0 >= filter_plan_.two_hop_reach;
    if (two_hop) {
      // Scores about as many nodes as an unfiltered walk with this ef, but reads m0 link lists per expansion.
      walk = filter_plan_.two_hop_cost * static_cast<double>(ef);
    } else {
      // The walk keeps going until it has met `ef` passing nodes, so it visits about ef / selectivity nodes;
      // collecting fewer passing ones (ef * sqrt(selectivity), at least 2k) keeps recall, because the passing
      // nodes it meets on the way are already the nearest of their kind.
      const double narrowed = std::ceil(static_cast<double>(ef) * std::sqrt(selectivity));
      ef = std::max({static_cast<std::size_t>(narrowed), 2 * k, std::size_t{16}});
      walk = filter_plan_.walk_cost * static_cast<double>(ef) / selectivity;
    }
    if (w.passing->nodes.size() <= filter_plan_.max_points || passing <= walk) {
      exact_scan<Dist>(query, *w.passing, k, labels, scores, w.candidates);
      return;
    }
  } else if (size() <= filter_plan_.max_points) {
    // A small index is scanned exactly: as fast as a graph walk at this size, and always exact, so a small
    // collection answers like a brute-force search (Qdrant's full-scan threshold plays the same role).
    exact_scan_all<Dist>(query, k, labels, scores);
    return;
  }

  if (!codec_) {
    walk<Dist>(hnsw::FloatScorer<Dist>{&graph_, query, dist}, query, filter, two_hop, ef, k, 0, w, labels, scores);
    return;
  }
  // SQ8: the walk scores codes; the `rerank` best candidates are then scored again in f32 so the order and the
  // scores returned are exact. The beam is at least as wide as the re-ranking depth, as with FAISS's IndexRefine.
  const std::size_t rerank = options_.rerank > 0   ? static_cast<std::size_t>(options_.rerank)
                             : options_.rerank == 0 ? auto_rerank(k, ef)
                                                    : 0;
  ef = std::max(ef, rerank);
  w.prepared = codec_->prepare({query, static_cast<std::size_t>(dim_)}, metric_);
  if (metric_ == Metric::kL2) {
    walk<Dist>(hnsw::Sq8L2Scorer{&graph_, &w.prepared, codec_->scale().data()}, query, filter, two_hop, ef, k,
               rerank, w, labels, scores);
  } else {
    walk<Dist>(hnsw::Sq8DotScorer{&graph_, &w.prepared}, query, filter, two_hop, ef, k, rerank, w, labels,
               scores);
  }
}

template <class Dist, class Scorer>
void HnswIndex::walk(const Scorer& score, const float* query, const LabelSet* filter, bool two_hop, std::size_t ef,
                     std::size_t k, std::size_t rerank, Worker& w, std::uint64_t* labels, float* scores) const {
  w.links.resize(1 + graph_.m0());
  Candidate current{score(entry_), entry_};
  for (int lc = max_level_; lc > 0; --lc) {
    current = hnsw::greedy_step(graph_, current, lc, score, hnsw::InPlaceLinks{}, w.links.data());
  }
  std::vector<Candidate>& found = w.candidates;
  if (filter == nullptr && deleted() == 0) {
    w.pool.reset(ef);
    hnsw::beam_search(graph_, current, 0, score, hnsw::InPlaceLinks{}, w.pool, w.visited, w.links.data());
    found.resize(w.pool.size());
    for (std::size_t i = 0; i < found.size(); ++i) found[i] = w.pool[i];
  } else if (filter == nullptr) {
    found = hnsw::admitting_search(graph_, current, ef, score, [&](NodeId id) { return !graph_.deleted(id); },
                                   w.visited);
  } else {
    // Deleted nodes are never in the passing set.
    const std::uint64_t* bits = w.passing->bits.data();
    auto passes = [bits](NodeId id) { return (bits[id / 64] >> (id % 64) & 1u) != 0; };
    found = two_hop ? hnsw::two_hop_search(graph_, current, ef, score, passes, w.visited, w.fresh)
                    : hnsw::admitting_search(graph_, current, ef, score, passes, w.visited);
    if (found.size() < std::min(k, w.passing->nodes.size())) {
      // Some passing nodes were out of the walk's reach (a filter that isolates them): answer exactly instead.
      exact_scan<Dist>(query, *w.passing, k, labels, scores, w.candidates);
      return;
    }
  }
  if (rerank > 0) {
    found.resize(std::min(rerank, found.size()));
    score_top_k<Dist>(query, found, k, labels, scores);
    return;
  }
  const std::size_t n = std::min(k, found.size());
  for (std::size_t i = 0; i < n; ++i) {
    labels[i] = graph_.label(found[i].id);
    scores[i] = -found[i].dist;
  }
}

Expected<SearchResults> HnswIndex::search(MatrixView queries, const SearchParams& params) const {
  if (params.k < 1) return make_error(ErrorCode::kInvalidArgument, fmt::format("k must be at least 1, got {}", params.k));
  if (params.ef < 0) return make_error(ErrorCode::kInvalidArgument, fmt::format("ef must be >= 0, got {}", params.ef));
  if (auto ok = check_rows(queries, dim_, "queries"); !ok) return tl::unexpected(ok.error());
  SearchResults results;
  results.nq = queries.rows;
  results.k = static_cast<std::size_t>(params.k);
  results.labels.assign(results.nq * results.k, kNoLabel);
  results.scores.assign(results.nq * results.k, -std::numeric_limits<float>::infinity());
  if (size() == 0 || queries.rows == 0) return results;
  const int threads = std::max(1, std::min<int>(params.threads, static_cast<int>(queries.rows)));
  std::shared_ptr<const PassingNodes> passing;
  if (params.filter != nullptr) passing = passing_nodes(*params.filter);
  with_distance(metric_, dim_, [&](auto dist) {
    using Dist = decltype(dist);
    std::atomic<std::size_t> next{0};
    core::run_threads(threads, [&](int) {
      auto worker = workers_->acquire();
      worker->passing = passing.get();
      for (std::size_t q; (q = next.fetch_add(1, std::memory_order_relaxed)) < queries.rows;) {
        search_one<Dist>(queries.data + q * queries.stride, params, *worker, results.labels.data() + q * results.k,
                         results.scores.data() + q * results.k);
      }
      workers_->release(std::move(worker));
    });
  });
  return results;
}

std::shared_ptr<const HnswIndex::PassingNodes> HnswIndex::passing_nodes(const LabelSet& filter) const {
  std::lock_guard lock(passing_mutex_);
  if (passing_ && passing_->serial == filter.serial()) return passing_;
  auto made = std::make_shared<PassingNodes>();
  made->serial = filter.serial();
  made->bits.assign(graph_.nodes() / 64 + 1, 0);
  // Independent lookups first (they overlap in the CPU), then the node list in ascending order.
  made->nodes.reserve(filter.size());
  for (std::uint64_t label : filter.labels()) {
    if (auto it = label_to_node_.find(label); it != label_to_node_.end()) made->nodes.push_back(it->second);
  }
  std::sort(made->nodes.begin(), made->nodes.end());
  for (NodeId id : made->nodes) made->bits[id / 64] |= std::uint64_t{1} << (id % 64);
  passing_ = std::move(made);
  return passing_;
}

void HnswIndex::forget_passing_nodes() noexcept {
  std::lock_guard lock(passing_mutex_);
  passing_.reset();
}

std::size_t HnswIndex::unreachable() const {
  const std::size_t n = graph_.nodes();
  if (max_level_ < 0 || n == 0) return 0;
  std::vector<bool> seen(n, false);
  std::vector<NodeId> stack{entry_};
  seen[entry_] = true;
  std::size_t reached_live = 0;
  while (!stack.empty()) {
    const NodeId x = stack.back();
    stack.pop_back();
    reached_live += !graph_.deleted(x);
    const std::uint32_t* list = graph_.links0(x);
    for (std::uint32_t i = 1; i <= list[0]; ++i) {
      if (!seen[list[i]]) {
        seen[list[i]] = true;
        stack.push_back(list[i]);
      }
    }
  }
  return size() - reached_live;
}

std::size_t HnswIndex::memory_bytes() const noexcept {
  // unordered_map: a node of key, value and next pointer plus a bucket pointer per entry.
  return graph_.memory_bytes() + label_to_node_.size() * (sizeof(std::uint64_t) * 2 + sizeof(void*) * 2);
}

}  // namespace semspace::index
