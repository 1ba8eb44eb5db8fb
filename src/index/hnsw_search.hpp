// The graph walks of HNSW (Malkov & Yashunin, 2016/2018): greedy descent through the upper levels, the ef-wide
// beam search of one level, and the neighbour-selection heuristic. Shared by insertion, queries and repair.
// Walks score nodes through a Scorer (the distance from one query to a node: f32 against the node's vector, or
// SQ8 against its code) and the heuristic compares nodes with a Dist on their f32 vectors; both are template
// parameters so the metric and storage are chosen once per call, not per pair.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <queue>
#include <utility>
#include <vector>

#include "core/kernels/distance.hpp"
#include "index/hnsw_graph.hpp"
#include "index/sq8.hpp"

namespace semspace::index::hnsw {

/// Distances, lower is nearer. Cosine vectors are normalised on the way in, so it shares the dot distance.
struct L2Distance {
  std::size_t dim;
  float operator()(const float* a, const float* b) const noexcept { return kernels::l2sq_f32(a, b, dim); }
};
struct DotDistance {
  std::size_t dim;
  float operator()(const float* a, const float* b) const noexcept { return -kernels::dot_f32(a, b, dim); }
};

/// A prefetch the optimiser keeps. GCC treats __builtin_prefetch as free of side effects, so a loop whose only
/// statements are prefetches (prefetch_bytes below) is an empty loop it may delete under -ffinite-loops, and it
/// did: every prefetch of the walk vanished, at half the speed, until an unrelated static in the function
/// happened to keep the loop alive. The empty volatile asm is a side effect that costs no instruction.
inline void prefetch(const void* p) noexcept {
  __builtin_prefetch(p, 0, 3);
  asm volatile("" : : "r"(p));
}

/// Prefetches every cache line of [v, v + bytes).
inline void prefetch_bytes(const void* v, std::size_t bytes) noexcept {
  const char* first = static_cast<const char*>(v) - (reinterpret_cast<std::uintptr_t>(v) & 63);
  const std::size_t lines = (static_cast<std::size_t>(static_cast<const char*>(v) - first) + bytes + 63) / 64;
  for (std::size_t i = 0; i < lines; ++i) prefetch(first + 64 * i);
}
inline void prefetch_vector(const float* v, std::size_t dim) noexcept { prefetch_bytes(v, dim * sizeof(float)); }

/// How many nodes ahead of the one being scored to keep prefetched, for vectors (or codes) of `bytes` each.
/// The walk is bound by memory latency, not arithmetic: fetching all of a node's unvisited neighbours, whole,
/// before scoring the first keeps many misses in flight at once. Measured on 1 thread (AMD EPYC, 55k word
/// vectors of dim 100, ef 32): 1 ahead with 4 lines each 21.9k QPS, 8 ahead whole 32.5k, all 32 whole 35.8k;
/// 1M x 128 clustered, ef 64: 6.7k -> 9.3k; SQ8 codes: 28.4k -> 41.1k. The window is capped at about 16 KiB
/// so that at large dimensions (768: 5 vectors) the prefetched lines still fit in L1 when they are read.
inline std::uint32_t prefetch_window(std::size_t bytes) noexcept {
  constexpr std::size_t kBudgetLines = 256;
  const std::size_t lines = bytes / 64 + 2;  // a vector that does not start on a line spans one more
  return static_cast<std::uint32_t>(std::max<std::size_t>(1, kBudgetLines / lines));
}

/// Scores ids[0..n) in order with `score`, calling visit(id, distance) for each, while prefetching ahead.
template <class Scorer, class Visit>
inline void score_prefetched(const Scorer& score, const NodeId* ids, std::uint32_t n, Visit visit) {
  const std::uint32_t ahead = score.window;
  for (std::uint32_t i = 0; i < std::min(ahead, n); ++i) score.prefetch(ids[i]);
  for (std::uint32_t i = 0; i < n; ++i) {
    if (i + ahead < n) score.prefetch(ids[i + ahead]);
    visit(ids[i], score(ids[i]));
  }
}

/// Scorers: the distance from one query to graph nodes, lower is nearer. FloatScorer reads the node's f32 vector.
template <class Dist>
struct FloatScorer {
  const HnswGraph* graph;
  const float* query;
  Dist dist;
  std::uint32_t window = prefetch_window(graph->dim() * sizeof(float));
  float operator()(NodeId id) const noexcept { return dist(query, graph->vector(id)); }
  void prefetch(NodeId id) const noexcept { prefetch_vector(graph->vector(id), graph->dim()); }
};

/// Scores the node's SQ8 code against a query prepared by Sq8Codec::prepare: one SIMD pass over dim bytes, no
/// decode (the same arithmetic as Sq8Codec::score, inlined here because the walk calls it millions of times).
/// The result approximates L2Distance / DotDistance on the decoded vector.
struct Sq8L2Scorer {
  const HnswGraph* graph;
  const Sq8Query* query;
  const float* scale;
  std::uint32_t window = prefetch_window(graph->dim());
  float operator()(NodeId id) const noexcept {
    return kernels::l2sq_f32_u8(query->weights.data(), scale, graph->code(id), query->weights.size());
  }
  void prefetch(NodeId id) const noexcept { prefetch_bytes(graph->code(id), graph->dim()); }
};
struct Sq8DotScorer {
  const HnswGraph* graph;
  const Sq8Query* query;
  std::uint32_t window = prefetch_window(graph->dim());
  float operator()(NodeId id) const noexcept {
    return -(query->offset + kernels::dot_f32_u8(query->weights.data(), graph->code(id), query->weights.size()));
  }
  void prefetch(NodeId id) const noexcept { prefetch_bytes(graph->code(id), graph->dim()); }
};

/// Visited marks with an epoch per search, so starting a search costs nothing instead of clearing n flags.
class VisitedSet {
 public:
  void start(std::size_t nodes) {
    if (marks_.size() < nodes) marks_.resize(nodes + nodes / 4 + 1024, 0);
    if (++epoch_ == 0) {  // wrapped: clear once every 65535 searches
      std::fill(marks_.begin(), marks_.end(), std::uint16_t{0});
      epoch_ = 1;
    }
  }
  bool visit(NodeId id) noexcept {  // true the first time in this search
    if (marks_[id] == epoch_) return false;
    marks_[id] = epoch_;
    return true;
  }
  bool seen(NodeId id) const noexcept { return marks_[id] == epoch_; }
  const std::uint16_t* mark_address(NodeId id) const noexcept { return &marks_[id]; }

 private:
  std::vector<std::uint16_t> marks_;
  std::uint16_t epoch_ = 0;
};

struct Candidate {
  float dist;
  NodeId id;
};
inline bool nearer(const Candidate& a, const Candidate& b) noexcept { return a.dist < b.dist; }

/// The ef best candidates found so far, kept sorted in one array with a cursor at the nearest one not yet
/// expanded. One array replaces the paper's two heaps: inserting is a short memmove over cache-resident data,
/// and "nearest unexpanded" is the cursor.
class CandidatePool {
 public:
  void reset(std::size_t capacity) {
    capacity_ = capacity;
    if (items_.size() < capacity + 1) {
      items_.resize(capacity + 1);
      expanded_.resize(capacity + 1);
    }
    size_ = cursor_ = 0;
  }
  std::size_t size() const noexcept { return size_; }
  const Candidate& operator[](std::size_t i) const noexcept { return items_[i]; }
  bool full() const noexcept { return size_ == capacity_; }
  float worst() const noexcept { return items_[size_ - 1].dist; }
  /// Would `dist` enter the pool?
  bool admits(float dist) const noexcept { return size_ < capacity_ || dist < items_[size_ - 1].dist; }
  void insert(float dist, NodeId id) noexcept {
    if (!admits(dist)) return;
    std::size_t lo = 0, hi = size_;
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (items_[mid].dist <= dist) lo = mid + 1; else hi = mid;
    }
    const std::size_t moved = (size_ < capacity_ ? size_ : size_ - 1) - lo;
    std::memmove(&items_[lo + 1], &items_[lo], moved * sizeof(Candidate));
    std::memmove(&expanded_[lo + 1], &expanded_[lo], moved);
    items_[lo] = {dist, id};
    expanded_[lo] = 0;
    if (size_ < capacity_) ++size_;
    if (lo < cursor_) cursor_ = lo;
  }
  bool has_next() const noexcept { return cursor_ < size_; }
  /// The candidate next() will return (valid when has_next()).
  NodeId peek() const noexcept { return items_[cursor_].id; }
  /// The nearest unexpanded candidate, marked expanded.
  Candidate next() noexcept {
    const Candidate c = items_[cursor_];
    expanded_[cursor_] = 1;
    while (cursor_ < size_ && expanded_[cursor_]) ++cursor_;
    return c;
  }

 private:
  std::vector<Candidate> items_;
  std::vector<std::uint8_t> expanded_;
  std::size_t capacity_ = 0, size_ = 0, cursor_ = 0;
};

/// Reads a node's link list. During a parallel build the list may be rewritten by another thread, so the
/// builder copies it under the node's lock; queries run on a quiescent graph and read in place.
struct InPlaceLinks {
  const std::uint32_t* operator()(const HnswGraph& g, NodeId id, int level, std::uint32_t*) const noexcept {
    return g.links(id, level);
  }
};
struct LockedLinks {
  NodeLocks* locks;
  const std::uint32_t* operator()(const HnswGraph& g, NodeId id, int level, std::uint32_t* buffer) const noexcept {
    locks->lock(id);
    const std::uint32_t* src = g.links(id, level);
    std::memcpy(buffer, src, sizeof(std::uint32_t) * (1 + std::min<std::uint32_t>(src[0], g.capacity_at(level))));
    locks->unlock(id);
    return buffer;
  }
};

/// Greedy descent at one level: moves to the nearest neighbour until none is nearer.
template <class Scorer, class Links>
Candidate greedy_step(const HnswGraph& g, Candidate current, int level, const Scorer& score, Links links,
                      std::uint32_t* buffer) {
  for (bool moved = true; moved;) {
    moved = false;
    const std::uint32_t* list = links(g, current.id, level, buffer);
    const std::uint32_t count = std::min<std::uint32_t>(list[0], g.capacity_at(level));
    // `list` may be the caller's buffer, which the scoring below does not touch.
    const Candidate from = current;
    score_prefetched(score, list + 1, count, [&](NodeId id, float d) {
      if (d < current.dist) current = {d, id};
    });
    moved = current.id != from.id;
  }
  return current;
}

/// Beam search of one level from `entry`; leaves the ef nearest nodes it met in `pool` (ef = pool capacity).
template <class Scorer, class Links>
void beam_search(const HnswGraph& g, Candidate entry, int level, const Scorer& score, Links links,
                 CandidatePool& pool, VisitedSet& visited, std::uint32_t* buffer) {
  visited.start(g.nodes());
  visited.visit(entry.id);
  pool.insert(entry.dist, entry.id);
  NodeId fresh[2 * 255];
  while (pool.has_next()) {
    const Candidate c = pool.next();
    // The next candidate's links are likely needed after this one: start fetching them now.
    if (pool.has_next()) prefetch(g.links(pool.peek(), level));
    const std::uint32_t* list = links(g, c.id, level, buffer);
    const std::uint32_t count = std::min<std::uint32_t>(list[0], g.capacity_at(level));
    // Gather the unvisited neighbours first so their vectors can be fetched while earlier ones are scored.
    std::uint32_t n = 0;
    for (std::uint32_t i = 1; i <= count; ++i) {
      if (visited.visit(list[i])) fresh[n++] = list[i];
    }
    score_prefetched(score, fresh, n, [&](NodeId id, float d) { pool.insert(d, id); });
  }
}

/// Beam search that walks every node but admits to the result only those `admit(id)` accepts (filters and
/// tombstones): the walk keeps the graph connected through non-matching nodes. Results sorted nearest first.
template <class Scorer, class Admit>
std::vector<Candidate> admitting_search(const HnswGraph& g, Candidate entry, std::size_t ef, const Scorer& score,
                                        Admit admit, VisitedSet& visited) {
  auto farther = [](const Candidate& a, const Candidate& b) { return a.dist > b.dist; };
  std::priority_queue<Candidate, std::vector<Candidate>, decltype(farther)> frontier(farther);  // nearest on top
  std::priority_queue<Candidate, std::vector<Candidate>, decltype(&nearer)> best(&nearer);      // farthest on top
  visited.start(g.nodes());
  visited.visit(entry.id);
  frontier.push(entry);
  if (admit(entry.id)) best.push(entry);
  NodeId fresh[2 * 255];
  while (!frontier.empty()) {
    const Candidate c = frontier.top();
    if (best.size() >= ef && c.dist > best.top().dist) break;
    frontier.pop();
    const std::uint32_t* list = g.links0(c.id);
    const std::uint32_t count = std::min<std::uint32_t>(list[0], g.m0());
    std::uint32_t n = 0;
    for (std::uint32_t i = 1; i <= count; ++i) {
      if (visited.visit(list[i])) fresh[n++] = list[i];
    }
    score_prefetched(score, fresh, n, [&](NodeId id, float d) {
      if (best.size() < ef || d < best.top().dist) {
        frontier.push({d, id});
        if (admit(id)) {
          best.push({d, id});
          if (best.size() > ef) best.pop();
        }
      }
    });
  }
  std::vector<Candidate> out(best.size());
  for (std::size_t i = out.size(); i-- > 0; best.pop()) out[i] = best.top();
  return out;
}

/// Beam search for selective filters, after ACORN-1 (Patel et al., SIGMOD 2024): only nodes `admit(id)` accepts
/// are scored, queued and expanded; a neighbour it rejects is looked through to its own neighbours (two hops).
/// Walking every node instead (admitting_search) scores about ef / selectivity nodes, most of which can never be
/// answers; here the scored nodes are the passing ones only, and the two-hop lists keep the passing subgraph
/// connected when enough nodes pass. Where too few pass near the query for that, the walk runs dry before it
/// has ef results: it then goes on through the rejected nodes it met (nearest parent first), one hop further
/// each time, so sparse filters cost more but still reach their passing nodes. The entry need not pass.
/// Results sorted nearest first.
template <class Scorer, class Admit>
std::vector<Candidate> two_hop_search(const HnswGraph& g, Candidate entry, std::size_t ef, const Scorer& score,
                                      Admit admit, VisitedSet& visited, std::vector<NodeId>& fresh) {
  auto farther = [](const Candidate& a, const Candidate& b) { return a.dist > b.dist; };
  using MinHeap = std::priority_queue<Candidate, std::vector<Candidate>, decltype(farther)>;
  MinHeap frontier(farther);  // passing nodes to expand, nearest on top
  MinHeap bridges(farther);   // rejected nodes met on the way, by their parent's distance
  std::priority_queue<Candidate, std::vector<Candidate>, decltype(&nearer)> best(&nearer);  // farthest on top
  visited.start(g.nodes());
  visited.visit(entry.id);
  frontier.push(entry);
  if (admit(entry.id)) best.push(entry);
  const std::size_t link_bytes = (g.m0() + 1) * sizeof(std::uint32_t);
  auto expand = [&](const Candidate& c) {
    fresh.clear();
    const std::uint32_t* list = g.links0(c.id);
    const std::uint32_t count = std::min<std::uint32_t>(list[0], g.m0());
    for (std::uint32_t i = 1; i <= count; ++i) {  // most neighbours are bridges at low selectivity
      const auto* links = reinterpret_cast<const char*>(g.links0(list[i]));
      for (std::size_t b = 0; b < link_bytes; b += 64) prefetch(links + b);
    }
    for (std::uint32_t i = 1; i <= count; ++i) {
      const NodeId n = list[i];
      if (admit(n)) {
        if (visited.visit(n)) fresh.push_back(n);
        continue;
      }
      // Look through a rejected neighbour whether or not another node did: being a bridge costs no distance.
      const std::uint32_t* hop = g.links0(n);
      const std::uint32_t hop_count = std::min<std::uint32_t>(hop[0], g.m0());
      for (std::uint32_t j = 1; j <= hop_count; ++j) {
        if (admit(hop[j]) && visited.visit(hop[j])) fresh.push_back(hop[j]);
      }
      if (visited.visit(n)) bridges.push({c.dist, n});
    }
    score_prefetched(score, fresh.data(), static_cast<std::uint32_t>(fresh.size()), [&](NodeId id, float d) {
      if (best.size() < ef || d < best.top().dist) {
        frontier.push({d, id});
        best.push({d, id});
        if (best.size() > ef) best.pop();
      }
    });
  };
  for (;;) {
    if (!frontier.empty()) {
      const Candidate c = frontier.top();
      if (best.size() >= ef && c.dist > best.top().dist) break;
      frontier.pop();
      expand(c);
    } else if (best.size() < ef && !bridges.empty()) {
      const Candidate b = bridges.top();
      bridges.pop();
      expand(b);
    } else {
      break;
    }
  }
  std::vector<Candidate> out(best.size());
  for (std::size_t i = out.size(); i-- > 0; best.pop()) out[i] = best.top();
  return out;
}

/// The paper's heuristic (algorithm 4): take candidates nearest first, keeping one only if it is nearer the
/// base than to every one kept so far, so links spread in different directions instead of into one cluster.
/// Exact copies of a vector tie that test (a copy is exactly as near the base as to every other copy), so all of
/// them would pass, and a group of more than m copies would fill its members' links with the group itself: an
/// island searches cannot leave (recall on data with 20-40 copies per vector fell to 0.75-0.95 where hnswlib kept
/// 0.92-0.99). A candidate that ties a kept link while both are equally near the base is such a copy; at most half
/// the links go to copies, enough to keep the group connected (a search must be able to list all copies), and
/// the rest to other directions. For distinct vectors these equalities do not happen.
/// `candidates` must be sorted nearest first; returns at most `max_links`.
template <class Dist>
void select_neighbours(const HnswGraph& g, std::vector<Candidate>& candidates, std::size_t max_links, Dist dist) {
  if (candidates.size() <= max_links) return;
  std::size_t kept = 0, copies = 0;
  for (std::size_t i = 0; i < candidates.size() && kept < max_links; ++i) {
    const Candidate c = candidates[i];
    bool diverse = true, copy = false;
    for (std::size_t j = 0; j < kept && diverse; ++j) {
      const float between = dist(g.vector(c.id), g.vector(candidates[j].id));
      diverse = between >= c.dist;
      copy = copy || (between == c.dist && candidates[j].dist == c.dist);
    }
    if (diverse && copy) {
      diverse = copies < max_links / 2;
      copies += diverse;
    }
    if (diverse) candidates[kept++] = c;
  }
  candidates.resize(kept);
}

}  // namespace semspace::index::hnsw
