// FlatIndex files. Layout (little-endian):
//   magic "SSFLAT01" | u32 version | u32 dim | u32 metric (0 l2, 1 cosine, 2 dot) | u32 storage (0 f32, 1 sq8)
//   | u64 count | u64 codec_bytes | codec (Sq8Codec::serialise, sq8 only) | count u64 labels
//   | count*dim f32 values or count*dim u8 codes | u64 XXH3-64 of every byte before it
// Every field is checked against the file size before anything is allocated, so a lying header cannot make
// load() allocate more than the file holds.
#include <xxhash.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <unordered_set>

#include <fmt/format.h>

#include "core/kernels/distance.hpp"
#include "index/flat_index.hpp"
#include "io/checksummed_file.hpp"

namespace semspace::index {
namespace {

constexpr std::size_t kHeaderBytes = 8 + 4 * 4 + 8 + 8;
constexpr std::size_t kChecksumBytes = 8;

std::uint32_t metric_code(Metric metric) {
  switch (metric) {
    case Metric::kL2: return 0;
    case Metric::kCosine: return 1;
    case Metric::kDot: return 2;
  }
  return 0;
}

template <class T>
T read_at(const std::vector<std::byte>& bytes, std::size_t at) {
  T value;
  std::memcpy(&value, bytes.data() + at, sizeof(T));
  return value;
}

}  // namespace

struct FlatIndexFile {
  static Status save(const FlatIndex& index, const std::filesystem::path& path) {
    const std::vector<std::byte> codec = index.codec_ ? index.codec_->serialise() : std::vector<std::byte>{};
    const std::uint64_t count = index.labels_.size(), codec_bytes = codec.size();
    const std::uint32_t fields[4] = {FlatIndex::kFormatVersion, static_cast<std::uint32_t>(index.dim_),
                                     metric_code(index.metric_), index.storage_ == FlatStorage::kSq8 ? 1u : 0u};
    auto writer = io::ChecksummedFileWriter::create(path);
    if (!writer) return tl::unexpected(writer.error());
    const auto put = [&](const void* data, std::size_t size) {
      return writer->write(std::span(static_cast<const std::byte*>(data), size));
    };
    Status ok = put(FlatIndex::kMagic.data(), FlatIndex::kMagic.size());
    if (ok) ok = put(fields, sizeof fields);
    if (ok) ok = put(&count, 8);
    if (ok) ok = put(&codec_bytes, 8);
    if (ok) ok = put(codec.data(), codec.size());
    if (ok) ok = put(index.labels_.data(), 8 * index.labels_.size());
    if (ok) {
      ok = index.storage_ == FlatStorage::kF32 ? put(index.vectors_.data(), 4 * index.vectors_.size())
                                               : put(index.codes_.data(), index.codes_.size());
    }
    if (!ok) return ok;
    return writer->commit();
  }

  static Expected<std::unique_ptr<FlatIndex>> load(const std::filesystem::path& path) {
    // A directory opens as a stream on Linux and reports a nonsense size: ask the file system instead.
    std::error_code ec;
    const bool regular = std::filesystem::is_regular_file(path, ec);
    const auto file_size = regular ? std::filesystem::file_size(path, ec) : 0;
    std::ifstream in(path, std::ios::binary);
    if (!regular || ec || !in) {
      return make_error(ErrorCode::kIo, fmt::format("{}: cannot open flat index file (not a readable regular file)", path.string()));
    }
    std::vector<std::byte> bytes(file_size);
    if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()))) {
      return make_error(ErrorCode::kIo, fmt::format("{}: cannot read flat index file", path.string()));
    }
    const auto corrupt = [&](std::string_view what) {
      return make_error(ErrorCode::kCorrupt, fmt::format("{}: flat index {}", path.string(), what));
    };
    if (bytes.size() < FlatIndex::kMagic.size() ||
        std::memcmp(bytes.data(), FlatIndex::kMagic.data(), FlatIndex::kMagic.size()) != 0) {
      return corrupt("magic: not a semspace flat index (expected \"SSFLAT01\")");
    }
    if (bytes.size() < kHeaderBytes + kChecksumBytes) return corrupt("header: file truncated");
    const auto version = read_at<std::uint32_t>(bytes, 8), dim = read_at<std::uint32_t>(bytes, 12),
               metric = read_at<std::uint32_t>(bytes, 16), storage = read_at<std::uint32_t>(bytes, 20);
    const auto count = read_at<std::uint64_t>(bytes, 24), codec_bytes = read_at<std::uint64_t>(bytes, 32);
    if (version != FlatIndex::kFormatVersion) return corrupt(fmt::format("version: {} is not supported", version));
    if (dim < 1 || dim > 65536) return corrupt(fmt::format("dim: {} is outside [1, 65536]", dim));
    if (metric > 2) return corrupt(fmt::format("metric: unknown code {}", metric));
    if (storage > 1) return corrupt(fmt::format("storage: unknown code {}", storage));
    const bool sq8 = storage == 1;
    const std::size_t expected_codec = sq8 ? Sq8Codec::serialised_size(static_cast<int>(dim)) : 0;
    if (codec_bytes != expected_codec && !(sq8 && codec_bytes == 0 && count == 0)) {
      return corrupt(fmt::format("codec_bytes: {} where {} were expected", codec_bytes, expected_codec));
    }
    // count is checked by division so that a huge value cannot overflow the size computation.
    const std::size_t per_point = 8 + (sq8 ? 1 : 4) * std::size_t{dim};
    const std::size_t fixed = kHeaderBytes + codec_bytes + kChecksumBytes;
    if (bytes.size() < fixed || (bytes.size() - fixed) % per_point != 0 || (bytes.size() - fixed) / per_point != count) {
      return corrupt(fmt::format("count: {} points do not match the file size of {} bytes", count, bytes.size()));
    }
    const std::size_t body = bytes.size() - kChecksumBytes;
    if (XXH3_64bits(bytes.data(), body) != read_at<std::uint64_t>(bytes, body)) {
      return corrupt("checksum: content does not match its XXH3-64 checksum");
    }

    auto created = FlatIndex::create(static_cast<int>(dim), metric == 0   ? Metric::kL2
                                                            : metric == 1 ? Metric::kCosine
                                                                          : Metric::kDot,
                                     sq8 ? FlatStorage::kSq8 : FlatStorage::kF32);
    if (!created) return tl::unexpected(created.error());
    FlatIndex& index = **created;
    std::size_t at = kHeaderBytes;
    if (codec_bytes > 0) {
      auto codec = Sq8Codec::deserialise(std::span(bytes).subspan(at, codec_bytes));
      if (!codec) return corrupt("codec: " + codec.error().message);
      index.codec_ = std::move(*codec);
      at += codec_bytes;
    }
    if (count == 0) return created;  // nothing follows the header (and empty vectors have no data() to copy to)
    index.labels_.resize(count);
    std::memcpy(index.labels_.data(), bytes.data() + at, 8 * count);
    at += 8 * count;
    index.slot_of_.reserve(count);
    for (std::size_t slot = 0; slot < count; ++slot) {
      const std::uint64_t label = index.labels_[slot];
      if (label == kNoLabel || !index.slot_of_.try_emplace(label, static_cast<std::uint32_t>(slot)).second) {
        return corrupt(fmt::format("labels: label {} at point {} is reserved or repeated", label, slot));
      }
    }
    const std::size_t values = count * dim;
    if (sq8) {
      index.codes_.assign(reinterpret_cast<const std::uint8_t*>(bytes.data() + at),
                          reinterpret_cast<const std::uint8_t*>(bytes.data() + at) + values);
      return created;
    }
    index.vectors_.resize(values);
    std::memcpy(index.vectors_.data(), bytes.data() + at, 4 * values);
    for (std::size_t i = 0; i < values; ++i) {
      if (!std::isfinite(index.vectors_[i])) {
        return corrupt(fmt::format("vectors: point {} has a NaN or infinite value", i / dim));
      }
    }
    if (index.metric_ == Metric::kL2) {
      index.norms_.resize(count);
      for (std::size_t slot = 0; slot < count; ++slot) {
        const float* row = index.vectors_.data() + slot * dim;
        index.norms_[slot] = kernels::dot_f32(row, row, dim);
      }
    }
    return created;
  }
};

Status FlatIndex::save(const std::filesystem::path& path) const { return FlatIndexFile::save(*this, path); }

Expected<std::unique_ptr<FlatIndex>> FlatIndex::load(const std::filesystem::path& path) {
  return FlatIndexFile::load(path);
}

}  // namespace semspace::index
