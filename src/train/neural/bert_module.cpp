#include "train/neural/bert_module.hpp"

#include <cmath>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "io/hf_bert.hpp"

namespace semspace::neural {
namespace {

// An empty module that only names its children, so parameter paths read as HF's ("encoder.layer.0. ...").
std::shared_ptr<torch::nn::Module> container(torch::nn::Module& parent, const std::string& name) {
  return parent.register_module(name, std::make_shared<torch::nn::Module>());
}

torch::nn::LayerNorm layer_norm(std::int64_t size, double eps) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({size}).eps(eps));
}

}  // namespace

BertModuleImpl::BertModuleImpl(const BertModuleOptions& options) : options_(options) {
  const BertConfig& c = options.config;
  const auto h = static_cast<std::int64_t>(c.hidden_size), inter = static_cast<std::int64_t>(c.intermediate_size);
  auto embeddings = container(*this, "embeddings");
  word_embeddings_ = embeddings->register_module(
      "word_embeddings", torch::nn::Embedding(static_cast<std::int64_t>(c.vocab_size), h));
  position_embeddings_ = embeddings->register_module(
      "position_embeddings", torch::nn::Embedding(static_cast<std::int64_t>(c.max_positions), h));
  token_type_embeddings_ = embeddings->register_module(
      "token_type_embeddings", torch::nn::Embedding(static_cast<std::int64_t>(c.type_vocab_size), h));
  embedding_norm_ = embeddings->register_module("LayerNorm", layer_norm(h, c.layer_norm_eps));

  auto layer_list = container(*container(*this, "encoder"), "layer");
  for (std::size_t l = 0; l < c.num_layers; ++l) {
    auto block = container(*layer_list, std::to_string(l));
    auto attention = container(*block, "attention");
    auto self = container(*attention, "self");
    auto attention_output = container(*attention, "output");
    auto intermediate = container(*block, "intermediate");
    auto output = container(*block, "output");
    Layer layer;
    layer.query = self->register_module("query", torch::nn::Linear(h, h));
    layer.key = self->register_module("key", torch::nn::Linear(h, h));
    layer.value = self->register_module("value", torch::nn::Linear(h, h));
    layer.attention_dense = attention_output->register_module("dense", torch::nn::Linear(h, h));
    layer.attention_norm = attention_output->register_module("LayerNorm", layer_norm(h, c.layer_norm_eps));
    layer.intermediate = intermediate->register_module("dense", torch::nn::Linear(h, inter));
    layer.output_dense = output->register_module("dense", torch::nn::Linear(inter, h));
    layer.output_norm = output->register_module("LayerNorm", layer_norm(h, c.layer_norm_eps));
    layers_.push_back(layer);
  }
  // Dropout has no parameters: registered under names HF does not use, so they never reach a checkpoint.
  hidden_dropout_ = register_module("hidden_dropout", torch::nn::Dropout(options.hidden_dropout));
  attention_dropout_ = register_module("attention_dropout", torch::nn::Dropout(options.attention_dropout));
}

torch::Tensor BertModuleImpl::activation(const torch::Tensor& x) const {
  switch (options_.config.activation) {
    case Activation::kGelu: return torch::gelu(x);
    case Activation::kGeluTanh: return torch::gelu(x, "tanh");
    case Activation::kRelu: return torch::relu(x);
  }
  return x;
}

torch::Tensor BertModuleImpl::token_states(const torch::Tensor& ids, const torch::Tensor& attention_mask,
                                           const torch::Tensor& type_ids) {
  const BertConfig& c = options_.config;
  const std::int64_t batch = ids.size(0), length = ids.size(1);
  const auto heads = static_cast<std::int64_t>(c.num_heads), head_dim = static_cast<std::int64_t>(c.head_dim());
  const auto positions = torch::arange(length, torch::kLong).unsqueeze(0);
  torch::Tensor x = word_embeddings_(ids) + position_embeddings_(positions) + token_type_embeddings_(type_ids);
  x = hidden_dropout_(embedding_norm_(x));
  // Padding keys get the most negative float added before softmax, as HF's extended attention mask does.
  const torch::Tensor key_bias =
      (1.0 - attention_mask.to(torch::kFloat)).view({batch, 1, 1, length}) * std::numeric_limits<float>::lowest();
  const double scale = 1.0 / std::sqrt(static_cast<double>(head_dim));
  auto split_heads = [&](const torch::Tensor& t) { return t.view({batch, length, heads, head_dim}).transpose(1, 2); };
  for (Layer& layer : layers_) {
    const torch::Tensor q = split_heads(layer.query(x)), k = split_heads(layer.key(x)), v = split_heads(layer.value(x));
    torch::Tensor scores = torch::matmul(q, k.transpose(-1, -2)) * scale + key_bias;
    torch::Tensor probs = attention_dropout_(torch::softmax(scores, -1));
    torch::Tensor context = torch::matmul(probs, v).transpose(1, 2).reshape({batch, length, heads * head_dim});
    x = layer.attention_norm(x + hidden_dropout_(layer.attention_dense(context)));
    torch::Tensor hidden = activation(layer.intermediate(x));
    x = layer.output_norm(x + hidden_dropout_(layer.output_dense(hidden)));
  }
  return x;
}

torch::Tensor BertModuleImpl::forward(const torch::Tensor& ids, const torch::Tensor& attention_mask,
                                      const torch::Tensor& type_ids) {
  const torch::Tensor states = token_states(ids, attention_mask, type_ids);
  const torch::Tensor mask = attention_mask.unsqueeze(-1).to(states.dtype());
  torch::Tensor pooled;
  switch (options_.pooling.mode) {
    case TokenPooling::kMean:
      pooled = (states * mask).sum(1) / mask.sum(1).clamp_min(1e-9);
      break;
    case TokenPooling::kCls:
      pooled = states.select(1, 0);
      break;
    case TokenPooling::kMax:
      pooled = std::get<0>(states.masked_fill(mask == 0, std::numeric_limits<float>::lowest()).max(1));
      break;
  }
  if (options_.pooling.normalize) {
    pooled = torch::nn::functional::normalize(pooled, torch::nn::functional::NormalizeFuncOptions().p(2).dim(1));
  }
  return pooled;
}

Status BertModuleImpl::load(const io::SafetensorsSet& weights) {
  const std::string prefix = io::bert_tensor_prefix(weights);
  torch::NoGradGuard no_grad;
  for (auto& item : named_parameters(/*recurse=*/true)) {
    const std::string& name = item.key();
    torch::Tensor& parameter = item.value();
    const io::SafetensorsRef ref = weights.find(prefix + name);
    if (!ref) {
      return make_error(ErrorCode::kCorrupt, fmt::format("{}: tensor '{}' is missing", weights.name(), prefix + name));
    }
    std::vector<std::size_t> shape(parameter.sizes().begin(), parameter.sizes().end());
    if (ref.tensor->shape != shape) {
      return make_error(ErrorCode::kCorrupt,
                        fmt::format("{}: tensor '{}' has shape [{}], the config needs [{}]", ref.file->name(),
                                    ref.tensor->name, fmt::join(ref.tensor->shape, ", "), fmt::join(shape, ", ")));
    }
    torch::Tensor values = torch::empty(parameter.sizes(), torch::kFloat);
    if (auto ok = ref.file->to_f32(*ref.tensor, {values.data_ptr<float>(), static_cast<std::size_t>(values.numel())});
        !ok) {
      return ok;
    }
    parameter.copy_(values);
  }
  return {};
}

Status BertModuleImpl::save(const std::filesystem::path& path) {
  std::vector<torch::Tensor> keep;  // contiguous CPU copies alive until written
  std::vector<io::SafetensorsF32> tensors;
  for (const auto& item : named_parameters(/*recurse=*/true)) {
    keep.push_back(item.value().detach().to(torch::kCPU, torch::kFloat).contiguous());
  }
  std::size_t i = 0;
  for (const auto& item : named_parameters(/*recurse=*/true)) {
    const torch::Tensor& t = keep[i++];
    tensors.push_back(io::SafetensorsF32{item.key(), std::vector<std::size_t>(t.sizes().begin(), t.sizes().end()),
                                         std::span<const float>(t.data_ptr<float>(), static_cast<std::size_t>(t.numel()))});
  }
  return io::write_safetensors(path, tensors, {{"format", "pt"}});
}

}  // namespace semspace::neural
