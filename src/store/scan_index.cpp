#include "store/scan_index.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <queue>

#include <fmt/format.h>

#include "core/kernels/distance.hpp"
#include "io/atomic_file.hpp"

namespace semspace::store {
namespace {

constexpr std::size_t kHeaderBytes = 8 + 4 + 4 + 8;
constexpr std::size_t kChecksumBytes = 8;

void normalise(std::span<float> v) {
  double norm = 0;
  for (float x : v) norm += static_cast<double>(x) * x;
  if (norm > 0) {
    const double scale = 1.0 / std::sqrt(norm);
    for (float& x : v) x = static_cast<float>(x * scale);
  }
}

template <class T>
T read_le(const std::byte* p) {
  T value;
  std::memcpy(&value, p, sizeof(T));  // the formats we write are little-endian, like every host we build for
  return value;
}

}  // namespace

std::unique_ptr<ScanIndex> ScanIndex::create(int dim, index::Metric metric) {
  SEMSPACE_CHECK(dim > 0, "dimension must be positive, got {}", dim);
  return std::unique_ptr<ScanIndex>(new ScanIndex(dim, metric));
}

Status ScanIndex::add(std::span<const std::uint64_t> labels, MatrixView vectors, int /*threads*/) {
  if (labels.size() != vectors.rows) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{} labels for {} vectors", labels.size(), vectors.rows));
  }
  if (vectors.rows > 0 && vectors.cols != static_cast<std::size_t>(dim_)) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("vectors have dimension {} but the index has {}", vectors.cols, dim_));
  }
  for (std::size_t r = 0; r < vectors.rows; ++r) {
    for (float x : vectors.row(r)) {
      if (!std::isfinite(x)) {
        return make_error(ErrorCode::kInvalidArgument, fmt::format("row {} has a non-finite value", r));
      }
    }
  }
  for (std::size_t r = 0; r < vectors.rows; ++r) {
    auto [it, fresh] = rows_.try_emplace(labels[r], labels_.size());
    if (fresh) {
      labels_.push_back(labels[r]);
      vectors_.resize(vectors_.size() + static_cast<std::size_t>(dim_));
    }
    std::span<float> dst(vectors_.data() + it->second * static_cast<std::size_t>(dim_), static_cast<std::size_t>(dim_));
    std::copy(vectors.row(r).begin(), vectors.row(r).end(), dst.begin());
    if (metric_ == index::Metric::kCosine) normalise(dst);
  }
  return {};
}

Status ScanIndex::remove(std::span<const std::uint64_t> labels) {
  const auto d = static_cast<std::size_t>(dim_);
  for (std::uint64_t label : labels) {
    auto it = rows_.find(label);
    if (it == rows_.end()) continue;
    const std::size_t row = it->second, last = labels_.size() - 1;
    rows_.erase(it);
    if (row != last) {  // move the last row into the hole
      labels_[row] = labels_[last];
      std::memcpy(vectors_.data() + row * d, vectors_.data() + last * d, d * sizeof(float));
      rows_[labels_[row]] = row;
    }
    labels_.pop_back();
    vectors_.resize(last * d);
  }
  return {};
}

float ScanIndex::score(const float* query, std::size_t row) const noexcept {
  const float* v = vectors_.data() + row * static_cast<std::size_t>(dim_);
  if (metric_ == index::Metric::kL2) return -kernels::l2sq_f32(query, v, static_cast<std::size_t>(dim_));
  return kernels::dot_f32(query, v, static_cast<std::size_t>(dim_));
}

Expected<index::SearchResults> ScanIndex::search(MatrixView queries, const index::SearchParams& params) const {
  if (params.k < 1) return make_error(ErrorCode::kInvalidArgument, fmt::format("k must be at least 1, got {}", params.k));
  if (queries.rows > 0 && queries.cols != static_cast<std::size_t>(dim_)) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("queries have dimension {} but the index has {}", queries.cols, dim_));
  }
  const auto k = static_cast<std::size_t>(params.k);
  index::SearchResults out;
  out.nq = queries.rows;
  out.k = k;
  out.labels.assign(out.nq * k, index::kNoLabel);
  out.scores.assign(out.nq * k, -std::numeric_limits<float>::infinity());
  // Entries ordered so the heap's top is the worst kept: lower score, then larger label (ties go to small labels).
  using Entry = std::pair<float, std::uint64_t>;
  auto better = [](const Entry& a, const Entry& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); };
  const index::LabelSet* filter = params.filter;
  std::vector<float> query(static_cast<std::size_t>(dim_));
  for (std::size_t q = 0; q < queries.rows; ++q) {
    std::copy(queries.row(q).begin(), queries.row(q).end(), query.begin());
    if (metric_ == index::Metric::kCosine) normalise(query);
    std::priority_queue<Entry, std::vector<Entry>, decltype(better)> best(better);
    auto consider = [&](std::size_t row) {
      Entry e{score(query.data(), row), labels_[row]};
      if (best.size() < k) {
        best.push(e);
      } else if (better(e, best.top())) {
        best.pop();
        best.push(e);
      }
    };
    if (filter != nullptr && filter->size() < labels_.size() / 4) {  // few pass: visit only those
      for (std::uint64_t label : filter->labels()) {
        if (auto it = rows_.find(label); it != rows_.end()) consider(it->second);
      }
    } else {
      for (std::size_t row = 0; row < labels_.size(); ++row) {
        if (filter == nullptr || filter->contains(labels_[row])) consider(row);
      }
    }
    for (std::size_t i = best.size(); i-- > 0;) {
      out.labels[q * k + i] = best.top().second;
      out.scores[q * k + i] = best.top().first;
      best.pop();
    }
  }
  return out;
}

Status ScanIndex::save(const std::filesystem::path& path) const {
  std::string bytes;
  const std::uint32_t dim = static_cast<std::uint32_t>(dim_), metric = static_cast<std::uint32_t>(metric_);
  const std::uint64_t count = labels_.size();
  bytes.reserve(kHeaderBytes + count * 8 + vectors_.size() * 4 + kChecksumBytes);
  auto put = [&bytes](const void* p, std::size_t n) { bytes.append(static_cast<const char*>(p), n); };
  put(kMagic, 8);
  put(&dim, 4);
  put(&metric, 4);
  put(&count, 8);
  put(labels_.data(), labels_.size() * sizeof(std::uint64_t));
  put(vectors_.data(), vectors_.size() * sizeof(float));
  const std::uint64_t checksum = XXH3_64bits(bytes.data(), bytes.size());
  put(&checksum, 8);
  auto writer = io::AtomicFileWriter::create(path);
  if (!writer) return tl::unexpected(writer.error());
  if (auto ok = writer->write(std::string_view(bytes)); !ok) return ok;
  return writer->commit();
}

Expected<std::unique_ptr<ScanIndex>> ScanIndex::load(const std::filesystem::path& path) {
  std::error_code ec;
  // A folder opens as a stream on Linux and throws on the first read: look first.
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error(ErrorCode::kIo, fmt::format("{}: no index file there", path.string()));
  }
  const auto size = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) return make_error(ErrorCode::kIo, fmt::format("{}: cannot open index file", path.string()));
  std::vector<char> raw(static_cast<std::size_t>(size));
  if (!in.read(raw.data(), static_cast<std::streamsize>(raw.size()))) {
    return make_error(ErrorCode::kIo, fmt::format("{}: cannot read index file", path.string()));
  }
  return parse(std::as_bytes(std::span(raw)), path.string());
}

Expected<std::unique_ptr<ScanIndex>> ScanIndex::parse(std::span<const std::byte> bytes, const std::string& name) {
  auto corrupt = [&name](const std::string& what) { return make_error(ErrorCode::kCorrupt, name + ": " + what); };
  if (bytes.size() < kHeaderBytes + kChecksumBytes || std::memcmp(bytes.data(), kMagic, 8) != 0) {
    return corrupt("not a semspace scan index (bad magic or too short)");
  }
  const auto dim = read_le<std::uint32_t>(bytes.data() + 8);
  const auto metric = read_le<std::uint32_t>(bytes.data() + 12);
  const auto count = read_le<std::uint64_t>(bytes.data() + 16);
  if (dim < 1 || dim > 65536) return corrupt(fmt::format("dimension {} is out of range", dim));
  if (metric > 2) return corrupt(fmt::format("unknown metric code {}", metric));
  const std::uint64_t row_bytes = 8 + std::uint64_t{dim} * 4;
  if (count > (bytes.size() - kHeaderBytes - kChecksumBytes) / row_bytes ||
      kHeaderBytes + count * row_bytes + kChecksumBytes != bytes.size()) {
    return corrupt(fmt::format("size {} does not match {} vectors of dimension {} (truncated?)", bytes.size(), count, dim));
  }
  const std::size_t body = bytes.size() - kChecksumBytes;
  if (XXH3_64bits(bytes.data(), body) != read_le<std::uint64_t>(bytes.data() + body)) {
    return corrupt("checksum mismatch (the file is damaged)");
  }
  auto out = create(static_cast<int>(dim), static_cast<index::Metric>(metric));
  out->labels_.resize(count);
  std::memcpy(out->labels_.data(), bytes.data() + kHeaderBytes, count * 8);
  out->vectors_.resize(count * dim);
  std::memcpy(out->vectors_.data(), bytes.data() + kHeaderBytes + count * 8, count * dim * 4);
  out->rows_.reserve(count);
  for (std::size_t r = 0; r < count; ++r) {
    if (!out->rows_.try_emplace(out->labels_[r], r).second) {
      return corrupt(fmt::format("label {} appears twice", out->labels_[r]));
    }
  }
  for (float x : out->vectors_) {
    if (!std::isfinite(x)) return corrupt("a vector has a non-finite value");
  }
  return out;
}

}  // namespace semspace::store
