// SQ8: scalar quantisation of float vectors to one byte per dimension, with a per-dimension range learned
// from a sample. Code c in [0, 255] stands for min[d] + scale[d] * c, scale[d] = (max[d] - min[d]) / 255.
// Scoring a float query against a code never decodes it: prepare() folds the range into per-query weights so
// that a score is one SIMD pass over the code (kernels::dot_f32_u8 / l2sq_f32_u8) plus a constant.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "index/vector_index.hpp"
#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace::index {

/// A query prepared for one codec and metric. Scores are "higher is nearer", as in VectorIndex.
struct Sq8Query {
  Metric metric = Metric::kDot;
  std::vector<float> weights;  // dot/cosine: query[d] * scale[d]; l2: query[d] - min[d]
  float offset = 0;            // dot/cosine: query . min; unused for l2
};

/// Immutable after train/deserialise, so one codec can be shared by any number of threads.
class Sq8Codec {
 public:
  /// Learns per-dimension min and max over the sample's rows. kInvalidArgument for an empty sample or a
  /// non-finite value (naming the row). For cosine, pass L2-normalised rows (and normalise queries too).
  static Expected<Sq8Codec> train(MatrixView sample);
  /// The codec serialise() wrote; kCorrupt naming the field when the bytes are short or inconsistent.
  static Expected<Sq8Codec> deserialise(std::span<const std::byte> bytes);

  int dim() const noexcept { return static_cast<int>(min_.size()); }
  std::size_t code_size() const noexcept { return min_.size(); }
  std::span<const float> min() const noexcept { return min_; }
  std::span<const float> scale() const noexcept { return scale_; }

  /// Rounds to the nearest code; values outside the trained range clamp to 0 or 255.
  void encode(const float* row, std::uint8_t* code) const noexcept;
  void decode(const std::uint8_t* code, float* row) const noexcept;

  Sq8Query prepare(std::span<const float> query, Metric metric) const;
  /// dot/cosine: query . decode(code); l2: -|query - decode(code)|^2.
  float score(const Sq8Query& query, const std::uint8_t* code) const noexcept;

  /// dim (u32 little-endian), then dim min floats, then dim scale floats.
  std::vector<std::byte> serialise() const;
  static std::size_t serialised_size(int dim) noexcept { return 4 + 8 * static_cast<std::size_t>(dim); }

 private:
  Sq8Codec(std::vector<float> min, std::vector<float> scale) : min_(std::move(min)), scale_(std::move(scale)) {}
  std::vector<float> min_, scale_;
};

}  // namespace semspace::index
