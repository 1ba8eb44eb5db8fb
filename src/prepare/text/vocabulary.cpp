#include "prepare/text/vocabulary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace semspace {

Status VocabularyOptions::validate() const {
  if (min_count == 0) {
    return make_error(ErrorCode::kInvalidArgument, "min_count must be at least 1, got 0");
  }
  return {};
}

std::uint32_t VocabularyCounter::add(std::string_view token, std::uint64_t count) {
  bool inserted = false;
  const std::uint32_t id = table_.insert(token, &inserted);
  if (inserted) counts_.push_back(0);
  counts_[id] += count;
  total_tokens_ += count;
  return id;
}

void VocabularyCounter::merge(const VocabularyCounter& other) {
  const auto& other_words = other.table_.words();
  for (std::size_t i = 0; i < other_words.size(); ++i) add(other_words[i], other.counts_[i]);
}

std::uint64_t VocabularyCounter::count(std::string_view token) const {
  const auto id = table_.find(token);
  return id ? counts_[*id] : 0;
}

Vocabulary::Vocabulary(const VocabularyCounter& counter, const VocabularyOptions& options) {
  const auto valid = options.validate();
  SEMSPACE_CHECK(valid.has_value(), "{}", valid ? std::string() : valid.error().message);
  const auto& words = counter.words();
  const auto& counts = counter.counts();
  std::vector<std::uint32_t> kept;
  kept.reserve(words.size());
  for (std::uint32_t id = 0; id < words.size(); ++id) {
    if (counts[id] >= options.min_count) kept.push_back(id);
  }
  const auto before = [&](std::uint32_t a, std::uint32_t b) {
    if (counts[a] != counts[b]) return counts[a] > counts[b];
    return words[a] < words[b];  // std::string compares bytes as unsigned char: locale-independent
  };
  if (options.max_size > 0 && options.max_size < kept.size()) {
    // Only the first max_size need ordering; the tail is discarded.
    std::partial_sort(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(options.max_size), kept.end(),
                      before);
    kept.resize(options.max_size);
  } else {
    std::sort(kept.begin(), kept.end(), before);
  }
  table_.reserve(kept.size());
  counts_.reserve(kept.size());
  for (std::uint32_t id : kept) {
    table_.insert(words[id]);
    counts_.push_back(counts[id]);
    total_count_ += counts[id];
  }
}

std::vector<float> Vocabulary::keep_probabilities(double t) const {
  std::vector<float> keep(counts_.size(), 1.0f);
  if (t <= 0 || total_count_ == 0) return keep;
  for (std::size_t id = 0; id < counts_.size(); ++id) {
    const double ratio = t / (static_cast<double>(counts_[id]) / static_cast<double>(total_count_));
    keep[id] = static_cast<float>(std::min(1.0, std::sqrt(ratio) + ratio));
  }
  return keep;
}

}  // namespace semspace
