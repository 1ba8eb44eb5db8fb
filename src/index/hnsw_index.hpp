// HnswIndex: approximate nearest neighbours on a Hierarchical Navigable Small World graph (Malkov & Yashunin).
// Build is multithreaded (per-node locks); queries are split over threads. Upserts re-insert the new vector
// as a new node and tombstone the old one; removals tombstone. Tombstoned nodes are still walked (they keep
// the graph connected) but never returned, and once they pass a fraction of the graph the index repairs the
// links around them and compacts them away, so recall does not rot. Filtered searches scan the passing points
// exactly when they are few and otherwise walk the whole graph admitting only passing points.
// SQ8 storage (HnswOptions::sq8) keeps a one-byte code per dimension in the graph blocks, so the walks (insert and
// search) read a quarter of the bytes, and keeps the f32 vectors in a separate array that only the final
// re-ranking of a query's best candidates (and link selection while building) reads: scores returned are exact
// f32 scores of the re-ranked candidates. A loaded SQ8 index leaves that array in the file mapping and releases
// its pages after validating them, so it is paged back in only where re-ranking touches it.
// Thread safety: search() may run concurrently with search(); add() and remove() need exclusive access.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <optional>

#include "index/hnsw_graph.hpp"
#include "index/sq8.hpp"
#include "index/vector_index.hpp"

namespace semspace::index {

namespace hnsw {
struct Candidate;  // hnsw_search.hpp
}  // namespace hnsw

struct HnswOptions {
  int m = 16;                 // links per node on upper levels; 2m at level 0
  int ef_construction = 200;  // beam width while inserting
  bool sq8 = false;           // int8 codes in the graph, f32 originals kept outside it for re-ranking
  int rerank = 0;             // sq8: candidates re-scored in f32 per query; 0 = auto (HnswIndex::auto_rerank), < 0 none
  std::uint64_t seed = 42;    // levels are drawn from it (a single-threaded build is reproducible)
};

/// How a filtered search runs. Where enough passing nodes lie within two hops of each node (selectivity x m0^2
/// at least `two_hop_reach`), the walk scores only passing nodes and reaches them through rejected neighbours
/// (two hops, after ACORN); otherwise it walks every node and keeps the passing ones, meeting about
/// ef' / selectivity nodes at roughly `walk_cost` distances each. Either walk is priced in distance
/// computations, and the passing points are scanned exactly when that is cheaper, and always below `max_points`
/// (Qdrant's planner makes the same choice from a cardinality estimate; we know the size).
struct HnswFilterPlan {
  std::size_t max_points = 1000;
  double walk_cost = 10.0;
  double two_hop_reach = 64.0;  // passing nodes expected within two hops (selectivity x m0^2) to walk two hops;
                                // at 31 (3% on clustered data, 3 per cluster) recall fell to 0.82 at ef 64
  double two_hop_cost = 40.0;
};

class HnswIndex final : public VectorIndex {
 public:
  static constexpr char kMagic[9] = "SSHNSW01";
  /// Deleted nodes may make up at most this fraction of the graph before repair and compaction run.
  static constexpr double kMaxDeletedFraction = 0.2;
  /// SQ8: the codec's ranges are learned from every vector present when the first points arrive, and learned
  /// again from all points whenever the index has doubled since, until it was trained on this many. Past that
  /// the ranges stay: a later value outside its dimension's range is clamped to code 0 or 255, which only blurs
  /// the walk's ordering near that point; re-ranking scores candidates in exact f32, and rebuilds (compaction of
  /// a mostly-deleted graph) learn the ranges afresh.
  static constexpr std::size_t kSq8RetrainBelow = 4096;
  /// SQ8 re-ranking depth when HnswOptions::rerank is 0: min(ef, 3k) (see hnsw_index.cpp for the measurement).
  /// An explicit depth larger than ef widens the beam to it.
  static std::size_t auto_rerank(std::size_t k, std::size_t ef) noexcept;

  static std::unique_ptr<HnswIndex> create(int dim, Metric metric, const HnswOptions& options = {});
  ~HnswIndex() override;
  /// Maps a file written by save(); the graph and vectors stay in the mapping until the index is changed.
  static Expected<std::unique_ptr<HnswIndex>> load(const std::filesystem::path& path);
  /// Parses a snapshot held in memory (copied); `name` appears in errors. For tests and fuzzing.
  static Expected<std::unique_ptr<HnswIndex>> load_bytes(std::span<const std::byte> bytes, std::string_view name);

  int dim() const noexcept override { return dim_; }
  Metric metric() const noexcept override { return metric_; }
  std::size_t size() const noexcept override { return label_to_node_.size(); }
  Status add(std::span<const std::uint64_t> labels, MatrixView vectors, int threads = 1) override;
  Status remove(std::span<const std::uint64_t> labels) override;
  bool contains(std::uint64_t label) const noexcept override { return label_to_node_.count(label) != 0; }
  Expected<SearchResults> search(MatrixView queries, const SearchParams& params) const override;
  Status save(const std::filesystem::path& path) const override;

  const HnswOptions& options() const noexcept { return options_; }
  /// The SQ8 codec, once trained (null for f32 storage or an empty SQ8 index).
  const Sq8Codec* codec() const noexcept { return codec_ ? &*codec_ : nullptr; }
  /// Graph nodes including tombstoned ones.
  std::size_t nodes() const noexcept { return graph_.nodes(); }
  std::size_t deleted() const noexcept { return graph_.nodes() - size(); }
  /// Bytes held by the graph, vectors and label map (mapped pages count too, the SQ8 originals included).
  std::size_t memory_bytes() const noexcept;
  /// Of memory_bytes(), the SQ8 f32 originals: touched only by re-ranking, exact scans and inserts, and left in
  /// the file mapping (paged in on demand) by load().
  std::size_t originals_bytes() const noexcept { return graph_.originals_bytes(); }
  /// Live nodes that no search can find: not reachable from the entry point through level-0 links (walks pass
  /// through tombstones). 0 in a healthy graph; a check for tests and diagnostics.
  std::size_t unreachable() const;
  void set_filter_plan(const HnswFilterPlan& plan) noexcept { filter_plan_ = plan; }
  /// SQ8 re-ranking depth for later searches (as HnswOptions::rerank; saved with the index). Not thread-safe
  /// against concurrent searches.
  void set_rerank(int rerank) noexcept { options_.rerank = rerank; }
  /// Reconnects the neighbours of tombstoned nodes and drops those nodes (runs on its own past the threshold:
  /// from add() on its threads, from remove() on one).
  void compact(int threads = 1);

 private:
  HnswIndex(int dim, Metric metric, const HnswOptions& options);
  friend class HnswSnapshot;

  struct Worker;
  // Inserts with the scorer of the storage: f32 vectors, or the node's vector prepared against the SQ8 codec.
  template <class Dist>
  void insert_node(NodeId id, Dist dist, NodeLocks& locks, Worker& worker);
  template <class Dist, class Scorer>
  void insert(NodeId id, Dist dist, const Scorer& score, NodeLocks& locks, Worker& worker);
  // SQ8: trains the codec when due (kSq8RetrainBelow) and encodes the new nodes (or, after training, all).
  void encode(std::span<const NodeId> fresh);
  template <class Dist>
  void search_one(const float* query, const SearchParams& params, Worker& worker, std::uint64_t* labels,
                  float* scores) const;
  // The graph walk of one query; `rerank` > 0 re-scores that many of the best candidates with Dist in f32.
  template <class Dist, class Scorer>
  void walk(const Scorer& score, const float* query, const LabelSet* filter, bool two_hop, std::size_t ef,
            std::size_t k, std::size_t rerank, Worker& worker, std::uint64_t* labels, float* scores) const;
  template <class Dist>
  void exact_scan_all(const float* query, std::size_t k, std::uint64_t* labels, float* scores) const;
  // Scores the candidates' nodes (their ids filled in) and writes the k nearest, best first.
  template <class Dist>
  void score_top_k(const float* query, std::vector<hnsw::Candidate>& found, std::size_t k, std::uint64_t* labels,
                   float* scores) const;
  struct PassingNodes;
  template <class Dist>
  void exact_scan(const float* query, const PassingNodes& passing, std::size_t k, std::uint64_t* labels,
                  float* scores, std::vector<hnsw::Candidate>& found) const;
  template <class Dist>
  void repair(Dist dist, int threads);
  int draw_level();
  void rebuild_label_map();
  // Re-inserts every live point into a new graph (compact() when tombstones are the majority).
  void rebuild_from_live(int threads);

  int dim_;
  Metric metric_;
  HnswOptions options_;
  HnswFilterPlan filter_plan_;
  HnswGraph graph_;
  std::uint64_t rng_state_;
  NodeId entry_ = 0;
  int max_level_ = -1;  // -1: empty graph
  std::mutex entry_mutex_;
  std::unordered_map<std::uint64_t, NodeId> label_to_node_;  // live nodes only
  std::optional<Sq8Codec> codec_;                             // SQ8 storage, once trained
  std::size_t trained_rows_ = 0;                              // nodes the codec was trained on

  // The live nodes a filter passes, one bit per node, for the two-hop walk (which tests far more nodes than it
  // scores, so a label lookup per test would dominate). Derived once per LabelSet (by serial) and reused by
  // later searches with the same set; any change to the index drops it.
  struct PassingNodes {
    std::uint64_t serial = 0;
    std::vector<std::uint64_t> bits;  // one bit per node
    std::vector<NodeId> nodes;        // ascending
  };
  std::shared_ptr<const PassingNodes> passing_nodes(const LabelSet& filter) const;
  void forget_passing_nodes() noexcept;
  mutable std::mutex passing_mutex_;
  mutable std::shared_ptr<const PassingNodes> passing_;

  class WorkerPool;  // scratch space reused across searches (visited marks sized to the graph)
  std::unique_ptr<WorkerPool> workers_;
};

}  // namespace semspace::index
