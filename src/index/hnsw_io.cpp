// HnswIndex snapshots: a fixed header, then the graph's arrays exactly as they sit in memory, each on a 64-byte
// boundary, then an XXH3-64 checksum of everything before it. Loading maps the file and points the graph at
// those arrays (nothing big is copied), after checking the header, the checksum and every link, level and
// label, so a truncated, corrupted or lying file is refused with kCorrupt naming the file and the field.
// Layout (little-endian): docs/formats/hnsw-index.md.
#include <xxhash.h>

#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "core/mapped_file.hpp"
#include "index/hnsw_index.hpp"
#include "io/checksummed_file.hpp"

namespace semspace::index {
namespace {

constexpr std::size_t kSectionAlign = 64;
constexpr std::uint32_t kStorageF32 = 0;
constexpr std::uint32_t kStorageSq8 = 1;  // reserved

struct Header {
  char magic[8];
  std::uint32_t header_bytes;
  std::uint32_t dim;
  std::uint32_t metric;  // 0 l2, 1 cosine, 2 dot
  std::uint32_t m;
  std::uint32_t ef_construction;
  std::uint32_t storage;  // 0 f32, 1 sq8 (reserved)
  std::uint64_t nodes;    // including tombstones
  std::uint64_t live;
  std::int32_t max_level;  // -1 when empty
  std::uint32_t entry;
  std::uint64_t block_bytes;
  std::uint64_t upper_words;
  std::uint64_t rng_state;  // so levels drawn after a reload continue the same sequence
  std::uint64_t level0_offset, labels_offset, levels_offset, flags_offset, upper_offset;
  std::uint64_t file_bytes;  // including the trailing checksum
};
static_assert(sizeof(Header) == 128);
constexpr std::size_t kChecksumBytes = 8;

std::uint64_t align_up(std::uint64_t n) { return (n + kSectionAlign - 1) / kSectionAlign * kSectionAlign; }

std::uint32_t metric_code(Metric m) { return m == Metric::kL2 ? 0 : m == Metric::kCosine ? 1 : 2; }

}  // namespace

/// Reads and writes the snapshot format; a friend of HnswIndex so the graph arrays need no public setters.
class HnswSnapshot {
 public:
  static Status save(const HnswIndex& index, const std::filesystem::path& path);
  static Expected<std::unique_ptr<HnswIndex>> parse(std::byte* data, std::size_t size, std::shared_ptr<void> owner,
                                                    const std::string& name);
};

Status HnswSnapshot::save(const HnswIndex& index, const std::filesystem::path& path) {
  const HnswGraph& g = index.graph_;
  Header h{};
  std::memcpy(h.magic, HnswIndex::kMagic, 8);
  h.header_bytes = sizeof(Header);
  h.dim = static_cast<std::uint32_t>(index.dim_);
  h.metric = metric_code(index.metric_);
  h.m = static_cast<std::uint32_t>(index.options_.m);
  h.ef_construction = static_cast<std::uint32_t>(index.options_.ef_construction);
  h.storage = kStorageF32;
  h.nodes = g.nodes();
  h.live = index.size();
  h.max_level = index.max_level_;
  h.entry = index.entry_;
  h.block_bytes = g.block_bytes();
  h.upper_words = g.upper_words();
  h.rng_state = index.rng_state_;
  const std::span<const std::byte> sections[] = {
      {g.level0_slab().data(), g.nodes() * g.block_bytes()},
      {g.labels_slab().data(), g.nodes() * sizeof(std::uint64_t)},
      {g.levels_slab().data(), g.nodes()},
      {g.flags_slab().data(), g.nodes()},
      {g.upper_slab().data(), g.upper_words() * sizeof(std::uint32_t)},
  };
  std::uint64_t* offsets[] = {&h.level0_offset, &h.labels_offset, &h.levels_offset, &h.flags_offset, &h.upper_offset};
  std::uint64_t at = align_up(sizeof(Header));
  for (std::size_t i = 0; i < 5; ++i) {
    *offsets[i] = at;
    at = align_up(at + sections[i].size());
  }
  h.file_bytes = at + kChecksumBytes;

  auto writer = io::ChecksummedFileWriter::create(path);
  if (!writer) return tl::unexpected(writer.error());
  auto put = [&](std::span<const std::byte> bytes) { return writer->write(bytes); };
  static constexpr std::byte kZeros[kSectionAlign] = {};
  auto pad = [&]() -> Status {
    const std::size_t gap = align_up(writer->size()) - writer->size();
    return gap == 0 ? Status{} : put({kZeros, gap});
  };
  if (auto ok = put(std::as_bytes(std::span(&h, 1))); !ok) return ok;
  for (const auto& section : sections) {
    if (auto ok = pad(); !ok) return ok;
    if (auto ok = put(section); !ok) return ok;
  }
  if (auto ok = pad(); !ok) return ok;
  return writer->commit();
}

Expected<std::unique_ptr<HnswIndex>> HnswSnapshot::parse(std::byte* data, std::size_t size,
                                                         std::shared_ptr<void> owner, const std::string& name) {
  auto corrupt = [&](const std::string& what) {
    return make_error(ErrorCode::kCorrupt, fmt::format("{}: corrupt HNSW index: {}", name, what));
  };
  if (size < 8 || std::memcmp(data, HnswIndex::kMagic, 8) != 0) {
    return corrupt(fmt::format("magic: not an HNSW index file (expected \"{}\")", HnswIndex::kMagic));
  }
  if (size < sizeof(Header) + kChecksumBytes) {
    return corrupt(fmt::format("header: file is {} bytes, shorter than the {}-byte header (truncated)", size,
                               sizeof(Header) + kChecksumBytes));
  }
  Header h;
  std::memcpy(&h, data, sizeof h);
  if (h.header_bytes != sizeof(Header)) return corrupt(fmt::format("header_bytes: {} (expected 128)", h.header_bytes));
  if (h.file_bytes != size) {
    return corrupt(fmt::format("file_bytes: header says {} bytes but the file has {} (truncated or appended to)",
                               h.file_bytes, size));
  }
  std::uint64_t stored = 0;
  std::memcpy(&stored, data + size - kChecksumBytes, kChecksumBytes);
  if (XXH3_64bits(data, size - kChecksumBytes) != stored) return corrupt("checksum: mismatch (file corrupted)");

  // The bytes are what a writer wrote; a buggy or hostile writer can still lie, so check every field.
  if (h.storage == kStorageSq8) {  // a kind this format reserves but this build cannot read yet
    return make_error(ErrorCode::kUnsupported, fmt::format("{}: HNSW index with sq8 storage is not supported yet", name));
  }
  if (h.storage != kStorageF32) return corrupt(fmt::format("storage: unknown kind {}", h.storage));
  if (h.dim == 0 || h.dim > (1u << 16)) return corrupt(fmt::format("dim: {} outside 1..65536", h.dim));
  if (h.metric > 2) return corrupt(fmt::format("metric: unknown code {}", h.metric));
  if (h.m < 2 || h.m > 127) return corrupt(fmt::format("m: {} outside 2..127", h.m));
  if (h.ef_construction == 0 || h.ef_construction > (1u << 20)) {
    return corrupt(fmt::format("ef_construction: {} outside 1..2^20", h.ef_construction));
  }
  const Metric metric = h.metric == 0 ? Metric::kL2 : h.metric == 1 ? Metric::kCosine : Metric::kDot;
  HnswOptions options{.m = static_cast<int>(h.m), .ef_construction = static_cast<int>(h.ef_construction)};
  std::unique_ptr<HnswIndex> index(new HnswIndex(static_cast<int>(h.dim), metric, options));
  HnswGraph& g = index->graph_;
  if (h.block_bytes != g.block_bytes()) {
    return corrupt(fmt::format("block_bytes: {} but dim {} and m {} need {}", h.block_bytes, h.dim, h.m, g.block_bytes()));
  }
  if (h.nodes >= std::numeric_limits<NodeId>::max()) return corrupt(fmt::format("nodes: {} too many", h.nodes));
  if (h.live > h.nodes) return corrupt(fmt::format("live: {} exceeds nodes {}", h.live, h.nodes));
  if (h.upper_words > size / 4) return corrupt(fmt::format("upper_words: {} larger than the file", h.upper_words));

  // Sections in order, aligned, not overlapping, inside the file.
  const char* names[] = {"level0", "labels", "levels", "flags", "upper links"};
  const std::uint64_t offsets[] = {h.level0_offset, h.labels_offset, h.levels_offset, h.flags_offset, h.upper_offset};
  const std::uint64_t lengths[] = {h.nodes * h.block_bytes, h.nodes * 8, h.nodes, h.nodes, h.upper_words * 4};
  std::uint64_t end = sizeof(Header);
  for (std::size_t i = 0; i < 5; ++i) {
    if (offsets[i] % kSectionAlign != 0 || offsets[i] < end || offsets[i] > size - kChecksumBytes ||
        lengths[i] > size - kChecksumBytes - offsets[i]) {
      return corrupt(fmt::format("{} section: offset {} length {} misaligned, overlapping or past the end ({} bytes)",
                                 names[i], offsets[i], lengths[i], size));
    }
    end = offsets[i] + lengths[i];
  }

  const std::size_t nodes = static_cast<std::size_t>(h.nodes);
  const auto* levels = reinterpret_cast<const std::uint8_t*>(data + h.levels_offset);
  const auto* flags = reinterpret_cast<const std::uint8_t*>(data + h.flags_offset);
  std::uint64_t upper_needed = 0, live = 0;
  int top = -1;
  for (std::size_t id = 0; id < nodes; ++id) {
    if (levels[id] > kMaxLevel) return corrupt(fmt::format("levels: node {} has level {} > {}", id, levels[id], kMaxLevel));
    if (flags[id] > 1) return corrupt(fmt::format("flags: node {} has flag {}", id, flags[id]));
    upper_needed += static_cast<std::uint64_t>(levels[id]) * (h.m + 1);
    live += flags[id] == 0;
    top = std::max<int>(top, levels[id]);
  }
  if (upper_needed != h.upper_words) {
    return corrupt(fmt::format("upper_words: {} but the levels need {}", h.upper_words, upper_needed));
  }
  if (live != h.live) return corrupt(fmt::format("live: header says {} but {} nodes are not deleted", h.live, live));
  if (h.max_level != top) return corrupt(fmt::format("max_level: {} but the highest node level is {}", h.max_level, top));
  if (nodes > 0 && (h.entry >= nodes || levels[h.entry] != top)) {
    return corrupt(fmt::format("entry: node {} is not a node of the top level {}", h.entry, top));
  }

  Slab level0, labels, levels_slab, flags_slab, upper;
  level0.borrow(data + h.level0_offset, static_cast<std::size_t>(lengths[0]), owner);
  labels.borrow(data + h.labels_offset, static_cast<std::size_t>(lengths[1]), owner);
  levels_slab.borrow(data + h.levels_offset, static_cast<std::size_t>(lengths[2]), owner);
  flags_slab.borrow(data + h.flags_offset, static_cast<std::size_t>(lengths[3]), owner);
  upper.borrow(data + h.upper_offset, static_cast<std::size_t>(lengths[4]), owner);
  g.adopt(nodes, std::move(level0), std::move(labels), std::move(levels_slab), std::move(flags_slab), std::move(upper),
          static_cast<std::size_t>(h.upper_words));

  for (NodeId id = 0; id < nodes; ++id) {
    for (int lc = 0; lc <= g.level(id); ++lc) {
      const std::uint32_t* list = g.links(id, lc);
      if (list[0] > static_cast<std::uint32_t>(g.capacity_at(lc))) {
        return corrupt(fmt::format("links: node {} level {} has {} links, more than {}", id, lc, list[0], g.capacity_at(lc)));
      }
      for (std::uint32_t i = 1; i <= list[0]; ++i) {
        if (list[i] >= nodes || g.level(list[i]) < lc) {
          return corrupt(fmt::format("links: node {} level {} links to node {}, which is not on that level", id, lc,
                                     list[i]));
        }
      }
    }
    const float* v = g.vector(id);
    for (std::uint32_t d = 0; d < h.dim; ++d) {
      if (!std::isfinite(v[d])) return corrupt(fmt::format("vectors: node {} has a non-finite value", id));
    }
    if (!g.deleted(id) && !index->label_to_node_.emplace(g.label(id), id).second) {
      return corrupt(fmt::format("labels: label {} appears on two live nodes", g.label(id)));
    }
  }
  index->entry_ = h.entry;
  index->max_level_ = h.max_level;
  index->rng_state_ = h.rng_state;
  index->options_.seed = h.rng_state;
  return index;
}

Status HnswIndex::save(const std::filesystem::path& path) const { return HnswSnapshot::save(*this, path); }

Expected<std::unique_ptr<HnswIndex>> HnswIndex::load(const std::filesystem::path& path) {
  auto mapped = core::MappedFile::open(path);
  if (!mapped) return tl::unexpected(mapped.error());
  std::shared_ptr<core::MappedFile> file = *mapped;
  return HnswSnapshot::parse(file->data(), file->size(), file, path.string());
}

Expected<std::unique_ptr<HnswIndex>> HnswIndex::load_bytes(std::span<const std::byte> bytes, std::string_view name) {
  // uint64 words keep the sections (64-byte offsets) aligned for their element types.
  std::shared_ptr<std::uint64_t[]> copy(new std::uint64_t[bytes.size() / 8 + 1]);
  auto* data = reinterpret_cast<std::byte*>(copy.get());
  if (!bytes.empty()) std::memcpy(data, bytes.data(), bytes.size());
  return HnswSnapshot::parse(data, bytes.size(), std::shared_ptr<void>(copy, copy.get()), std::string(name));
}

}  // namespace semspace::index
