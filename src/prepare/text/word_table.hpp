// A string -> dense id map for vocabularies: open addressing over 64-bit hashes, words kept in insertion order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace semspace {

/// Ids are 0..size()-1 in insertion order. Lookups take a string_view and allocate nothing; insertion of a
/// new word copies it once. Not thread-safe for writes; const methods may run concurrently.
class WordTable {
 public:
  /// The id of `word`, or nullopt.
  std::optional<std::uint32_t> find(std::string_view word) const;
  /// The id of `word`, adding it with id size() when absent; `inserted` (when given) says which happened.
  std::uint32_t insert(std::string_view word, bool* inserted = nullptr);
  /// Pre-sizes for `count` words so that inserting them does not rehash.
  void reserve(std::size_t count);

  std::size_t size() const noexcept { return words_.size(); }
  const std::vector<std::string>& words() const noexcept { return words_; }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t id_plus_one = 0;  // 0 marks an empty slot
  };
  std::size_t slot_of(std::string_view word, std::uint64_t hash) const;
  void grow(std::size_t slot_count);

  std::vector<Slot> slots_;  // power-of-two size, at most 1/2 full
  std::vector<std::string> words_;
};

/// A fast 64-bit hash of a short string (8 bytes per step, multiply-xorshift mixing); not cryptographic.
std::uint64_t hash_word(std::string_view word) noexcept;

}  // namespace semspace
