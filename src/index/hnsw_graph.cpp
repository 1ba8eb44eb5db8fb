// HnswGraph storage: slabs, node blocks, upper-level offsets.
#include "index/hnsw_graph.hpp"

#include <algorithm>
#include <cstring>
#include <new>

namespace semspace::index {
namespace {
constexpr std::size_t kAlign = 64;
std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }
}  // namespace

void Slab::AlignedFree::operator()(std::byte* p) const noexcept { ::operator delete[](p, std::align_val_t{kAlign}); }

void Slab::resize(std::size_t bytes) {
  if (bytes <= capacity_ && !keep_) {
    if (bytes > size_) std::memset(data_ + size_, 0, bytes - size_);
    size_ = bytes;
    return;
  }
  if (keep_ && bytes <= size_) {  // shrinking borrowed memory needs no copy
    size_ = bytes;
    return;
  }
  const std::size_t capacity = std::max({bytes, capacity_ + capacity_ / 2, std::size_t{kAlign}});
  std::unique_ptr<std::byte[], AlignedFree> fresh(
      static_cast<std::byte*>(::operator new[](capacity, std::align_val_t{kAlign})));
  if (size_ > 0) std::memcpy(fresh.get(), data_, std::min(size_, bytes));
  if (bytes > size_) std::memset(fresh.get() + size_, 0, bytes - size_);
  owned_ = std::move(fresh);
  keep_.reset();
  data_ = owned_.get();
  capacity_ = capacity;
  size_ = bytes;
}

void Slab::borrow(std::byte* bytes, std::size_t size, std::shared_ptr<void> owner) {
  owned_.reset();
  data_ = bytes;
  size_ = capacity_ = size;
  keep_ = std::move(owner);
}

HnswGraph::HnswGraph(int dim, int m, bool sq8) : dim_(dim), m_(m), sq8_(sq8) {
  payload_offset_ = round_up(sizeof(std::uint32_t) * (1 + static_cast<std::size_t>(m0())), 16);
  const auto d = static_cast<std::size_t>(dim);
  // f32 blocks start on cache lines so a vector spans the fewest lines the prefetcher must fetch. SQ8 blocks
  // only keep the 16-byte alignment of the codes: at dim 128 and m 16 that is 272 bytes instead of 320, and the
  // codes still span at most three lines.
  block_bytes_ = sq8 ? round_up(payload_offset_ + d, 16) : round_up(payload_offset_ + sizeof(float) * d, kAlign);
}

void HnswGraph::reserve(std::size_t more) {
  // resize() grows geometrically; touching the final sizes once here keeps pointers stable while threads insert.
  const std::size_t n = nodes_ + more;
  if (level0_.size() < n * block_bytes_) {
    const std::size_t old0 = level0_.size(), oldl = labels_.size(), oldv = levels_.size(), oldf = flags_.size(),
                      oldx = vectors_.size();
    level0_.resize(n * block_bytes_);
    labels_.resize(n * sizeof(std::uint64_t));
    levels_.resize(n);
    flags_.resize(n);
    if (sq8_) vectors_.resize(n * dim_ * sizeof(float));
    level0_.resize(old0);
    labels_.resize(oldl);
    levels_.resize(oldv);
    flags_.resize(oldf);
    if (sq8_) vectors_.resize(oldx);
  }
  upper_offset_.reserve(n);
}

NodeId HnswGraph::append(std::uint64_t label, int level, const float* vec, const std::uint8_t* code_bytes) {
  const NodeId id = static_cast<NodeId>(nodes_);
  ++nodes_;
  level0_.resize(nodes_ * block_bytes_);
  labels_.resize(nodes_ * sizeof(std::uint64_t));
  levels_.resize(nodes_);
  flags_.resize(nodes_);
  if (sq8_) vectors_.resize(nodes_ * dim_ * sizeof(float));
  std::memset(block(id), 0, block_bytes_);
  std::memcpy(vector(id), vec, sizeof(float) * static_cast<std::size_t>(dim_));
  if (sq8_ && code_bytes != nullptr) std::memcpy(code(id), code_bytes, static_cast<std::size_t>(dim_));
  std::memcpy(labels_.data() + static_cast<std::size_t>(id) * sizeof(std::uint64_t), &label, sizeof label);
  levels_.data()[id] = static_cast<std::byte>(level);
  flags_.data()[id] = std::byte{0};
  upper_offset_.push_back(upper_words_);
  const std::size_t words = static_cast<std::size_t>(level) * (m_ + 1);
  upper_words_ += words;
  if (upper_.size() < upper_words_ * sizeof(std::uint32_t)) upper_.resize(upper_words_ * sizeof(std::uint32_t));
  return id;
}

void HnswGraph::adopt(std::size_t nodes, Slab level0, Slab labels, Slab levels, Slab flags, Slab upper,
                      std::size_t upper_words, Slab vectors) {
  nodes_ = nodes;
  vectors_ = std::move(vectors);
  level0_ = std::move(level0);
  labels_ = std::move(labels);
  levels_ = std::move(levels);
  flags_ = std::move(flags);
  upper_ = std::move(upper);
  upper_words_ = upper_words;
  upper_offset_.resize(nodes);
  std::size_t offset = 0;
  for (std::size_t id = 0; id < nodes; ++id) {
    upper_offset_[id] = offset;
    offset += static_cast<std::size_t>(level(static_cast<NodeId>(id))) * (m_ + 1);
  }
}

std::size_t HnswGraph::memory_bytes() const noexcept {
  const std::size_t arrays = nodes_ * (block_bytes_ + sizeof(std::uint64_t) + 2) + upper_words_ * 4;
  return arrays + originals_bytes() + upper_offset_.capacity() * sizeof(std::uint64_t);
}

}  // namespace semspace::index
