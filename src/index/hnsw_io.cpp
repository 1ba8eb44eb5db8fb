// HnswIndex snapshots (placeholder until the format lands).
#include "index/hnsw_index.hpp"

namespace semspace::index {

Status HnswIndex::save(const std::filesystem::path& path) const {
  return make_error(ErrorCode::kUnsupported, path.string() + ": HnswIndex::save not implemented");
}

}  // namespace semspace::index
