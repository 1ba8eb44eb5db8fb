// Any byte string must give an index or an error from HnswIndex::load_bytes, never a crash. The trailing
// checksum is recomputed first: otherwise almost every mutation stops at the checksum and the field checks
// behind it (links, levels, sections, labels) would never be exercised.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include <xxhash.h>

#include "index/hnsw_index.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::byte> bytes(reinterpret_cast<const std::byte*>(data), reinterpret_cast<const std::byte*>(data) + size);
  for (bool reseal : {false, true}) {
    if (reseal && size >= 16) {
      const std::uint64_t sum = XXH3_64bits(bytes.data(), size - 8);
      std::memcpy(bytes.data() + size - 8, &sum, 8);
    }
    auto index = semspace::index::HnswIndex::load_bytes(bytes, "a.hnsw");
    if (!index) {
      if (index.error().message.empty()) __builtin_trap();
      continue;
    }
    // A loaded index must answer a query without reading out of bounds.
    auto& idx = **index;
    std::vector<float> query(static_cast<std::size_t>(idx.dim()), 0.5f);
    semspace::MatrixView view{query.data(), 1, query.size(), query.size()};
    auto results = idx.search(view, {.k = 3, .ef = 8});
    if (!results) __builtin_trap();
  }
  return 0;
}
