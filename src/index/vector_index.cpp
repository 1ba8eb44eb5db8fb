// Metric names and LabelSet; load_index lives with the index formats it dispatches to.
#include "index/vector_index.hpp"

#include <algorithm>
#include <atomic>

#include <fmt/format.h>

namespace semspace::index {

std::string_view metric_name(Metric metric) noexcept {
  switch (metric) {
    case Metric::kL2: return "l2";
    case Metric::kCosine: return "cosine";
    case Metric::kDot: return "dot";
  }
  return "?";
}

Expected<Metric> parse_metric(std::string_view name) {
  if (name == "l2") return Metric::kL2;
  if (name == "cosine") return Metric::kCosine;
  if (name == "dot") return Metric::kDot;
  return tl::unexpected(
      Error{ErrorCode::kInvalidArgument, fmt::format("unknown metric '{}': expected cosine, l2 or dot", name)});
}

LabelSet::LabelSet(std::vector<std::uint64_t> labels) : labels_(std::move(labels)) {
  static std::atomic<std::uint64_t> next_serial{1};
  serial_ = next_serial.fetch_add(1, std::memory_order_relaxed);
  std::sort(labels_.begin(), labels_.end());
  labels_.erase(std::unique(labels_.begin(), labels_.end()), labels_.end());
  // A bitmap answers contains() in one load; use it when it costs at most 64 bits per label it holds.
  if (!labels_.empty() && labels_.back() / 64 < 64 * labels_.size() + 1024) {
    bits_.assign(labels_.back() / 64 + 1, 0);
    for (std::uint64_t label : labels_) bits_[label / 64] |= std::uint64_t{1} << (label % 64);
  }
}

bool LabelSet::contains(std::uint64_t label) const noexcept {
  if (!bits_.empty()) return label / 64 < bits_.size() && (bits_[label / 64] >> (label % 64) & 1u) != 0;
  return std::binary_search(labels_.begin(), labels_.end(), label);
}

}  // namespace semspace::index
