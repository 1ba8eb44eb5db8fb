// The int8 form of one nn.Linear, dynamically quantised as PyTorch's quantize_dynamic and ONNX Runtime's dynamic
// quantisation do: weights int8 per output channel (symmetric, quantised once), activations u8 per row (asymmetric:
// each token's own scale and zero point, chosen at run time), u8 x s8 products accumulated in int32 by a oneDNN
// matmul primitive (AVX512-VNNI where the CPU has it), then dequantised to f32. The bias is the caller's to add.
// Also the quantised linear layers of a BERT encoder (BertRunOptions::int8).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "encoders/transformer/bert_encoder.hpp"
#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace {

/// One row quantised to u8: x ~ (q - zero_point) * scale. The range always contains 0 (so zero is exact).
struct RowQuantization {
  float scale = 1.0f;
  std::int32_t zero_point = 0;
};
RowQuantization quantize_row_u8(const float* x, std::size_t n, std::uint8_t* q) noexcept;

/// Per-thread working memory of Int8Linear::forward, grown on demand and reused between calls.
struct Int8Scratch {
  std::vector<std::uint8_t> activations;
  std::vector<RowQuantization> rows;
  std::vector<std::int32_t> accumulators;
};

class Int8Linear {
 public:
  /// Quantises `weight` (nn.Linear's layout, out_features x in_features) and creates the matmul primitive, one
  /// per weight shape whatever the number of rows or the column range a call asks for.
  /// kInvalidArgument for an empty or non-finite weight; kUnsupported when oneDNN has no int8 matmul here.
  static Expected<Int8Linear> create(const Matrix& weight);

  std::size_t in_features() const noexcept { return in_; }
  std::size_t out_features() const noexcept { return out_; }
  /// out_features x in_features quantised weights and the per-output-channel scales: w ~ q * scale.
  std::span<const std::int8_t> weights() const noexcept { return weights_; }
  std::span<const float> weight_scales() const noexcept { return scales_; }

  /// acc[i, j - col_begin] = sum_k (q[i, k] - zero_point_i) * weights[j, k] for rows i of `q` (rows x in_features,
  /// contiguous) and output channels j in [col_begin, col_end); acc is rows x (col_end - col_begin). Exact in int32.
  void accumulate(const std::uint8_t* q, std::span<const RowQuantization> rows, std::size_t col_begin,
                  std::size_t col_end, std::int32_t* acc) const;

  /// out[i, j] = dequantised (in[i] . weight[j]) for rows [0, rows) of `in` (leading dimension ld_in) and columns
  /// [col_begin, col_end) of `out` (leading dimension ld_out); other columns of `out` are not touched.
  void forward(const float* in, std::size_t rows, std::size_t ld_in, std::size_t col_begin, std::size_t col_end,
               float* out, std::size_t ld_out, Int8Scratch& scratch) const;

 private:
  struct Primitive;  // the oneDNN objects, kept out of this header
  Int8Linear() = default;

  std::size_t in_ = 0, out_ = 0;
  std::vector<std::int8_t> weights_;
  std::vector<float> scales_;
  std::vector<std::int32_t> column_sums_;  // sum_k weights[j, k]: removes the activations' zero points
  std::shared_ptr<const Primitive> primitive_;
};

/// A BERT layer's four linear layers in int8.
struct BertInt8Layer {
  Int8Linear qkv, attention_output, intermediate, output;
};

/// Quantises every layer's linear weights (errors as Int8Linear::create, naming the layer).
Expected<std::vector<BertInt8Layer>> quantize_bert_layers(const BertWeights& weights);

}  // namespace semspace
