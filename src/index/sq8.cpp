// SQ8 codec: training, encode/decode, prepared scoring and the byte form.
#include "index/sq8.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "core/kernels/distance.hpp"

namespace semspace::index {

Expected<Sq8Codec> Sq8Codec::train(MatrixView sample) {
  if (sample.rows == 0 || sample.cols == 0) {
    return make_error(ErrorCode::kInvalidArgument, "SQ8 training needs at least one row of at least one value");
  }
  std::vector<float> lo(sample.row(0).begin(), sample.row(0).end()), hi = lo;
  for (std::size_t r = 0; r < sample.rows; ++r) {
    const auto row = sample.row(r);
    for (std::size_t d = 0; d < sample.cols; ++d) {
      if (!std::isfinite(row[d])) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("SQ8 training row {} has a non-finite value at dimension {}", r, d));
      }
      lo[d] = std::min(lo[d], row[d]);
      hi[d] = std::max(hi[d], row[d]);
    }
  }
  std::vector<float> scale(sample.cols);
  for (std::size_t d = 0; d < sample.cols; ++d) scale[d] = (hi[d] - lo[d]) / 255.0f;
  return Sq8Codec(std::move(lo), std::move(scale));
}

void Sq8Codec::encode(const float* row, std::uint8_t* code) const noexcept {
  for (std::size_t d = 0; d < min_.size(); ++d) {
    // A constant dimension (scale 0) always encodes as 0, which decodes back to its value.
    const float t = scale_[d] > 0 ? (row[d] - min_[d]) / scale_[d] : 0.0f;
    code[d] = static_cast<std::uint8_t>(std::clamp(std::nearbyint(t), 0.0f, 255.0f));
  }
}

void Sq8Codec::decode(const std::uint8_t* code, float* row) const noexcept {
  for (std::size_t d = 0; d < min_.size(); ++d) row[d] = min_[d] + scale_[d] * static_cast<float>(code[d]);
}

Sq8Query Sq8Codec::prepare(std::span<const float> query, Metric metric) const {
  SEMSPACE_CHECK(query.size() == min_.size(), "query has {} values, codec {}", query.size(), min_.size());
  Sq8Query prepared{metric, std::vector<float>(min_.size()), 0.0f};
  if (metric == Metric::kL2) {
    // |q - (min + scale*c)|^2 = sum ((q - min) - scale*c)^2: one pass with the shifted query.
    for (std::size_t d = 0; d < min_.size(); ++d) prepared.weights[d] = query[d] - min_[d];
  } else {
    // q . (min + scale*c) = q . min + sum (q*scale) c: a constant plus one weighted sum of the codes.
    double offset = 0;
    for (std::size_t d = 0; d < min_.size(); ++d) {
      prepared.weights[d] = query[d] * scale_[d];
      offset += static_cast<double>(query[d]) * min_[d];
    }
    prepared.offset = static_cast<float>(offset);
  }
  return prepared;
}

float Sq8Codec::score(const Sq8Query& query, const std::uint8_t* code) const noexcept {
  if (query.metric == Metric::kL2) {
    return -kernels::l2sq_f32_u8(query.weights.data(), scale_.data(), code, min_.size());
  }
  return query.offset + kernels::dot_f32_u8(query.weights.data(), code, min_.size());
}

std::vector<std::byte> Sq8Codec::serialise() const {
  std::vector<std::byte> bytes(serialised_size(dim()));
  const auto n = static_cast<std::uint32_t>(min_.size());
  std::memcpy(bytes.data(), &n, 4);  // little-endian hosts only, like the rest of our formats
  std::memcpy(bytes.data() + 4, min_.data(), 4 * min_.size());
  std::memcpy(bytes.data() + 4 + 4 * min_.size(), scale_.data(), 4 * scale_.size());
  return bytes;
}

Expected<Sq8Codec> Sq8Codec::deserialise(std::span<const std::byte> bytes) {
  if (bytes.size() < 4) return make_error(ErrorCode::kCorrupt, "SQ8 codec: truncated before its dimension");
  std::uint32_t n;
  std::memcpy(&n, bytes.data(), 4);
  if (n == 0 || bytes.size() != serialised_size(static_cast<int>(std::min<std::uint32_t>(n, 1u << 30)))) {
    return make_error(ErrorCode::kCorrupt, fmt::format("SQ8 codec: dimension {} does not match its {} bytes", n,
                                                       bytes.size()));
  }
  std::vector<float> lo(n), scale(n);
  std::memcpy(lo.data(), bytes.data() + 4, 4 * std::size_t{n});
  std::memcpy(scale.data(), bytes.data() + 4 + 4 * std::size_t{n}, 4 * std::size_t{n});
  for (std::uint32_t d = 0; d < n; ++d) {
    if (!std::isfinite(lo[d]) || !std::isfinite(scale[d]) || scale[d] < 0) {
      return make_error(ErrorCode::kCorrupt, fmt::format("SQ8 codec: min/scale of dimension {} is invalid", d));
    }
  }
  return Sq8Codec(std::move(lo), std::move(scale));
}

}  // namespace semspace::index
