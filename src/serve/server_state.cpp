#include "serve/server_state.hpp"

#include <fmt/format.h>

#include "io/text_model_files.hpp"
#include "store/collection_text.hpp"

namespace semspace::serve {

bool is_loopback(std::string_view host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

Status ServeOptions::validate() const {
  auto bad = [](std::string message) { return Status(make_error(ErrorCode::kInvalidArgument, std::move(message))); };
  if (!is_loopback(host) && api_key.empty()) {
    return bad(fmt::format("refusing to listen on {} without --api-key: anyone who can reach it could use the server "
                           "(loopback addresses need no key)", host));
  }
  if (port < 0 || port > 65535) return bad(fmt::format("--port {} is not a port number", port));
  if (models.empty()) return bad("give at least one --model");
  if (threads < 1 || http_threads < 1) return bad("--threads and --http-threads must be at least 1");
  if (max_batch < 1 || max_texts < 1 || max_body_mb < 1) return bad("--max-batch, --max-texts and --max-body-mb must be at least 1");
  if (max_wait_ms < 0) return bad("--max-wait-ms must not be negative");
  if (max_queued_texts < max_texts) return bad("the queue must hold at least --max-texts texts");
  return {};
}

Expected<std::unique_ptr<ServerState>> ServerState::create(ServeOptions options) {
  if (auto ok = options.validate(); !ok) return tl::unexpected(ok.error());
  std::unique_ptr<ServerState> state(new ServerState(std::move(options)));
  const auto& opts = state->options_;
  for (const auto& spec : opts.models) {
    if (state->find_model(spec)) continue;  // named twice
    auto model = io::load_text_model(spec, opts.models_root);
    if (!model) return tl::unexpected(Error{model.error().code, fmt::format("--model {}: {}", spec, model.error().message)});
    auto served = std::make_unique<ServedModel>(ServedModel{spec, std::move(*model), nullptr});
    const TextModel* text_model = &served->model;
    Metrics* metrics = &state->metrics_;
    served->batcher = std::make_unique<EmbeddingBatcher>(
        [text_model, threads = opts.threads, batch = opts.max_batch](std::span<const std::string> texts) {
          return encode_for_serving(*text_model, texts, threads, batch);
        },
        BatchOptions{.max_batch = opts.max_batch,
                     .max_wait = std::chrono::milliseconds(opts.max_wait_ms),
                     .max_queued_texts = opts.max_queued_texts},
        [metrics](std::size_t texts) { metrics->record_batch(texts); });
    state->models_.push_back(std::move(served));
  }
  ServerState* raw = state.get();
  state->metrics_.set_queue_depth([raw] {
    std::size_t depth = 0;
    for (const auto& model : raw->models_) depth += model->batcher->queued_texts();
    return depth;
  });
  auto store = store::CollectionStore::open(opts.db.empty() ? store::default_store_path() : opts.db);
  if (!store) return tl::unexpected(store.error());
  state->store_.emplace(std::move(*store));
  return state;
}

const ServedModel* ServerState::find_model(std::string_view id) const {
  if (id.empty()) return models_.empty() ? nullptr : models_.front().get();
  for (const auto& model : models_) {
    if (model->id == id) return model.get();
  }
  return nullptr;
}

Expected<TextModel> ServerState::model_by_spec(const std::string& spec) {
  if (const auto* served = find_model(spec)) return served->model;
  std::lock_guard lock(cache_mutex_);
  if (auto it = model_cache_.find(spec); it != model_cache_.end()) return it->second;
  auto model = io::load_text_model(spec, options_.models_root);
  if (!model) return model;
  model_cache_.emplace(spec, *model);
  return model;
}

Expected<TextModel> ServerState::collection_model(const store::CollectionInfo& info) {
  // check_encoder refuses both a collection without a model (whatever model it is shown) and a model of another
  // space, with the messages the CLI gives.
  auto model = info.model.empty() ? Expected<TextModel>(models_.front()->model) : model_by_spec(info.model);
  if (!model) return model;
  if (auto ok = store::check_encoder(info, *model); !ok) return tl::unexpected(ok.error());
  return model;
}

}  // namespace semspace::serve
