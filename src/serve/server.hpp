// `semspace serve`'s server: binds, serves every route with the limits, authentication and metrics around them,
// and stops cleanly. Usage: create -> bind -> (print the URL) -> run, and stop() from another thread (a signal
// watcher) to drain: the listening socket closes, requests in flight finish and get their answers, run() returns.
#pragma once

#include <memory>

#include "serve/server_state.hpp"

namespace httplib {
class Server;
}

namespace semspace::serve {

class Server {
 public:
  /// Loads the models, opens the store, sets up the routes. kInvalidArgument for bad options (a non-loopback host
  /// without an API key among them); the loaders' errors otherwise.
  static Expected<std::unique_ptr<Server>> create(ServeOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds host:port (port 0: a free port). kIo naming the address when it cannot be bound.
  Status bind();
  /// The bound port.
  int port() const noexcept { return port_; }
  /// Serves until stop(); returns once the requests in flight have been answered.
  void run();
  /// Thread-safe; not async-signal-safe (call it from a thread that waits for signals).
  void stop();
  bool is_running() const;

  ServerState& state() noexcept { return *state_; }

 private:
  Server() = default;
  std::unique_ptr<ServerState> state_;
  std::unique_ptr<httplib::Server> http_;
  int port_ = 0;
  int listening_socket_ = -1;  // httplib's, recorded when it is created (see bind())
};

}  // namespace semspace::serve
