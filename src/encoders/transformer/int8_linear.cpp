#include "encoders/transformer/int8_linear.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <oneapi/dnnl/dnnl.hpp>

namespace semspace {

namespace {

using dnnl::memory;

const dnnl::engine& cpu_engine() {
  static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// Our workers already split the rows and columns between threads; oneDNN's OpenMP team inside each would put
// two or more threads on every core. OpenMP's thread count is per calling thread, so each worker sets its own.
dnnl::stream& thread_stream() {
  thread_local bool single = (omp_set_num_threads(1), true);
  (void)single;
  thread_local dnnl::stream stream(cpu_engine());
  return stream;
}

}  // namespace

struct Int8Linear::Primitive {
  dnnl::matmul matmul;
};

// Both loops are vectorised (omp simd; OpenMP is linked for oneDNN anyway): this runs once per row and product,
// and a scalar version costs as much as the int8 product itself for hidden size 384.
RowQuantization quantize_row_u8(const float* x, std::size_t n, std::uint8_t* q) noexcept {
  float lo = 0.0f, hi = 0.0f;
#pragma omp simd reduction(min : lo) reduction(max : hi)
  for (std::size_t i = 0; i < n; ++i) {
    lo = x[i] < lo ? x[i] : lo;
    hi = x[i] > hi ? x[i] : hi;
  }
  RowQuantization r;
  if (hi > lo) {
    r.scale = (hi - lo) / 255.0f;
    r.zero_point = static_cast<std::int32_t>(std::clamp(std::nearbyint(-lo / r.scale), 0.0f, 255.0f));
  }
  const float inverse = 1.0f / r.scale;
  // + 0.5 then truncation rounds half up on the clamped, non-negative value.
  const float offset = static_cast<float>(r.zero_point) + 0.5f;
#pragma omp simd
  for (std::size_t i = 0; i < n; ++i) {
    float v = x[i] * inverse + offset;
    v = v < 0.0f ? 0.0f : v;
    v = v > 255.0f ? 255.0f : v;
    q[i] = static_cast<std::uint8_t>(static_cast<std::int32_t>(v));
  }
  return r;
}

Expected<Int8Linear> Int8Linear::create(const Matrix& weight) {
  if (weight.rows() == 0 || weight.cols() == 0) {
    return make_error(ErrorCode::kInvalidArgument, "int8 linear: the weight matrix is empty");
  }
  Int8Linear linear;
  linear.out_ = weight.rows();
  linear.in_ = weight.cols();
  linear.weights_.resize(weight.size());
  linear.scales_.resize(linear.out_);
  linear.column_sums_.resize(linear.out_);
  for (std::size_t j = 0; j < linear.out_; ++j) {
    const float* w = weight.row(j).data();
    float max_abs = 0.0f;
    for (std::size_t k = 0; k < linear.in_; ++k) {
      if (!std::isfinite(w[k])) {
        return make_error(ErrorCode::kInvalidArgument,
                          fmt::format("int8 linear: output channel {} has a non-finite weight at input {}", j, k));
      }
      max_abs = std::max(max_abs, std::abs(w[k]));
    }
    // Symmetric to [-127, 127]: -128 is left out so that q and -q are both representable.
    const float scale = max_abs > 0.0f ? max_abs / 127.0f : 1.0f;
    std::int32_t sum = 0;
    for (std::size_t k = 0; k < linear.in_; ++k) {
      const auto q = static_cast<std::int8_t>(std::clamp(std::nearbyint(w[k] / scale), -127.0f, 127.0f));
      linear.weights_[j * linear.in_ + k] = q;
      sum += q;
    }
    linear.scales_[j] = scale;
    linear.column_sums_[j] = sum;
  }

  // One primitive for every call: rows and output columns are run-time sizes, the weights stay in place
  // (in_features x out_features seen column-major, i.e. nn.Linear's rows).
  const auto runtime = DNNL_RUNTIME_DIM_VAL;
  const auto k = static_cast<memory::dim>(linear.in_);
  try {
    const memory::desc src({runtime, k}, memory::data_type::u8, memory::dims{k, 1});
    const memory::desc weights({k, runtime}, memory::data_type::s8, memory::dims{1, k});
    const memory::desc dst({runtime, runtime}, memory::data_type::s32, memory::dims{runtime, 1});
    const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, weights, dst), cpu_engine());
    linear.primitive_ = std::make_shared<const Primitive>(Primitive{dnnl::matmul(pd)});
  } catch (const dnnl::error& e) {
    return make_error(ErrorCode::kUnsupported, fmt::format("int8 linear: oneDNN has no u8 x s8 matmul here: {}", e.what()));
  }
  return linear;
}

void Int8Linear::accumulate(const std::uint8_t* q, std::span<const RowQuantization> rows, std::size_t col_begin,
                            std::size_t col_end, std::int32_t* acc) const {
  const auto m = static_cast<memory::dim>(rows.size()), k = static_cast<memory::dim>(in_);
  const auto n = static_cast<memory::dim>(col_end - col_begin);
  if (m == 0 || n == 0) return;
  dnnl::stream& stream = thread_stream();
  const auto& engine = cpu_engine();
  memory src({{m, k}, memory::data_type::u8, memory::dims{k, 1}}, engine, const_cast<std::uint8_t*>(q));
  memory weights({{k, n}, memory::data_type::s8, memory::dims{1, k}}, engine,
                 const_cast<std::int8_t*>(weights_.data() + col_begin * in_));
  memory dst({{m, n}, memory::data_type::s32, memory::dims{n, 1}}, engine, acc);
  primitive_->matmul.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_DST, dst}});
  stream.wait();
  // sum_k (q - z) w = sum_k q w - z sum_k w.
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::int32_t* row = acc + i * static_cast<std::size_t>(n);
    const std::int32_t zero = rows[i].zero_point;
    for (std::size_t j = 0; j < static_cast<std::size_t>(n); ++j) row[j] -= zero * column_sums_[col_begin + j];
  }
}

void Int8Linear::forward(const float* in, std::size_t rows, std::size_t ld_in, std::size_t col_begin,
                         std::size_t col_end, float* out, std::size_t ld_out, Int8Scratch& scratch) const {
  if (rows == 0 || col_begin >= col_end) return;
  const std::size_t cols = col_end - col_begin;
  scratch.activations.resize(std::max(scratch.activations.size(), rows * in_));
  scratch.rows.resize(rows);
  scratch.accumulators.resize(std::max(scratch.accumulators.size(), rows * cols));
  for (std::size_t i = 0; i < rows; ++i) {
    scratch.rows[i] = quantize_row_u8(in + i * ld_in, in_, scratch.activations.data() + i * in_);
  }
  accumulate(scratch.activations.data(), scratch.rows, col_begin, col_end, scratch.accumulators.data());
  for (std::size_t i = 0; i < rows; ++i) {
    const std::int32_t* acc = scratch.accumulators.data() + i * cols;
    const float row_scale = scratch.rows[i].scale;
    float* o = out + i * ld_out + col_begin;
    for (std::size_t j = 0; j < cols; ++j) o[j] = static_cast<float>(acc[j]) * (row_scale * scales_[col_begin + j]);
  }
}

Expected<std::vector<BertInt8Layer>> quantize_bert_layers(const BertWeights& weights) {
  std::vector<BertInt8Layer> layers;
  layers.reserve(weights.layers.size());
  for (std::size_t l = 0; l < weights.layers.size(); ++l) {
    const BertLayerWeights& w = weights.layers[l];
    auto qkv = Int8Linear::create(w.qkv);
    auto attention_output = qkv ? Int8Linear::create(w.attention_output) : qkv;
    auto intermediate = attention_output ? Int8Linear::create(w.intermediate) : attention_output;
    auto output = intermediate ? Int8Linear::create(w.output) : intermediate;
    if (!output) {
      return make_error(output.error().code, fmt::format("encoder.layer.{}: {}", l, output.error().message));
    }
    layers.push_back(BertInt8Layer{std::move(*qkv), std::move(*attention_output), std::move(*intermediate),
                                   std::move(*output)});
  }
  return layers;
}

}  // namespace semspace
