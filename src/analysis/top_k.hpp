// TopK: the k best (score, id) pairs of a stream, for brute-force nearest-neighbour scans.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace semspace {

struct ScoredId {
  float score = 0;
  std::uint32_t id = 0;
};

/// Keeps the k highest scores pushed so far. Ties go to the smaller id, so results do not depend on the order
/// in which candidates (or threads' partial results) are pushed. NaN scores are ignored. Not thread-safe: keep
/// one per thread and merge by pushing one into another.
class TopK {
 public:
  explicit TopK(std::size_t k) : k_(k) { heap_.reserve(k); }

  /// True once k candidates are kept; from then on a push must beat the worst kept one.
  bool full() const noexcept { return heap_.size() == k_; }

  void push(float score, std::uint32_t id) {
    if (k_ == 0 || !(score == score)) return;
    if (full()) {
      // Fast rejection: in a scan of n >> k candidates almost every push stops here.
      if (score < heap_.front().score) return;
      if (!better({score, id}, heap_.front())) return;
      std::pop_heap(heap_.begin(), heap_.end(), better);
      heap_.back() = {score, id};
    } else {
      heap_.push_back({score, id});
    }
    std::push_heap(heap_.begin(), heap_.end(), better);
  }

  /// The kept pairs, best first. Leaves the TopK empty.
  std::vector<ScoredId> take_sorted() {
    std::sort(heap_.begin(), heap_.end(), better);
    return std::move(heap_);
  }

 private:
  // "a ranks before b"; used as the heap's less-than so the heap's front is the worst kept entry.
  static bool better(const ScoredId& a, const ScoredId& b) noexcept {
    return a.score > b.score || (a.score == b.score && a.id < b.id);
  }
  std::size_t k_;
  std::vector<ScoredId> heap_;
};

}  // namespace semspace
