#include "encoders/transformer/bert_encoder.hpp"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cmath>
#include <mutex>
#include <numeric>

#include <fmt/format.h>

#include "core/kernels/activation.hpp"
#include "core/kernels/gemm.hpp"
#include "core/kernels/linear.hpp"
#include "core/threads.hpp"
#include "encoders/transformer/int8_linear.hpp"

namespace semspace {
namespace {

constexpr auto kNo = kernels::Transpose::kNo;
constexpr auto kYes = kernels::Transpose::kYes;

tl::unexpected<Error> invalid(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

Status check_matrix(const Matrix& m, std::size_t rows, std::size_t cols, const std::string& name) {
  if (m.rows() != rows || m.cols() != cols) {
    return invalid(fmt::format("BERT weight {} is {} x {}, the config needs {} x {}", name, m.rows(), m.cols(), rows,
                               cols));
  }
  return {};
}

Status check_vector(const std::vector<float>& v, std::size_t size, const std::string& name) {
  if (v.size() != size) return invalid(fmt::format("BERT weight {} has {} values, the config needs {}", name, v.size(), size));
  return {};
}

void apply_activation(Activation activation, float* x, std::size_t n) {
  switch (activation) {
    case Activation::kGelu:
      kernels::gelu_erf_f32(x, n);
      break;
    case Activation::kGeluTanh:
      kernels::gelu_tanh_f32(x, n);
      break;
    case Activation::kRelu:
      for (std::size_t i = 0; i < n; ++i) x[i] = std::max(x[i], 0.0f);
      break;
  }
}

// Up to this many rows, a linear layer reads its weights once through the few-rows kernel instead of sgemm, whose
// packing of the whole weight matrix costs more than the product for a short sentence.
constexpr std::size_t kFewRows = 16;
// sgemm calls take this many rows at once: OpenBLAS repacks the weight matrix on every call, so fewer, taller calls
// pack it less often, while bias and activation still find a block's product in L2.
constexpr std::size_t kRowBlock = 512;
// Rows per int8 product (the int8 branch measured its speed at this block size).
constexpr std::size_t kInt8RowBlock = 128;

// One chunk of sequences packed back to back: rows [token_begin, token_end) of the flat token arrays.
struct Chunk {
  std::size_t seq_begin, seq_end;      // indices into the length-sorted order
  std::size_t token_begin, token_end;  // indices into the flat token arrays
};

}  // namespace

Status BertConfig::validate() const {
  if (vocab_size == 0 || hidden_size == 0 || num_layers == 0 || num_heads == 0 || intermediate_size == 0 ||
      max_positions == 0 || type_vocab_size == 0) {
    return invalid(fmt::format("BERT config: vocab_size {}, hidden_size {}, num_hidden_layers {}, num_attention_heads "
                               "{}, intermediate_size {}, max_position_embeddings {}, type_vocab_size {} must all be > 0",
                               vocab_size, hidden_size, num_layers, num_heads, intermediate_size, max_positions,
                               type_vocab_size));
  }
  if (hidden_size % num_heads != 0) {
    return invalid(fmt::format("BERT config: hidden_size {} is not a multiple of num_attention_heads {}", hidden_size,
                               num_heads));
  }
  if (!std::isfinite(layer_norm_eps) || layer_norm_eps < 0) {
    return invalid(fmt::format("BERT config: layer_norm_eps {} is not a finite value >= 0", layer_norm_eps));
  }
  return {};
}

Status BertRunOptions::validate() const {
  if (threads < 1) return invalid(fmt::format("threads {} must be >= 1", threads));
  if (max_chunk_tokens < 1) return invalid("max_chunk_tokens must be >= 1");
  return {};
}

struct BertEncoder::Int8State {
  std::once_flag once;
  Expected<std::vector<BertInt8Layer>> layers;
};

BertEncoder::BertEncoder(const BertConfig& config, BertWeights weights, const BertPooling& pooling)
    : config_(config), weights_(std::move(weights)), pooling_(pooling), int8_(std::make_shared<Int8State>()) {}

Status BertEncoder::prepare_int8() const {
  std::call_once(int8_->once, [&] { int8_->layers = quantize_bert_layers(weights_); });
  if (!int8_->layers) return tl::unexpected(int8_->layers.error());
  return {};
}

Expected<BertEncoder> BertEncoder::create(const BertConfig& config, BertWeights weights, const BertPooling& pooling) {
  if (auto ok = config.validate(); !ok) return tl::unexpected(ok.error());
  const std::size_t h = config.hidden_size, inter = config.intermediate_size;
  Status ok = check_matrix(weights.word_embeddings, config.vocab_size, h, "embeddings.word_embeddings.weight");
  if (ok) ok = check_matrix(weights.position_embeddings, config.max_positions, h, "embeddings.position_embeddings.weight");
  if (ok) ok = check_matrix(weights.token_type_embeddings, config.type_vocab_size, h, "embeddings.token_type_embeddings.weight");
  if (ok) ok = check_vector(weights.embedding_norm_weight, h, "embeddings.LayerNorm.weight");
  if (ok) ok = check_vector(weights.embedding_norm_bias, h, "embeddings.LayerNorm.bias");
  if (ok && weights.layers.size() != config.num_layers) {
    ok = invalid(fmt::format("BERT weights have {} layers, the config needs {}", weights.layers.size(), config.num_layers));
  }
  for (std::size_t l = 0; ok && l < weights.layers.size(); ++l) {
    const auto& layer = weights.layers[l];
    const std::string p = fmt::format("encoder.layer.{}.", l);
    ok = check_matrix(layer.qkv, 3 * h, h, p + "attention.self.{query,key,value}.weight");
    if (ok) ok = check_vector(layer.qkv_bias, 3 * h, p + "attention.self.{query,key,value}.bias");
    if (ok) ok = check_matrix(layer.attention_output, h, h, p + "attention.output.dense.weight");
    if (ok) ok = check_vector(layer.attention_output_bias, h, p + "attention.output.dense.bias");
    if (ok) ok = check_vector(layer.attention_norm_weight, h, p + "attention.output.LayerNorm.weight");
    if (ok) ok = check_vector(layer.attention_norm_bias, h, p + "attention.output.LayerNorm.bias");
    if (ok) ok = check_matrix(layer.intermediate, inter, h, p + "intermediate.dense.weight");
    if (ok) ok = check_vector(layer.intermediate_bias, inter, p + "intermediate.dense.bias");
    if (ok) ok = check_matrix(layer.output, h, inter, p + "output.dense.weight");
    if (ok) ok = check_vector(layer.output_bias, h, p + "output.dense.bias");
    if (ok) ok = check_vector(layer.output_norm_weight, h, p + "output.LayerNorm.weight");
    if (ok) ok = check_vector(layer.output_norm_bias, h, p + "output.LayerNorm.bias");
  }
  if (!ok) return tl::unexpected(ok.error());
  return BertEncoder(config, std::move(weights), pooling);
}

Expected<BertOutput> BertEncoder::encode_padded(std::span<const std::uint32_t> ids,
                                                std::span<const std::uint32_t> attention_mask,
                                                std::span<const std::uint32_t> type_ids, std::size_t batch,
                                                std::size_t seq_len, const BertRunOptions& options) const {
  if (ids.size() != batch * seq_len || attention_mask.size() != batch * seq_len ||
      (!type_ids.empty() && type_ids.size() != batch * seq_len)) {
    return invalid(fmt::format("padded batch {} x {}: ids has {} values, attention_mask {}, type_ids {} (need {}, "
                               "type_ids may be empty)",
                               batch, seq_len, ids.size(), attention_mask.size(), type_ids.size(), batch * seq_len));
  }
  std::vector<TokenSequence> sequences(batch);
  for (std::size_t s = 0; s < batch; ++s) {
    const auto mask = attention_mask.subspan(s * seq_len, seq_len);
    std::size_t length = 0;
    while (length < seq_len && mask[length] == 1) ++length;
    for (std::size_t i = length; i < seq_len; ++i) {
      if (mask[i] != 0) {
        return invalid(fmt::format("sequence {}: attention_mask must be ones then zeros (right padding); found {} at "
                                   "position {} after a 0",
                                   s, mask[i], i));
      }
    }
    sequences[s].ids = ids.subspan(s * seq_len, length);
    if (!type_ids.empty()) sequences[s].type_ids = type_ids.subspan(s * seq_len, length);
  }
  return encode(sequences, options);
}

Expected<BertOutput> BertEncoder::encode(std::span<const TokenSequence> batch, const BertRunOptions& options) const {
  if (auto ok = options.validate(); !ok) return tl::unexpected(ok.error());
  const BertConfig& c = config_;
  if (options.int8) {
    if (auto ok = prepare_int8(); !ok) return tl::unexpected(ok.error());
  }
  const std::vector<BertInt8Layer>* int8 = options.int8 ? &*int8_->layers : nullptr;
  for (std::size_t s = 0; s < batch.size(); ++s) {
    const auto& seq = batch[s];
    if (seq.ids.empty()) return invalid(fmt::format("sequence {} is empty (it needs at least the [CLS] token)", s));
    if (seq.ids.size() > c.max_positions) {
      return invalid(fmt::format("sequence {} has {} tokens; the model takes at most {} (max_position_embeddings)", s,
                                 seq.ids.size(), c.max_positions));
    }
    if (!seq.type_ids.empty() && seq.type_ids.size() != seq.ids.size()) {
      return invalid(fmt::format("sequence {}: {} type ids for {} tokens", s, seq.type_ids.size(), seq.ids.size()));
    }
    for (std::size_t i = 0; i < seq.ids.size(); ++i) {
      if (seq.ids[i] >= c.vocab_size) {
        return invalid(fmt::format("sequence {}, position {}: token id {} is not below vocab_size {}", s, i, seq.ids[i],
                                   c.vocab_size));
      }
      if (!seq.type_ids.empty() && seq.type_ids[i] >= c.type_vocab_size) {
        return invalid(fmt::format("sequence {}, position {}: type id {} is not below type_vocab_size {}", s, i,
                                   seq.type_ids[i], c.type_vocab_size));
      }
    }
  }

  const std::size_t n = batch.size(), hidden = c.hidden_size, inter = c.intermediate_size, heads = c.num_heads;
  const std::size_t head_dim = c.head_dim(), qkv_cols = 3 * hidden;
  BertOutput output;
  output.pooled = Matrix::uninitialized(n, hidden);  // pooling writes every row
  if (options.token_states) output.token_states.resize(n);
  if (n == 0) return output;

  // Longest first: similar lengths share a chunk, and the longest attention items are handed out first, which
  // balances the threads' share of the attention work.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return batch[a].ids.size() > batch[b].ids.size(); });
  std::vector<std::size_t> seq_start(n + 1, 0);  // flat token offset of order[k]
  for (std::size_t k = 0; k < n; ++k) seq_start[k + 1] = seq_start[k] + batch[order[k]].ids.size();
  std::vector<Chunk> chunks;
  std::size_t max_chunk = 0;
  for (std::size_t k = 0; k < n;) {
    Chunk chunk{k, k, seq_start[k], seq_start[k]};
    while (chunk.seq_end < n &&
           (chunk.seq_end == k || seq_start[chunk.seq_end + 1] - chunk.token_begin <= options.max_chunk_tokens)) {
      ++chunk.seq_end;
    }
    chunk.token_end = seq_start[chunk.seq_end];
    max_chunk = std::max(max_chunk, chunk.token_end - chunk.token_begin);
    chunks.push_back(chunk);
    k = chunk.seq_end;
  }
  const std::size_t longest = batch[order[0]].ids.size();

  const int threads = options.threads;
  // Working memory for the largest chunk, allocated once per call: the residual stream, a second [T, H] buffer
  // for sublayer outputs, the packed Q|K|V, the attention context, the FFN activations, and one scores matrix
  // per thread. Each is written before it is read (sgemm with beta 0 overwrites), so none is zero-filled.
  auto scratch = [](std::size_t rows, std::size_t cols) { return Matrix::uninitialized(rows, cols); };
  Matrix x = scratch(max_chunk, hidden), sublayer = scratch(max_chunk, hidden), qkv = scratch(max_chunk, qkv_cols);
  Matrix context = scratch(max_chunk, hidden), ffn = scratch(max_chunk, inter);
  Matrix scores = scratch(static_cast<std::size_t>(threads), longest * longest);
  std::vector<std::atomic<std::size_t>> next_item(chunks.size() * c.num_layers);
  for (auto& counter : next_item) counter.store(0);
  std::vector<double> mean_sums(static_cast<std::size_t>(threads) * hidden);
  std::vector<Int8Scratch> int8_scratch(int8 != nullptr ? static_cast<std::size_t>(threads) : 0);
  // Allocated here, not by the workers: a worker that threw would leave the others waiting at a barrier.
  for (std::size_t s = 0; s < n && options.token_states; ++s) {
    output.token_states[s] = Matrix::uninitialized(batch[s].ids.size(), hidden);
  }
  std::barrier sync(threads);
  const auto scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(head_dim)));
  const BertWeights& w = weights_;

  core::run_threads(threads, [&](int thread_id) {
    const auto tid = static_cast<std::size_t>(thread_id);
    const auto nthreads = static_cast<std::size_t>(threads);
    for (std::size_t chunk_index = 0; chunk_index < chunks.size(); ++chunk_index) {
      const Chunk& chunk = chunks[chunk_index];
      const std::size_t tokens = chunk.token_end - chunk.token_begin;
      // Matrix products split the chunk's rows between threads, so each thread runs whole rows through
      // product, bias, activation, residual and LayerNorm without waiting; only attention, which mixes rows of
      // a sequence, needs the others' rows. Small chunks split columns instead, so no thread idles; rows are
      // then finished after a barrier.
      const bool split_rows = tokens >= 32 * nthreads;
      const std::size_t row_begin = split_rows ? tokens * tid / nthreads : 0;
      const std::size_t row_end = split_rows ? tokens * (tid + 1) / nthreads : tokens;
      const std::size_t my_rows_begin = tokens * tid / nthreads, my_rows_end = tokens * (tid + 1) / nthreads;
      // Columns [begin, end) of `cols` for this thread, in steps of 16 so that each part starts on a cache line.
      auto col_range = [&](std::size_t cols) {
        if (split_rows) return std::pair<std::size_t, std::size_t>{0, cols};
        const std::size_t blocks = (cols + 15) / 16;
        return std::pair<std::size_t, std::size_t>{std::min(cols, blocks * tid / nthreads * 16),
                                                   std::min(cols, blocks * (tid + 1) / nthreads * 16)};
      };
      // out[rows, cols part] = in[rows] * W[cols part]^T + bias (+ activation), in blocks of rows so that bias and
      // activation touch the product while it is still in cache; few rows go through the few-rows kernel.
      // `quantized` (int8 mode) replaces `weight`.
      auto linear = [&](const float* in, std::size_t in_cols, const Matrix& weight, const Int8Linear* quantized,
                        const std::vector<float>& bias, float* out, std::size_t out_cols, bool activate) {
        // Plain variables, not a structured binding: clang (the fuzz build) cannot capture those in `finish`.
        const auto columns = col_range(out_cols);
        const std::size_t col_begin = columns.first, col_end = columns.second;
        if (col_begin >= col_end) return;
        const std::size_t cols = col_end - col_begin;
        auto finish = [&](std::size_t first_row, std::size_t last_row, bool add_bias) {
          for (std::size_t i = first_row; i < last_row; ++i) {
            float* row = out + i * out_cols + col_begin;
            if (add_bias) {
              for (std::size_t j = 0; j < cols; ++j) row[j] += bias[col_begin + j];
            }
            if (activate) apply_activation(c.activation, row, cols);
          }
        };
        if (quantized == nullptr && row_end - row_begin <= kFewRows) {
          kernels::linear_few_rows_f32(row_end - row_begin, cols, in_cols, in + row_begin * in_cols, in_cols,
                                       weight.data() + col_begin * in_cols, in_cols, bias.data() + col_begin,
                                       out + row_begin * out_cols + col_begin, out_cols);
          finish(row_begin, row_end, false);
          return;
        }
        const std::size_t block = quantized != nullptr ? kInt8RowBlock : kRowBlock;
        for (std::size_t r = row_begin; r < row_end; r += block) {
          const std::size_t rows = std::min(block, row_end - r);
          if (quantized != nullptr) {
            quantized->forward(in + r * in_cols, rows, in_cols, col_begin, col_end, out + r * out_cols, out_cols,
                               int8_scratch[tid]);
          } else {
            kernels::gemm_f32(kNo, kYes, rows, cols, in_cols, 1.0f, in + r * in_cols, in_cols,
                              weight.data() + col_begin * in_cols, in_cols, 0.0f, out + r * out_cols + col_begin,
                              out_cols);
          }
          finish(r, r + rows, true);
        }
      };
      auto sync_columns = [&] {
        if (!split_rows) sync.arrive_and_wait();
      };
      // Rows whose row-wise steps (LayerNorm) this thread does: its product rows, or an even share after a barrier.
      const std::size_t norm_begin = split_rows ? row_begin : my_rows_begin;
      const std::size_t norm_end = split_rows ? row_end : my_rows_end;

      // Embeddings: word + position + token type, then LayerNorm.
      for (std::size_t k = chunk.seq_begin, r0 = 0; k < chunk.seq_end; ++k) {
        const TokenSequence& seq = batch[order[k]];
        const std::size_t length = seq.ids.size();
        const std::size_t begin = std::max(norm_begin, r0), end = std::min(norm_end, r0 + length);
        for (std::size_t r = begin; r < end; ++r) {
          const std::size_t pos = r - r0;
          const float* word = w.word_embeddings.row(seq.ids[pos]).data();
          const float* position = w.position_embeddings.row(pos).data();
          const float* type = w.token_type_embeddings.row(seq.type_ids.empty() ? 0 : seq.type_ids[pos]).data();
          float* out = x.row(r).data();
          for (std::size_t j = 0; j < hidden; ++j) out[j] = word[j] + position[j] + type[j];
          kernels::add_layer_norm_f32(out, nullptr, w.embedding_norm_weight.data(), w.embedding_norm_bias.data(),
                                      hidden, c.layer_norm_eps);
        }
        r0 += length;
      }
      sync_columns();

      for (std::size_t l = 0; l < c.num_layers; ++l) {
        const BertLayerWeights& layer = w.layers[l];
        const BertInt8Layer* q8 = int8 != nullptr ? &(*int8)[l] : nullptr;
        linear(x.data(), hidden, layer.qkv, q8 ? &q8->qkv : nullptr, layer.qkv_bias, qkv.data(), qkv_cols, false);
        sync.arrive_and_wait();

        // Attention, one (sequence, head) item at a time from a shared counter: softmax(Q K^T / sqrt(d)) V.
        const std::size_t items = (chunk.seq_end - chunk.seq_begin) * heads;
        float* s = scores.row(tid).data();
        auto& counter = next_item[chunk_index * c.num_layers + l];
        for (std::size_t item = counter.fetch_add(1); item < items; item = counter.fetch_add(1)) {
          const std::size_t k = chunk.seq_begin + item / heads, head = item % heads;
          const std::size_t length = batch[order[k]].ids.size();
          const std::size_t r0 = seq_start[k] - chunk.token_begin;
          const float* q = qkv.row(r0).data() + head * head_dim;
          kernels::gemm_f32(kNo, kYes, length, length, head_dim, scale, q, qkv_cols, q + hidden, qkv_cols, 0.0f, s,
                            length);
          for (std::size_t i = 0; i < length; ++i) kernels::softmax_f32(s + i * length, length);
          kernels::gemm_f32(kNo, kNo, length, head_dim, length, 1.0f, s, length, q + 2 * hidden, qkv_cols, 0.0f,
                            context.row(r0).data() + head * head_dim, hidden);
        }
        sync.arrive_and_wait();

        linear(context.data(), hidden, layer.attention_output, q8 ? &q8->attention_output : nullptr,
               layer.attention_output_bias, sublayer.data(), hidden, false);
        sync_columns();
        for (std::size_t r = norm_begin; r < norm_end; ++r) {
          kernels::add_layer_norm_f32(x.row(r).data(), sublayer.row(r).data(), layer.attention_norm_weight.data(),
                                      layer.attention_norm_bias.data(), hidden, c.layer_norm_eps);
        }
        sync_columns();
        linear(x.data(), hidden, layer.intermediate, q8 ? &q8->intermediate : nullptr, layer.intermediate_bias,
               ffn.data(), inter, true);
        sync_columns();
        linear(ffn.data(), inter, layer.output, q8 ? &q8->output : nullptr, layer.output_bias, sublayer.data(),
               hidden, false);
        sync_columns();
        for (std::size_t r = norm_begin; r < norm_end; ++r) {
          kernels::add_layer_norm_f32(x.row(r).data(), sublayer.row(r).data(), layer.output_norm_weight.data(),
                                      layer.output_norm_bias.data(), hidden, c.layer_norm_eps);
        }
        sync_columns();  // the next layer's products read every row
      }
      sync.arrive_and_wait();

      // Pooling, sequences split between threads.
      for (std::size_t k = chunk.seq_begin + tid; k < chunk.seq_end; k += nthreads) {
        const std::size_t length = batch[order[k]].ids.size();
        const std::size_t r0 = seq_start[k] - chunk.token_begin;
        float* out = output.pooled.row(order[k]).data();
        switch (pooling_.mode) {
          case TokenPooling::kCls:
            std::copy_n(x.row(r0).data(), hidden, out);
            break;
          case TokenPooling::kMax:
            std::copy_n(x.row(r0).data(), hidden, out);
            for (std::size_t r = r0 + 1; r < r0 + length; ++r) {
              for (std::size_t j = 0; j < hidden; ++j) out[j] = std::max(out[j], x.row(r)[j]);
            }
            break;
          case TokenPooling::kMean: {
            double* sum = mean_sums.data() + tid * hidden;
            std::fill_n(sum, hidden, 0.0);
            for (std::size_t r = r0; r < r0 + length; ++r) {
              for (std::size_t j = 0; j < hidden; ++j) sum[j] += x.row(r)[j];
            }
            for (std::size_t j = 0; j < hidden; ++j) out[j] = static_cast<float>(sum[j] / static_cast<double>(length));
            break;
          }
        }
        if (pooling_.normalize) {
          // torch.nn.functional.normalize: x / max(|x|, 1e-12).
          double norm = 0;
          for (std::size_t j = 0; j < hidden; ++j) norm += static_cast<double>(out[j]) * out[j];
          const auto inverse = static_cast<float>(1.0 / std::max(std::sqrt(norm), 1e-12));
          for (std::size_t j = 0; j < hidden; ++j) out[j] *= inverse;
        }
        if (options.token_states) std::copy_n(x.row(r0).data(), length * hidden, output.token_states[order[k]].data());
      }
      // The next chunk overwrites x.
      sync.arrive_and_wait();
    }
  });
  return output;
}

}  // namespace semspace
