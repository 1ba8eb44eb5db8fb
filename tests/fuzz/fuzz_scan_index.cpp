// Any byte string must give an index or a kCorrupt error from the snapshot reader of collections' scan index,
// never a crash; a loaded index must answer a search.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "store/scan_index.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  auto index = semspace::store::ScanIndex::parse(bytes, "a.scan");
  if (!index) {
    if (index.error().message.empty()) __builtin_trap();
    return 0;
  }
  std::vector<float> query(static_cast<std::size_t>((*index)->dim()), 1.0f);
  semspace::index::SearchParams params;
  params.k = 3;
  auto results = (*index)->search(semspace::MatrixView{query.data(), 1, query.size(), query.size()}, params);
  if (!results) __builtin_trap();
  return 0;
}
