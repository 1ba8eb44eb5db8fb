// POST /v1/embeddings (OpenAI) and POST /embed (Text Embeddings Inference): texts through the batcher of the
// requested model.
#include <bit>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "serve/http_error.hpp"
#include "serve/json_request.hpp"
#include "serve/routes/routes.hpp"

namespace semspace::serve {
namespace {

static_assert(std::endian::native == std::endian::little, "base64 embeddings are little-endian float32 bytes");

std::string base64(std::span<const float> values) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* bytes = reinterpret_cast<const unsigned char*>(values.data());
  const std::size_t size = values.size_bytes();
  std::string out;
  out.reserve((size + 2) / 3 * 4);
  for (std::size_t i = 0; i < size; i += 3) {
    const std::uint32_t chunk = (std::uint32_t{bytes[i]} << 16) | (i + 1 < size ? std::uint32_t{bytes[i + 1]} << 8 : 0) |
                                (i + 2 < size ? std::uint32_t{bytes[i + 2]} : 0);
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += i + 1 < size ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < size ? kAlphabet[chunk & 63] : '=';
  }
  return out;
}

void normalize(std::span<float> row) {
  double norm = 0;
  for (float x : row) norm += static_cast<double>(x) * x;
  if (norm <= 0) return;
  const float scale = static_cast<float>(1.0 / std::sqrt(norm));
  for (float& x : row) x *= scale;
}

// Runs the texts through the model's batcher: the rows, or the error to answer with.
tl::expected<Matrix, HttpError> embed(ServerState& state, const std::string& model_id, std::vector<std::string> texts,
                                      const ServedModel** model_out) {
  if (texts.size() > state.options().max_texts) {
    return tl::unexpected(HttpError{413, "too_many_inputs",
                                    fmt::format("{} texts in one request; the limit is {} (--max-texts)", texts.size(),
                                                state.options().max_texts)});
  }
  const ServedModel* model = state.find_model(model_id);
  if (!model) {
    return tl::unexpected(HttpError{404, "model_not_found",
                                    fmt::format("model \"{}\" is not served here (GET /models lists them)", model_id)});
  }
  *model_out = model;
  auto future = model->batcher->submit(std::move(texts));
  if (!future) {
    return tl::unexpected(HttpError{503, "overloaded", "the embedding queue is full; retry shortly"});
  }
  auto rows = future->get();
  if (!rows) return tl::unexpected(to_http_error(rows.error()));
  return std::move(*rows);
}

void answer_embed_error(httplib::Response& response, const HttpError& error) {
  if (error.status == 503) response.set_header("Retry-After", "1");
  send_error(response, error);
}

void openai_embeddings(ServerState& state, const httplib::Request& request, httplib::Response& response) {
  auto parsed = parse_embeddings_request(request.body);
  if (!parsed) return send_error(response, to_http_error(parsed.error()));
  std::size_t tokens = 0;
  const ServedModel* model = nullptr;
  // Counted before the texts move into the queue; the cost is small beside the model's.
  std::vector<std::size_t> text_tokens;
  const std::vector<std::string>& texts = parsed->input;
  if (const auto* served = state.find_model(parsed->model)) {
    if (parsed->dimensions && static_cast<std::size_t>(*parsed->dimensions) > served->model.dim()) {
      return send_error(response, HttpError{400, "invalid_request",
                                            fmt::format("field \"dimensions\": {} is more than model \"{}\" has ({})",
                                                        *parsed->dimensions, served->id, served->model.dim())});
    }
    if (texts.size() <= state.options().max_texts) {
      for (const auto& text : texts) tokens += count_tokens(served->model, text);
    }
  }
  auto rows = embed(state, parsed->model, std::move(parsed->input), &model);
  if (!rows) return answer_embed_error(response, rows.error());
  const std::size_t dims = parsed->dimensions ? static_cast<std::size_t>(*parsed->dimensions) : rows->cols();
  auto data = nlohmann::json::array();
  for (std::size_t i = 0; i < rows->rows(); ++i) {
    auto row = rows->row(i).first(dims);
    if (parsed->dimensions) normalize(row);
    nlohmann::json item{{"object", "embedding"}, {"index", i}};
    if (parsed->base64) {
      item["embedding"] = base64(row);
    } else {
      item["embedding"] = std::vector<float>(row.begin(), row.end());
    }
    data.push_back(std::move(item));
  }
  send_json(response, {{"object", "list"},
                       {"data", std::move(data)},
                       {"model", model->id},
                       {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}});
}

void tei_embed(ServerState& state, const httplib::Request& request, httplib::Response& response) {
  auto parsed = parse_tei_embed_request(request.body);
  if (!parsed) return send_error(response, to_http_error(parsed.error()));
  if (!parsed->truncate) {
    // TEI refuses texts longer than the model reads when truncation is off; so do we.
    if (const auto* served = state.find_model(parsed->model); served && served->model.transformer()) {
      const auto& transformer = *served->model.transformer();
      for (std::size_t i = 0; i < parsed->inputs.size() && i < state.options().max_texts; ++i) {
        const std::size_t length = transformer.tokenizer.encode(parsed->inputs[i]).ids.size();
        if (length > transformer.max_length) {
          return send_error(response, HttpError{413, "input_too_long",
                                                fmt::format("inputs[{}] has {} tokens; the model reads at most {} "
                                                            "(send \"truncate\": true to cut it)",
                                                            i, length, transformer.max_length)});
        }
      }
    }
  }
  const ServedModel* model = nullptr;
  auto rows = embed(state, parsed->model, std::move(parsed->inputs), &model);
  if (!rows) return answer_embed_error(response, rows.error());
  auto out = nlohmann::json::array();
  for (std::size_t i = 0; i < rows->rows(); ++i) {
    auto row = rows->row(i);
    if (parsed->normalize) normalize(row);
    out.push_back(std::vector<float>(row.begin(), row.end()));
  }
  send_json(response, out);
}

}  // namespace

void register_embedding_routes(httplib::Server& server, ServerState& state) {
  server.Post("/v1/embeddings", labelled("/v1/embeddings", [&state](const httplib::Request& request, httplib::Response& response) {
                openai_embeddings(state, request, response);
              }));
  server.Post("/embed", labelled("/embed", [&state](const httplib::Request& request, httplib::Response& response) {
                tei_embed(state, request, response);
              }));
}

}  // namespace semspace::serve
