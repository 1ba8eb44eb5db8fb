// HnswIndex snapshots: a fixed header, then the graph's arrays exactly as they sit in memory, each on a 64-byte
// boundary, then an XXH3-64 checksum of everything before it. Loading maps the file and points the graph at
// those arrays (nothing big is copied), after checking the header, the checksum and every link, level and
// label, so a truncated, corrupted or lying file is refused with kCorrupt naming the file and the field.
// SQ8 files extend the header by 64 bytes and append two sections, the codec and the f32 originals; a mapped load
// releases the originals' pages once checked, so only re-ranking brings them back (on demand, from the file).
// Layout (little-endian): docs/formats/hnsw-index.md.
#include <sys/mman.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
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
constexpr std::uint32_t kStorageSq8 = 1;

struct Header {
  char magic[8];
  std::uint32_t header_bytes;
  std::uint32_t dim;
  std::uint32_t metric;  // 0 l2, 1 cosine, 2 dot
  std::uint32_t m;
  std::uint32_t ef_construction;
  std::uint32_t storage;  // 0 f32, 1 sq8 (followed by Sq8Header)
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

/// Follows Header in SQ8 files (header_bytes 192).
struct Sq8Header {
  std::uint64_t codec_offset;  // Sq8Codec::serialise() bytes
  std::uint64_t codec_bytes;
  std::uint64_t vectors_offset;  // nodes x dim f32 originals, node order
  std::uint64_t trained_rows;    // nodes the codec was trained on (HnswIndex::kSq8RetrainBelow)
  std::int32_t rerank;           // HnswOptions::rerank
  std::uint32_t reserved[7];     // zero
};
static_assert(sizeof(Sq8Header) == 64);
constexpr std::size_t kChecksumBytes = 8;

std::uint64_t align_up(std::uint64_t n) { return (n + kSectionAlign - 1) / kSectionAlign * kSectionAlign; }

std::uint32_t metric_code(Metric m) { return m == Metric::kL2 ? 0 : m == Metric::kCosine ? 1 : 2; }

// The checksum and the checks above read every page of the SQ8 originals, which would leave them all resident
// although only re-ranking reads them again, a few vectors per query. Dropping the whole pages of the range from
// this process's private, still unmodified mapping is safe (a later read faults the page back in from the file,
// which an atomic save never rewrites in place) and returns the memory; MADV_RANDOM stops a re-rank read from
// pulling in its neighbours too. Advice only: failure leaves the pages resident, nothing worse.
void release_pages(std::byte* data, std::size_t bytes) {
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + page - 1) / page * page;
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) / page * page;
  if (end <= begin) return;
  void* start = reinterpret_cast<void*>(begin);
  ::madvise(start, end - begin, MADV_RANDOM);
  ::madvise(start, end - begin, MADV_DONTNEED);
}

}  // namespace

/// Reads and writes the snapshot format; a friend of HnswIndex so the graph arrays need no public setters.
class HnswSnapshot {
 public:
  static Status save(const HnswIndex& index, const std::filesystem::path& path);
  /// `mapped`: data is a file mapping whose SQ8 originals pages may be released once checked.
  static Expected<std::unique_ptr<HnswIndex>> parse(std::byte* data, std::size_t size, std::shared_ptr<void> owner,
                                                    const std::string& name, bool mapped);
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
  const bool sq8 = index.options_.sq8;
  h.storage = sq8 ? kStorageSq8 : kStorageF32;
  if (sq8) h.header_bytes = sizeof(Header) + sizeof(Sq8Header);
  h.nodes = g.nodes();
  h.live = index.size();
  h.max_level = index.max_level_;
  h.entry = index.entry_;
  h.block_bytes = g.block_bytes();
  h.upper_words = g.upper_words();
  h.rng_state = index.rng_state_;
  Sq8Header x{};
  // An SQ8 index with no points has no codec yet: its section is empty, and the loaded index trains on its
  // first points like a new one.
  const std::vector<std::byte> codec = sq8 && index.codec_ ? index.codec_->serialise() : std::vector<std::byte>{};
  x.codec_bytes = codec.size();
  x.trained_rows = index.trained_rows_;
  x.rerank = std::clamp(index.options_.rerank, -1, 1 << 20);  // every negative depth means none
  const std::span<const std::byte> sections[] = {
      {g.level0_slab().data(), g.nodes() * g.block_bytes()},
      {g.labels_slab().data(), g.nodes() * sizeof(std::uint64_t)},
      {g.levels_slab().data(), g.nodes()},
      {g.flags_slab().data(), g.nodes()},
      {g.upper_slab().data(), g.upper_words() * sizeof(std::uint32_t)},
      {codec.data(), codec.size()},
      {g.vectors_slab().data(), g.originals_bytes()},
  };
  std::uint64_t* offsets[] = {&h.level0_offset, &h.labels_offset, &h.levels_offset, &h.flags_offset,
                              &h.upper_offset,  &x.codec_offset,  &x.vectors_offset};
  const std::size_t count = sq8 ? 7 : 5;
  std::uint64_t at = align_up(h.header_bytes);
  for (std::size_t i = 0; i < count; ++i) {
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
  if (sq8) {
    if (auto ok = put(std::as_bytes(std::span(&x, 1))); !ok) return ok;
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (auto ok = pad(); !ok) return ok;
    if (!sections[i].empty()) {
      if (auto ok = put(sections[i]); !ok) return ok;
    }
  }
  if (auto ok = pad(); !ok) return ok;
  return writer->commit();
}

Expected<std::unique_ptr<HnswIndex>> HnswSnapshot::parse(std::byte* data, std::size_t size,
                                                         std::shared_ptr<void> owner, const std::string& name,
                                                         bool mapped) {
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
  const bool sq8 = h.storage == kStorageSq8;
  const std::size_t header_bytes = sq8 ? sizeof(Header) + sizeof(Sq8Header) : sizeof(Header);
  if (h.header_bytes != header_bytes) {
    return corrupt(fmt::format("header_bytes: {} (expected {} for storage {})", h.header_bytes, header_bytes, h.storage));
  }
  if (size < header_bytes + kChecksumBytes) {
    return corrupt(fmt::format("header: file is {} bytes, shorter than the {}-byte header (truncated)", size,
                               header_bytes + kChecksumBytes));
  }
  Sq8Header x{};
  if (sq8) std::memcpy(&x, data + sizeof(Header), sizeof x);
  if (h.file_bytes != size) {
    return corrupt(fmt::format("file_bytes: header says {} bytes but the file has {} (truncated or appended to)",
                               h.file_bytes, size));
  }
  std::uint64_t stored = 0;
  std::memcpy(&stored, data + size - kChecksumBytes, kChecksumBytes);
  if (XXH3_64bits(data, size - kChecksumBytes) != stored) return corrupt("checksum: mismatch (file corrupted)");

  // The bytes are what a writer wrote; a buggy or hostile writer can still lie, so check every field.
  if (h.storage != kStorageF32 && !sq8) return corrupt(fmt::format("storage: unknown kind {}", h.storage));
  if (h.dim == 0 || h.dim > (1u << 16)) return corrupt(fmt::format("dim: {} outside 1..65536", h.dim));
  if (h.metric > 2) return corrupt(fmt::format("metric: unknown code {}", h.metric));
  if (h.m < 2 || h.m > 127) return corrupt(fmt::format("m: {} outside 2..127", h.m));
  if (h.ef_construction == 0 || h.ef_construction > (1u << 20)) {
    return corrupt(fmt::format("ef_construction: {} outside 1..2^20", h.ef_construction));
  }
  const Metric metric = h.metric == 0 ? Metric::kL2 : h.metric == 1 ? Metric::kCosine : Metric::kDot;
  if (sq8 && (x.rerank > (1 << 20) || x.rerank < -1)) return corrupt(fmt::format("sq8 rerank: {} outside -1..2^20", x.rerank));
  if (sq8 && std::any_of(std::begin(x.reserved), std::end(x.reserved), [](std::uint32_t v) { return v != 0; })) {
    return corrupt("sq8 reserved: not zero");
  }
  HnswOptions options{.m = static_cast<int>(h.m),
                      .ef_construction = static_cast<int>(h.ef_construction),
                      .sq8 = sq8,
                      .rerank = sq8 ? x.rerank : 0};
  std::unique_ptr<HnswIndex> index(new HnswIndex(static_cast<int>(h.dim), metric, options));
  HnswGraph& g = index->graph_;
  if (h.block_bytes != g.block_bytes()) {
    return corrupt(fmt::format("block_bytes: {} but dim {} and m {} need {}", h.block_bytes, h.dim, h.m, g.block_bytes()));
  }
  if (h.nodes >= std::numeric_limits<NodeId>::max()) return corrupt(fmt::format("nodes: {} too many", h.nodes));
  if (h.live > h.nodes) return corrupt(fmt::format("live: {} exceeds nodes {}", h.live, h.nodes));
  if (h.upper_words > size / 4) return corrupt(fmt::format("upper_words: {} larger than the file", h.upper_words));

  // Sections in order, aligned, not overlapping, inside the file.
  // The codec is absent only from an index that never held a point.
  const std::uint64_t codec_size = Sq8Codec::serialised_size(static_cast<int>(h.dim));
  if (sq8 && x.codec_bytes != codec_size && !(x.codec_bytes == 0 && h.nodes == 0)) {
    return corrupt(fmt::format("sq8 codec_bytes: {} but dim {} needs {}", x.codec_bytes, h.dim, codec_size));
  }
  const char* names[] = {"level0", "labels", "levels", "flags", "upper links", "sq8 codec", "sq8 vectors"};
  const std::uint64_t offsets[] = {h.level0_offset, h.labels_offset, h.levels_offset, h.flags_offset,
                                   h.upper_offset,  x.codec_offset,  x.vectors_offset};
  const std::uint64_t lengths[] = {h.nodes * h.block_bytes, h.nodes * 8, h.nodes, h.nodes, h.upper_words * 4,
                                   x.codec_bytes, h.nodes * h.dim * 4};
  const std::size_t sections = sq8 ? 7 : 5;
  std::uint64_t end = header_bytes;
  for (std::size_t i = 0; i < sections; ++i) {
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

  if (sq8 && x.codec_bytes > 0) {
    auto codec = Sq8Codec::deserialise({data + x.codec_offset, static_cast<std::size_t>(x.codec_bytes)});
    if (!codec) return corrupt(fmt::format("sq8 codec: {}", codec.error().message));
    if (codec->dim() != static_cast<int>(h.dim)) {
      return corrupt(fmt::format("sq8 codec: dimension {} but the index has {}", codec->dim(), h.dim));
    }
    index->codec_ = std::move(*codec);
  } else if (sq8 && nodes > 0) {
    return corrupt(fmt::format("sq8 codec: missing in an index of {} nodes", nodes));
  }
  index->trained_rows_ = static_cast<std::size_t>(x.trained_rows);

  Slab level0, labels, levels_slab, flags_slab, upper, vectors;
  level0.borrow(data + h.level0_offset, static_cast<std::size_t>(lengths[0]), owner);
  labels.borrow(data + h.labels_offset, static_cast<std::size_t>(lengths[1]), owner);
  levels_slab.borrow(data + h.levels_offset, static_cast<std::size_t>(lengths[2]), owner);
  flags_slab.borrow(data + h.flags_offset, static_cast<std::size_t>(lengths[3]), owner);
  upper.borrow(data + h.upper_offset, static_cast<std::size_t>(lengths[4]), owner);
  if (sq8) vectors.borrow(data + x.vectors_offset, static_cast<std::size_t>(lengths[6]), owner);
  g.adopt(nodes, std::move(level0), std::move(labels), std::move(levels_slab), std::move(flags_slab), std::move(upper),
          static_cast<std::size_t>(h.upper_words), std::move(vectors));

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
      if (!std::isfinite(v[d])) {
        return corrupt(fmt::format("{}vectors: node {} has a non-finite value", sq8 ? "sq8 " : "", id));
      }
    }
    if (!g.deleted(id) && !index->label_to_node_.emplace(g.label(id), id).second) {
      return corrupt(fmt::format("labels: label {} appears on two live nodes", g.label(id)));
    }
  }
  index->entry_ = h.entry;
  index->max_level_ = h.max_level;
  index->rng_state_ = h.rng_state;
  index->options_.seed = h.rng_state;
  if (sq8 && mapped) release_pages(data + x.vectors_offset, static_cast<std::size_t>(lengths[6]));
  return index;
}

Status HnswIndex::save(const std::filesystem::path& path) const { return HnswSnapshot::save(*this, path); }

Expected<std::unique_ptr<HnswIndex>> HnswIndex::load(const std::filesystem::path& path) {
  auto mapped = core::MappedFile::open(path);
  if (!mapped) return tl::unexpected(mapped.error());
  std::shared_ptr<core::MappedFile> file = *mapped;
  return HnswSnapshot::parse(file->data(), file->size(), file, path.string(), true);
}

Expected<std::unique_ptr<HnswIndex>> HnswIndex::load_bytes(std::span<const std::byte> bytes, std::string_view name) {
  // uint64 words keep the sections (64-byte offsets) aligned for their element types.
  std::shared_ptr<std::uint64_t[]> copy(new std::uint64_t[bytes.size() / 8 + 1]);
  auto* data = reinterpret_cast<std::byte*>(copy.get());
  if (!bytes.empty()) std::memcpy(data, bytes.data(), bytes.size());
  return HnswSnapshot::parse(data, bytes.size(), std::shared_ptr<void>(copy, copy.get()), std::string(name), false);
}

}  // namespace semspace::index
