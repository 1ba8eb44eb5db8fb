#include "prepare/text/word_table.hpp"

#include <cstring>

#include "semspace/status.hpp"

namespace semspace {
namespace {

constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ull;

std::uint64_t mix(std::uint64_t value) {
  value ^= value >> 32;
  value *= 0xD6E8FEB86659FD93ull;
  value ^= value >> 32;
  return value;
}

}  // namespace

std::uint64_t hash_word(std::string_view word) noexcept {
  std::uint64_t hash = word.size() * kMultiplier;
  std::size_t pos = 0;
  for (; pos + 8 <= word.size(); pos += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, word.data() + pos, 8);
    hash = mix(hash ^ chunk) * kMultiplier;
  }
  if (pos < word.size()) {
    std::uint64_t chunk = 0;
    std::memcpy(&chunk, word.data() + pos, word.size() - pos);
    hash = mix(hash ^ chunk) * kMultiplier;
  }
  return mix(hash);
}

std::size_t WordTable::slot_of(std::string_view word, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot = static_cast<std::size_t>(hash) & mask;
  // Linear probing: comparing the stored hash first means a string comparison almost only on a real match.
  while (slots_[slot].id_plus_one != 0) {
    const Slot& candidate = slots_[slot];
    if (candidate.hash == hash && words_[candidate.id_plus_one - 1] == word) return slot;
    slot = (slot + 1) & mask;
  }
  return slot;
}

std::optional<std::uint32_t> WordTable::find(std::string_view word) const {
  if (slots_.empty()) return std::nullopt;
  const Slot& slot = slots_[slot_of(word, hash_word(word))];
  if (slot.id_plus_one == 0) return std::nullopt;
  return slot.id_plus_one - 1;
}

std::uint32_t WordTable::insert(std::string_view word, bool* inserted) {
  if ((words_.size() + 1) * 2 > slots_.size()) grow(slots_.empty() ? 1024 : slots_.size() * 2);
  const std::uint64_t hash = hash_word(word);
  Slot& slot = slots_[slot_of(word, hash)];
  if (slot.id_plus_one != 0) {
    if (inserted) *inserted = false;
    return slot.id_plus_one - 1;
  }
  SEMSPACE_CHECK(words_.size() < 0xFFFFFFFFull, "word table is full ({} words)", words_.size());
  words_.emplace_back(word);
  slot.hash = hash;
  slot.id_plus_one = static_cast<std::uint32_t>(words_.size());
  if (inserted) *inserted = true;
  return slot.id_plus_one - 1;
}

void WordTable::reserve(std::size_t count) {
  words_.reserve(count);
  std::size_t slot_count = slots_.empty() ? 1024 : slots_.size();
  while (slot_count < count * 2) slot_count *= 2;
  if (slot_count > slots_.size()) grow(slot_count);
}

void WordTable::grow(std::size_t slot_count) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(slot_count, Slot{});
  const std::size_t mask = slot_count - 1;
  for (const Slot& entry : old) {
    if (entry.id_plus_one == 0) continue;
    std::size_t slot = static_cast<std::size_t>(entry.hash) & mask;
    while (slots_[slot].id_plus_one != 0) slot = (slot + 1) & mask;
    slots_[slot] = entry;
  }
}

}  // namespace semspace
