// What every route shares: the options, the served models with their batchers, the collection store, the
// projection cache and the metrics.
//
// The collection store is SQLite through one connection, guarded by one mutex (with_store). Critical sections are
// short: one upsert, search or read. Why not a connection per thread: each CollectionStore keeps its own
// in-memory copy of every collection's index, so N connections would hold N copies and rebuild each after every
// write; with two cores, a search (about 0.5 ms) behind a mutex costs less than that.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "encoders/text_model.hpp"
#include "serve/metrics.hpp"
#include "serve/projection.hpp"
#include "serve/served_model.hpp"
#include "store/collection_store.hpp"

namespace semspace::serve {

struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                         // 0: any free port (tests)
  std::vector<std::string> models = {"default"};
  std::filesystem::path models_root;       // where "default" and ORG/NAME resolve ($SEMSPACE_HOME/models)
  std::filesystem::path db;                // empty: store::default_store_path()
  std::string api_key;                     // empty: no authentication (loopback only)
  std::filesystem::path web_dir;           // the projector page's built files; empty or absent: a note page
  int threads = 1;                         // encoder threads per model call
  int http_threads = 64;                   // connections served at once; more wait in the accept queue
  std::size_t max_batch = 64;              // texts per model call
  int max_wait_ms = 5;                     // how long a request may wait for others to share its batch
  std::size_t max_body_mb = 8;             // larger bodies: 413
  std::size_t max_texts = 2048;            // more texts in one request: 413
  std::size_t max_queued_texts = 8192;     // beyond this the embedding queue answers 503
  int read_timeout_s = 10;                 // a client that sends nothing for this long is dropped
  int write_timeout_s = 10;
  /// kInvalidArgument for out-of-range values, and for a non-loopback host without an API key.
  Status validate() const;
};

/// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback(std::string_view host);

class ServerState {
 public:
  /// Loads the models and opens the store.
  static Expected<std::unique_ptr<ServerState>> create(ServeOptions options);

  const ServeOptions& options() const noexcept { return options_; }
  Metrics& metrics() noexcept { return metrics_; }
  ProjectionCache& projections() noexcept { return projections_; }
  const std::vector<std::unique_ptr<ServedModel>>& models() const noexcept { return models_; }
  /// The served model with this id (the first served model for ""), or nullptr.
  const ServedModel* find_model(std::string_view id) const;

  /// Runs f(store) holding the store's mutex; returns what f returns.
  template <class F>
  auto with_store(F&& f) {
    std::lock_guard lock(store_mutex_);
    return f(*store_);
  }

  /// The model a collection encodes text with: a served model when its spec is one, else loaded once and kept;
  /// refused when its fingerprint is not the collection's.
  Expected<TextModel> collection_model(const store::CollectionInfo& info);
  /// Loads (or finds among the served and cached ones) the model named `spec`.
  Expected<TextModel> model_by_spec(const std::string& spec);

 private:
  explicit ServerState(ServeOptions options) : options_(std::move(options)) {}
  ServeOptions options_;
  Metrics metrics_;
  ProjectionCache projections_;
  std::vector<std::unique_ptr<ServedModel>> models_;
  std::mutex store_mutex_;
  std::optional<store::CollectionStore> store_;  // guarded by store_mutex_
  std::mutex cache_mutex_;
  std::map<std::string, TextModel> model_cache_;  // guarded by cache_mutex_
};

}  // namespace semspace::serve
