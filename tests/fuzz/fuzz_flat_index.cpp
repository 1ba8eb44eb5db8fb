// Any byte string must give a FlatIndex or an error from FlatIndex::load, never a crash; a loaded index must
// answer a search with stored labels only. The checksum would stop almost every mutation at the first check,
// so each input is also tried resealed (a correct checksum in place of its last 8 bytes), which lets the
// fuzzer reach the header and content validation. load() reads a path, so inputs go through a file.
#include <unistd.h>
#include <xxhash.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "index/flat_index.hpp"

namespace {

void load_and_use(const std::vector<std::uint8_t>& bytes) {
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("fuzz_flat_index_" + std::to_string(::getpid()) + ".flat");
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  auto loaded = semspace::index::FlatIndex::load(path);
  if (!loaded) {
    if (loaded.error().message.empty()) __builtin_trap();  // every error must say something
    return;
  }
  const auto& index = **loaded;
  std::vector<float> query(static_cast<std::size_t>(index.dim()), 0.5f);
  auto results = index.search({query.data(), 1, query.size(), query.size()}, {.k = 3});
  if (!results) __builtin_trap();
  for (std::uint64_t label : results->labels) {
    if (label != semspace::index::kNoLabel && !index.contains(label)) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> bytes(data, data + size);
  load_and_use(bytes);
  if (size >= 8) {
    const std::uint64_t sum = XXH3_64bits(bytes.data(), size - 8);
    std::memcpy(bytes.data() + size - 8, &sum, 8);
    load_and_use(bytes);
  }
  return 0;
}
