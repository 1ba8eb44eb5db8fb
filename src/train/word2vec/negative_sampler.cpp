#include "train/word2vec/negative_sampler.hpp"

#include <cmath>

#include "semspace/status.hpp"

namespace semspace::train {

NegativeSampler::NegativeSampler(std::span<const std::uint64_t> counts, double power)
    : size_(counts.size()), threshold_(counts.size()), alias_(counts.size()) {
  SEMSPACE_CHECK(!counts.empty(), "negative sampler needs a non-empty vocabulary");
  std::vector<double> scaled(counts.size());
  double total = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) total += scaled[i] = std::pow(static_cast<double>(counts[i]), power);
  std::vector<std::uint32_t> small, large;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    scaled[i] *= static_cast<double>(counts.size()) / total;  // mean 1
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  constexpr double kScale = 4294967296.0;
  auto to_threshold = [&](double p) {
    return p >= 1.0 ? 0xFFFFFFFFu : static_cast<std::uint32_t>(p * kScale);
  };
  while (!small.empty() && !large.empty()) {
    std::uint32_t s = small.back(), l = large.back();
    small.pop_back();
    threshold_[s] = to_threshold(scaled[s]);
    alias_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Leftovers are 1 up to rounding: they always keep their own slot.
  for (std::uint32_t i : large) threshold_[i] = 0xFFFFFFFFu, alias_[i] = i;
  for (std::uint32_t i : small) threshold_[i] = 0xFFFFFFFFu, alias_[i] = i;
}

double NegativeSampler::probability(std::uint32_t id) const {
  constexpr double kScale = 4294967296.0;
  double p = 0;
  for (std::uint64_t slot = 0; slot < size_; ++slot) {
    double keep = threshold_[slot] == 0xFFFFFFFFu ? 1.0 : threshold_[slot] / kScale;
    if (slot == id) p += keep;
    if (alias_[slot] == id && slot != id) p += 1.0 - keep;
  }
  return p / static_cast<double>(size_);
}

}  // namespace semspace::train
