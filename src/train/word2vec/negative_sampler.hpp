// Draws negative samples from the unigram distribution raised to 3/4 (Mikolov et al. 2013) in O(1) per draw
// with Vose's alias method: two small tables (8 bytes per word) that stay in cache, unlike word2vec's
// 100M-entry table.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/random.hpp"

namespace semspace::train {

class NegativeSampler {
 public:
  /// counts: one per vocabulary word; power: 0.75 by convention.
  NegativeSampler(std::span<const std::uint64_t> counts, double power);

  std::uint32_t sample(core::Rng& rng) const {
    std::uint64_t bits = rng.next();
    auto slot = static_cast<std::uint32_t>(((bits >> 32) * size_) >> 32);
    auto coin = static_cast<std::uint32_t>(bits);  // low 32 bits: an independent uniform draw
    return coin < threshold_[slot] ? slot : alias_[slot];
  }
  /// The probability of drawing `id`, for tests.
  double probability(std::uint32_t id) const;

 private:
  std::uint64_t size_;
  std::vector<std::uint32_t> threshold_;  // P(keep slot) scaled to 2^32
  std::vector<std::uint32_t> alias_;
};

}  // namespace semspace::train
