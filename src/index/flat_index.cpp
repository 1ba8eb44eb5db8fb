// FlatIndex construction and updates: validation before any change, cosine normalisation, upsert and dense
// removal.
#include "index/flat_index.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/kernels/distance.hpp"
#include "core/threads.hpp"

namespace semspace::index {
namespace {

constexpr int kMaxDim = 65536;

// Normalised copies of the rows, for cosine. A zero row stays zero: its cosine with anything is 0.
std::vector<float> normalised(MatrixView rows) {
  std::vector<float> out(rows.rows * rows.cols);
  for (std::size_t r = 0; r < rows.rows; ++r) {
    const float* in = rows.data + r * rows.stride;
    const float norm = std::sqrt(kernels::dot_f32(in, in, rows.cols));
    const float inv = norm > 0 ? 1.0f / norm : 0.0f;
    for (std::size_t d = 0; d < rows.cols; ++d) out[r * rows.cols + d] = in[d] * inv;
  }
  return out;
}

}  // namespace

Status FlatIndex::check_vectors(MatrixView rows, int dim, std::string_view what) {
  if (rows.cols != static_cast<std::size_t>(dim)) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{} have dimension {}, the index has {}", what, rows.cols, dim));
  }
  for (std::size_t r = 0; r < rows.rows; ++r) {
    for (float x : rows.row(r)) {
      if (!std::isfinite(x)) {
        return make_error(ErrorCode::kInvalidArgument, fmt::format("{}: row {} has a NaN or infinite value", what, r));
      }
    }
  }
  return {};
}

Expected<std::unique_ptr<FlatIndex>> FlatIndex::create(int dim, Metric metric, FlatStorage storage) {
  if (dim < 1 || dim > kMaxDim) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("index dimension {} is outside [1, {}]", dim, kMaxDim));
  }
  return std::unique_ptr<FlatIndex>(new FlatIndex(dim, metric, storage));
}

Status FlatIndex::train(MatrixView sample) {
  if (storage_ != FlatStorage::kSq8) {
    return make_error(ErrorCode::kInvalidArgument, "only an SQ8 flat index has a codec to train");
  }
  if (!labels_.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "the SQ8 codec cannot be retrained once points are stored");
  }
  if (auto ok = check_vectors(sample, dim_, "training vectors"); !ok) return ok;
  std::vector<float> unit;
  if (metric_ == Metric::kCosine) {
    unit = normalised(sample);
    sample = {unit.data(), sample.rows, sample.cols, sample.cols};
  }
  auto codec = Sq8Codec::train(sample);
  if (!codec) return tl::unexpected(codec.error());
  codec_ = std::move(*codec);
  return {};
}

Status FlatIndex::add(std::span<const std::uint64_t> labels, MatrixView vectors, int threads) {
  if (labels.size() != vectors.rows) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{} labels for {} vectors", labels.size(), vectors.rows));
  }
  if (auto ok = check_vectors(vectors, dim_, "vectors"); !ok) return ok;
  for (std::size_t r = 0; r < labels.size(); ++r) {
    if (labels[r] == kNoLabel) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("row {}: label {} is reserved for padding (kNoLabel)", r, kNoLabel));
    }
  }
  if (vectors.rows == 0) return {};
  std::vector<float> unit;
  MatrixView rows = vectors;
  if (metric_ == Metric::kCosine) {
    unit = normalised(vectors);
    rows = {unit.data(), vectors.rows, vectors.cols, vectors.cols};
  }
  if (storage_ == FlatStorage::kSq8 && !codec_) {
    auto codec = Sq8Codec::train(rows);
    if (!codec) return tl::unexpected(codec.error());
    codec_ = std::move(*codec);
  }
  // Slots first (serially: the map is shared), then the vectors themselves in parallel.
  std::vector<std::uint32_t> slots(rows.rows);
  std::size_t next = labels_.size();
  for (std::size_t r = 0; r < rows.rows; ++r) {
    auto [it, inserted] = slot_of_.try_emplace(labels[r], static_cast<std::uint32_t>(next));
    if (inserted) {
      ++next;
      labels_.push_back(labels[r]);
    }
    slots[r] = it->second;  // a repeated label in one batch: the later row wins, as an upsert would
  }
  vectors_.resize(storage_ == FlatStorage::kF32 ? next * dim_ : 0);
  norms_.resize(storage_ == FlatStorage::kF32 && metric_ == Metric::kL2 ? next : 0);
  codes_.resize(storage_ == FlatStorage::kSq8 ? next * dim_ : 0);
  std::vector<std::size_t> last_row_of_slot(next, rows.rows);
  for (std::size_t r = 0; r < rows.rows; ++r) last_row_of_slot[slots[r]] = r;
  const int workers = std::max(1, std::min<int>(threads, static_cast<int>(rows.rows / 1024) + 1));
  core::run_threads(workers, [&](int t) {
    for (std::size_t r = t; r < rows.rows; r += workers) {
      if (last_row_of_slot[slots[r]] == r) store(slots[r], labels[r], rows.data + r * rows.stride);
    }
  });
  return {};
}

void FlatIndex::store(std::uint32_t slot, std::uint64_t label, const float* vector) {
  labels_[slot] = label;
  const std::size_t at = std::size_t{slot} * dim_;
  if (storage_ == FlatStorage::kF32) {
    std::copy(vector, vector + dim_, vectors_.begin() + static_cast<std::ptrdiff_t>(at));
    if (metric_ == Metric::kL2) norms_[slot] = kernels::dot_f32(vector, vector, dim_);
  } else {
    codec_->encode(vector, codes_.data() + at);
  }
}

Status FlatIndex::remove(std::span<const std::uint64_t> labels) {
  for (std::uint64_t label : labels) {
    auto it = slot_of_.find(label);
    if (it == slot_of_.end()) continue;
    const std::uint32_t hole = it->second, last = static_cast<std::uint32_t>(labels_.size() - 1);
    slot_of_.erase(it);
    if (hole != last) {  // move the last point into the hole
      const std::size_t d = static_cast<std::size_t>(dim_);
      labels_[hole] = labels_[last];
      slot_of_[labels_[hole]] = hole;
      if (storage_ == FlatStorage::kF32) {
        std::copy_n(vectors_.begin() + static_cast<std::ptrdiff_t>(last * d), d,
                    vectors_.begin() + static_cast<std::ptrdiff_t>(hole * d));
        if (!norms_.empty()) norms_[hole] = norms_[last];
      } else {
        std::copy_n(codes_.begin() + static_cast<std::ptrdiff_t>(last * d), d,
                    codes_.begin() + static_cast<std::ptrdiff_t>(hole * d));
      }
    }
    labels_.pop_back();
    vectors_.resize(storage_ == FlatStorage::kF32 ? labels_.size() * dim_ : 0);
    norms_.resize(norms_.empty() ? 0 : labels_.size());
    codes_.resize(storage_ == FlatStorage::kSq8 ? labels_.size() * dim_ : 0);
  }
  return {};
}

}  // namespace semspace::index
