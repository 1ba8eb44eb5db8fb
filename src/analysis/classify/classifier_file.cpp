#include "analysis/classify/classifier_file.hpp"

#include <xxhash.h>

#include <array>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "core/mapped_file.hpp"
#include "io/checksummed_file.hpp"

namespace semspace {
namespace {

constexpr std::array<char, 8> kMagic = {'S', 'S', 'C', 'L', 'F', '0', '0', '1'};
constexpr std::uint32_t kHeaderBytes = 64;
constexpr std::uint32_t kMaxDim = 65536;
constexpr std::uint32_t kMaxClasses = 1u << 20;
constexpr std::uint32_t kMaxNameBytes = 4096;
constexpr std::uint32_t kDistanceWeighted = 1;

struct Header {
  std::array<char, 8> magic;
  std::uint32_t header_bytes;
  std::uint32_t method;  // 0 k-NN, 1 logistic
  std::uint32_t dim;
  std::uint32_t classes;
  std::uint32_t knn_k;       // 0 for logistic
  std::uint32_t knn_metric;  // 0 l2, 1 cosine
  std::uint32_t flags;       // bit 0: k-NN votes weighted by 1 / distance
  std::uint32_t reserved;
  std::uint64_t rows;        // k-NN reference rows; 0 for logistic
  std::uint64_t names_bytes;
  std::uint64_t file_bytes;
};
static_assert(sizeof(Header) == kHeaderBytes);

// Bytes after the names: k-NN rows (f32) and their classes (u32), or logistic coef and intercept (f64).
std::uint64_t body_bytes(const Header& h) {
  return h.method == 0 ? h.rows * (4ull * h.dim + 4) : 8ull * h.classes * (h.dim + 1ull);
}

}  // namespace

Status save_classifier(const Classifier& classifier, const std::filesystem::path& path) {
  std::string names;
  for (const auto& name : classifier.classes) {
    const auto length = static_cast<std::uint32_t>(name.size());
    names.append(reinterpret_cast<const char*>(&length), 4);
    names += name;
  }
  const bool knn = classifier.method == ClassifierMethod::kKnn;
  Header h{};
  h.magic = kMagic;
  h.header_bytes = kHeaderBytes;
  h.method = knn ? 0 : 1;
  h.dim = static_cast<std::uint32_t>(classifier.dim);
  h.classes = static_cast<std::uint32_t>(classifier.classes.size());
  h.knn_k = knn ? static_cast<std::uint32_t>(classifier.knn.k) : 0;
  h.knn_metric = knn ? static_cast<std::uint32_t>(classifier.knn.metric) : 0;
  h.flags = knn && classifier.knn.distance_weighted ? kDistanceWeighted : 0;
  h.rows = knn ? classifier.reference.rows() : 0;
  h.names_bytes = names.size();
  h.file_bytes = kHeaderBytes + h.names_bytes + body_bytes(h) + 8;
  auto writer = io::ChecksummedFileWriter::create(path);
  if (!writer) return tl::unexpected(writer.error());
  std::vector<std::span<const std::byte>> parts = {std::as_bytes(std::span(&h, 1)), std::as_bytes(std::span(names))};
  if (knn) {
    const auto& m = classifier.reference;
    parts.push_back(std::as_bytes(std::span(m.data(), m.rows() * m.cols())));
    parts.push_back(std::as_bytes(std::span(classifier.reference_classes)));
  } else {
    parts.push_back(std::as_bytes(std::span(classifier.logistic.coef)));
    parts.push_back(std::as_bytes(std::span(classifier.logistic.intercept)));
  }
  for (auto part : parts) {
    if (auto ok = writer->write(part); !ok) return ok;
  }
  return writer->commit();
}

Expected<Classifier> load_classifier(std::span<const std::byte> data, std::string_view name) {
  auto corrupt = [&](std::string_view message) {
    return make_error(ErrorCode::kCorrupt, fmt::format("{}: {}", name, message));
  };
  if (data.size() < kHeaderBytes + 8) {
    return corrupt(fmt::format("file is {} bytes, too small for a classifier (at least {})", data.size(), kHeaderBytes + 8));
  }
  Header h;
  std::memcpy(&h, data.data(), sizeof h);
  if (h.magic != kMagic) return corrupt("not a semspace classifier (bad magic; expected SSCLF001)");
  if (h.header_bytes != kHeaderBytes) return corrupt(fmt::format("header_bytes is {}, expected {}", h.header_bytes, kHeaderBytes));
  if (h.method > 1) return corrupt(fmt::format("method {} is not 0 (knn) or 1 (logistic)", h.method));
  if (h.dim < 1 || h.dim > kMaxDim) return corrupt(fmt::format("dim {} is outside 1..{}", h.dim, kMaxDim));
  if (h.classes < 2 || h.classes > kMaxClasses) return corrupt(fmt::format("classes {} is outside 2..{}", h.classes, kMaxClasses));
  // Every size is bounded by the file's before any product is formed, so nothing below can overflow.
  if (h.names_bytes > data.size() || h.rows > data.size()) {
    return corrupt(fmt::format("names_bytes {} or rows {} exceed the file size {}", h.names_bytes, h.rows, data.size()));
  }
  const std::uint64_t expected = kHeaderBytes + h.names_bytes + body_bytes(h) + 8;
  if (h.file_bytes != expected || data.size() != expected) {
    return corrupt(fmt::format("header describes {} bytes (file_bytes field {}) but the file has {} (truncated or corrupted)",
                               expected, h.file_bytes, data.size()));
  }
  std::uint64_t stored = 0;
  std::memcpy(&stored, data.data() + data.size() - 8, 8);
  if (XXH3_64bits(data.data(), data.size() - 8) != stored) return corrupt("checksum mismatch (file corrupted)");

  Classifier out{.method = h.method == 0 ? ClassifierMethod::kKnn : ClassifierMethod::kLogistic, .dim = h.dim};
  const std::byte* at = data.data() + kHeaderBytes;
  const std::byte* names_end = at + h.names_bytes;
  for (std::uint32_t c = 0; c < h.classes; ++c) {
    std::uint32_t length = 0;
    if (names_end - at < 4) return corrupt(fmt::format("class names end inside the length of name {}", c));
    std::memcpy(&length, at, 4);
    at += 4;
    if (length < 1 || length > kMaxNameBytes || static_cast<std::uint64_t>(names_end - at) < length) {
      return corrupt(fmt::format("class name {} has length {} (must be 1..{} and inside names_bytes)", c, length, kMaxNameBytes));
    }
    out.classes.emplace_back(reinterpret_cast<const char*>(at), length);
    at += length;
    if (c > 0 && !(out.classes[c - 1] < out.classes[c])) {
      return corrupt(fmt::format("class names are not sorted and unique at name {} ('{}')", c, out.classes[c]));
    }
  }
  if (at != names_end) return corrupt(fmt::format("names_bytes {} holds more than {} names", h.names_bytes, h.classes));

  if (out.method == ClassifierMethod::kKnn) {
    if (h.knn_k < 1 || h.knn_k > h.rows) return corrupt(fmt::format("k {} is outside 1..rows ({})", h.knn_k, h.rows));
    if (h.knn_metric > 1) return corrupt(fmt::format("metric {} is not 0 (l2) or 1 (cosine)", h.knn_metric));
    if (h.flags & ~kDistanceWeighted) return corrupt(fmt::format("unknown flags {:#x}", h.flags));
    out.knn = {.k = static_cast<int>(h.knn_k), .metric = static_cast<KnnMetric>(h.knn_metric),
               .distance_weighted = (h.flags & kDistanceWeighted) != 0};
    out.reference = Matrix(h.rows, h.dim);
    std::memcpy(out.reference.data(), at, 4ull * h.rows * h.dim);
    at += 4ull * h.rows * h.dim;
    out.reference_classes.resize(h.rows);
    std::memcpy(out.reference_classes.data(), at, 4ull * h.rows);
    for (std::uint64_t r = 0; r < h.rows; ++r) {
      if (out.reference_classes[r] >= h.classes) {
        return corrupt(fmt::format("reference row {} has class {} but there are {} classes", r, out.reference_classes[r], h.classes));
      }
      for (float v : out.reference.row(r)) {
        if (!std::isfinite(v)) return corrupt(fmt::format("reference row {} has a non-finite value", r));
      }
    }
  } else {
    if (h.knn_k != 0 || h.rows != 0 || h.flags != 0) return corrupt("k, rows and flags must be 0 for a logistic classifier");
    auto& m = out.logistic;
    m.classes = h.classes;
    m.dim = h.dim;
    m.coef.resize(static_cast<std::size_t>(h.classes) * h.dim);
    m.intercept.resize(h.classes);
    std::memcpy(m.coef.data(), at, 8 * m.coef.size());
    at += 8 * m.coef.size();
    std::memcpy(m.intercept.data(), at, 8 * m.intercept.size());
    for (std::size_t i = 0; i < m.coef.size(); ++i) {
      if (!std::isfinite(m.coef[i])) return corrupt(fmt::format("weight {} of class {} is not finite", i % h.dim, i / h.dim));
    }
    for (std::size_t c = 0; c < m.intercept.size(); ++c) {
      if (!std::isfinite(m.intercept[c])) return corrupt(fmt::format("intercept of class {} is not finite", c));
    }
    m.converged = true;
  }
  return out;
}

Expected<Classifier> load_classifier(const std::filesystem::path& path) {
  auto file = core::MappedFile::open(path);
  if (!file) return tl::unexpected(file.error());
  return load_classifier((*file)->bytes(), path.string());
}

}  // namespace semspace
