// HnswGraph: the memory layout of an HNSW index, nothing else. Each node's level-0 links and what the graph walk
// scores (its f32 vector, or with SQ8 storage its one-byte-per-dimension code) share one fixed-size block so
// that expanding a node touches one contiguous region; upper-level links (few nodes have any) live in a separate
// array. With SQ8 the f32 originals, read only to re-rank a query's best candidates and to choose links while
// building, sit in their own array outside the blocks, so the walk never pulls them into cache. Every array is a Slab, which either owns its bytes or borrows them from a
// memory-mapped snapshot, so a loaded index searches the file's pages directly and copies only when it grows.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <thread>
#include <vector>

namespace semspace::index {

/// A growable, 64-byte aligned byte array that may borrow memory owned elsewhere (a private mapping).
class Slab {
 public:
  Slab() = default;
  Slab(Slab&&) noexcept = default;
  Slab& operator=(Slab&&) noexcept = default;

  std::byte* data() noexcept { return data_; }
  const std::byte* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  /// Grows (new bytes zeroed) or shrinks; growth is geometric, and copies borrowed bytes into owned memory.
  void resize(std::size_t bytes);
  /// Points at `bytes` inside memory kept alive by `owner`; the memory must be writable (copy-on-write).
  void borrow(std::byte* bytes, std::size_t size, std::shared_ptr<void> owner);
  bool borrowed() const noexcept { return keep_ != nullptr; }
  std::size_t owned_bytes() const noexcept { return owned_ ? capacity_ : 0; }

 private:
  struct AlignedFree {
    void operator()(std::byte* p) const noexcept;
  };
  std::byte* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  std::unique_ptr<std::byte[], AlignedFree> owned_;
  std::shared_ptr<void> keep_;
};

/// Node ids are dense uint32 positions; labels are what users see.
using NodeId = std::uint32_t;
inline constexpr int kMaxLevel = 31;  // levels are drawn with P(level >= l) = M^-l; 31 is never reached

class HnswGraph {
 public:
  HnswGraph() = default;
  /// `sq8`: blocks hold codes, and the f32 vectors live in a separate array.
  HnswGraph(int dim, int m, bool sq8 = false);

  int dim() const noexcept { return dim_; }
  int m() const noexcept { return m_; }
  int m0() const noexcept { return 2 * m_; }
  std::size_t nodes() const noexcept { return nodes_; }
  bool sq8() const noexcept { return sq8_; }
  /// Bytes of one level-0 block: [count][m0 links] padded to 16 bytes, then the f32 vector (padded to 64 bytes)
  /// or, with SQ8, the dim-byte code (padded to 16 bytes: the smallest block, since memory is SQ8's point).
  std::size_t block_bytes() const noexcept { return block_bytes_; }

  // Level-0 links: links0(id)[0] is the count, the ids follow. Upper levels: links(id, level) the same shape
  // with room for m ids.
  std::uint32_t* links0(NodeId id) noexcept { return reinterpret_cast<std::uint32_t*>(block(id)); }
  const std::uint32_t* links0(NodeId id) const noexcept {
    return reinterpret_cast<const std::uint32_t*>(block(id));
  }
  std::uint32_t* links(NodeId id, int level) noexcept {
    return level == 0 ? links0(id) : upper() + upper_offset_[id] + static_cast<std::size_t>(level - 1) * (m_ + 1);
  }
  const std::uint32_t* links(NodeId id, int level) const noexcept {
    return level == 0 ? links0(id) : upper() + upper_offset_[id] + static_cast<std::size_t>(level - 1) * (m_ + 1);
  }
  int capacity_at(int level) const noexcept { return level == 0 ? m0() : m_; }

  /// The f32 vector (normalised for cosine): in the block, or with SQ8 in the separate originals array.
  float* vector(NodeId id) noexcept {
    return sq8_ ? reinterpret_cast<float*>(vectors_.data()) + static_cast<std::size_t>(id) * dim_
                : reinterpret_cast<float*>(block(id) + payload_offset_);
  }
  const float* vector(NodeId id) const noexcept {
    return sq8_ ? reinterpret_cast<const float*>(vectors_.data()) + static_cast<std::size_t>(id) * dim_
                : reinterpret_cast<const float*>(block(id) + payload_offset_);
  }
  /// The SQ8 code in the block (SQ8 storage only).
  std::uint8_t* code(NodeId id) noexcept { return reinterpret_cast<std::uint8_t*>(block(id) + payload_offset_); }
  const std::uint8_t* code(NodeId id) const noexcept {
    return reinterpret_cast<const std::uint8_t*>(block(id) + payload_offset_);
  }
  std::uint64_t label(NodeId id) const noexcept { return labels()[id]; }
  int level(NodeId id) const noexcept { return static_cast<int>(levels()[id]); }
  bool deleted(NodeId id) const noexcept { return flags()[id] != 0; }
  void set_deleted(NodeId id, bool value) noexcept { flags_.data()[id] = static_cast<std::byte>(value ? 1 : 0); }

  /// Appends a node with no links; its vector, label and (when given) code are set, its upper link lists
  /// reserved. An SQ8 node appended without a code must get one through code() before a walk reaches it.
  /// Not thread-safe.
  NodeId append(std::uint64_t label, int level, const float* vector, const std::uint8_t* code = nullptr);
  /// Makes room for `more` nodes without moving memory during a parallel build.
  void reserve(std::size_t more);

  // Raw arrays, for snapshots.
  const Slab& level0_slab() const noexcept { return level0_; }
  const Slab& labels_slab() const noexcept { return labels_; }
  const Slab& levels_slab() const noexcept { return levels_; }
  const Slab& flags_slab() const noexcept { return flags_; }
  const Slab& upper_slab() const noexcept { return upper_; }
  const Slab& vectors_slab() const noexcept { return vectors_; }  // SQ8 only: nodes x dim f32, node order
  std::size_t upper_words() const noexcept { return upper_words_; }
  /// Adopts arrays read from a snapshot (already validated) and recomputes the upper-level offsets. `vectors` is
  /// the originals array of an SQ8 graph (empty otherwise).
  void adopt(std::size_t nodes, Slab level0, Slab labels, Slab levels, Slab flags, Slab upper, std::size_t upper_words,
             Slab vectors = {});
  /// Bytes of the graph including the SQ8 originals.
  std::size_t memory_bytes() const noexcept;
  /// Bytes of the SQ8 originals array (0 for f32 storage), which a loaded index leaves in the file mapping.
  std::size_t originals_bytes() const noexcept { return sq8_ ? nodes_ * dim_ * sizeof(float) : 0; }

 private:
  std::byte* block(NodeId id) noexcept { return level0_.data() + static_cast<std::size_t>(id) * block_bytes_; }
  const std::byte* block(NodeId id) const noexcept {
    return level0_.data() + static_cast<std::size_t>(id) * block_bytes_;
  }
  std::uint32_t* upper() noexcept { return reinterpret_cast<std::uint32_t*>(upper_.data()); }
  const std::uint32_t* upper() const noexcept { return reinterpret_cast<const std::uint32_t*>(upper_.data()); }
  const std::uint64_t* labels() const noexcept { return reinterpret_cast<const std::uint64_t*>(labels_.data()); }
  const std::uint8_t* levels() const noexcept { return reinterpret_cast<const std::uint8_t*>(levels_.data()); }
  const std::uint8_t* flags() const noexcept { return reinterpret_cast<const std::uint8_t*>(flags_.data()); }

  int dim_ = 0;
  int m_ = 0;
  bool sq8_ = false;
  std::size_t payload_offset_ = 0;
  std::size_t block_bytes_ = 0;
  std::size_t nodes_ = 0;
  std::size_t upper_words_ = 0;
  Slab level0_, labels_, levels_, flags_, upper_, vectors_;
  std::vector<std::uint64_t> upper_offset_;  // per node, in uint32 words; derived from levels
};

/// One spin lock per node for the parallel build: nodes are locked only while their link lists are read or
/// rewritten, which takes nanoseconds, so spinning (with a yield for an oversubscribed machine) beats a mutex.
class NodeLocks {
 public:
  explicit NodeLocks(std::size_t n) : flags_(new std::atomic<bool>[n]) {
    for (std::size_t i = 0; i < n; ++i) flags_[i].store(false, std::memory_order_relaxed);
  }
  void lock(NodeId id) noexcept {
    for (int spins = 0; flags_[id].exchange(true, std::memory_order_acquire); ++spins) {
      if (spins > 64) std::this_thread::yield();
    }
  }
  void unlock(NodeId id) noexcept { flags_[id].store(false, std::memory_order_release); }

 private:
  std::unique_ptr<std::atomic<bool>[]> flags_;
};

}  // namespace semspace::index
