// load_index: opens any saved index by the magic at the start of its file.
#include <cstring>
#include <fstream>
#include <string_view>

#include <fmt/format.h>

#include "index/flat_index.hpp"
#include "index/hnsw_index.hpp"
#include "index/vector_index.hpp"

namespace semspace::index {

Expected<std::unique_ptr<VectorIndex>> load_index(const std::filesystem::path& path) {
  char magic[8] = {};
  std::ifstream in(path, std::ios::binary);
  if (!in) return tl::unexpected(Error{ErrorCode::kIo, fmt::format("{}: cannot open the index file", path.string())});
  if (!in.read(magic, sizeof magic)) {
    return tl::unexpected(Error{ErrorCode::kCorrupt, fmt::format("{}: too short to be an index file", path.string())});
  }
  auto widen = [](auto loaded) -> Expected<std::unique_ptr<VectorIndex>> {
    if (!loaded) return tl::unexpected(loaded.error());
    return std::unique_ptr<VectorIndex>(std::move(*loaded));
  };
  if (std::memcmp(magic, HnswIndex::kMagic, sizeof magic) == 0) return widen(HnswIndex::load(path));
  if (std::string_view(magic, sizeof magic) == FlatIndex::kMagic) return widen(FlatIndex::load(path));
  return tl::unexpected(Error{ErrorCode::kCorrupt, fmt::format("{}: not a semspace index (unknown magic)", path.string())});
}

}  // namespace semspace::index
