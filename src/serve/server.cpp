#include "serve/server.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>
#include <httplib.h>

#include "serve/auth.hpp"
#include "serve/http_error.hpp"
#include "serve/routes/routes.hpp"

namespace semspace::serve {
namespace {

// When the current request started routing on this thread (the logger, on the same thread, measures from it).
thread_local std::chrono::steady_clock::time_point request_start{};

std::string error_code_for(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 408: return "request_timeout";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 416: return "range_not_satisfiable";
    case 503: return "overloaded";
    default: return status >= 500 ? "internal_error" : "bad_request";
  }
}

void set_up(httplib::Server& http, ServerState& state) {
  const auto& options = state.options();
  const std::size_t http_threads = static_cast<std::size_t>(options.http_threads);
  // httplib takes ownership of the queue it gets from this factory.
  http.new_task_queue = [http_threads] { return new httplib::ThreadPool(http_threads); };
  http.set_payload_max_length(options.max_body_mb << 20);
  http.set_read_timeout(options.read_timeout_s, 0);
  http.set_write_timeout(options.write_timeout_s, 0);
  http.set_keep_alive_max_count(1000);
  http.set_tcp_nodelay(true);

  http.set_pre_routing_handler([&state](const httplib::Request& request, httplib::Response& response) {
    request_start = std::chrono::steady_clock::now();
    reset_route_label();
    const auto& key = state.options().api_key;
    if (!key.empty() && path_needs_key(request.path) &&
        !bearer_matches(request.get_header_value("Authorization"), key)) {
      response.set_header("WWW-Authenticate", "Bearer");
      send_error(response, HttpError{401, "unauthorized", "missing or wrong API key: send Authorization: Bearer <key>"});
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Errors httplib answers itself (404 without a route, 413 over the body limit, 400 unparsable requests) get
  // the same JSON shape as ours; answers with a body already are left alone.
  http.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& request,
                                                                 httplib::Response& response) {
    if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string message = fmt::format("{} {}: {}", request.method, request.path, error_code_for(response.status));
    if (response.status == 413) message = "request body is larger than the limit (--max-body-mb)";
    send_error(response, HttpError{response.status, error_code_for(response.status), message});
    return httplib::Server::HandlerResponse::Handled;
  }));
  http.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    send_error(response, HttpError{500, "internal_error", what});
  });
  http.set_logger([&state](const httplib::Request&, const httplib::Response& response) {
    const double seconds = request_start == std::chrono::steady_clock::time_point{}
                               ? 0.0
                               : std::chrono::duration<double>(std::chrono::steady_clock::now() - request_start).count();
    state.metrics().record_request(current_route_label(), response.status, seconds);
    request_start = {};
    reset_route_label();
  });

  http.Get("/health", labelled("/health", [](const httplib::Request&, httplib::Response& response) {
             send_json(response, {{"status", "ok"}});
           }));
  http.Get("/metrics", labelled("/metrics", [&state](const httplib::Request&, httplib::Response& response) {
             response.set_content(state.metrics().render(), "text/plain; version=0.0.4; charset=utf-8");
           }));
  register_embedding_routes(http, state);
  register_model_routes(http, state);
  register_projector_routes(http, state);  // before the collection routes: /collections/{name}/project
  register_collection_routes(http, state);
  register_static_routes(http, state);
  // httplib answers 400 to a request no route matched (other than GET); an unknown path is a 404.
  const auto no_route = labelled("unmatched", [](const httplib::Request& request, httplib::Response& response) {
    send_error(response, HttpError{404, "not_found", fmt::format("no route for {} {}", request.method, request.path)});
  });
  http.Post("/(.*)", no_route);
  http.Put("/(.*)", no_route);
  http.Delete("/(.*)", no_route);
  http.Patch("/(.*)", no_route);
}

}  // namespace

Expected<std::unique_ptr<Server>> Server::create(ServeOptions options) {
  auto state = ServerState::create(std::move(options));
  if (!state) return tl::unexpected(state.error());
  std::unique_ptr<Server> server(new Server());
  server->state_ = std::move(*state);
  server->http_ = std::make_unique<httplib::Server>();
  set_up(*server->http_, *server->state_);
  // SO_REUSEADDR (a restarted server rebinds a port whose old connections linger in TIME_WAIT) but not httplib's
  // default SO_REUSEPORT, with which a second server on the same port would bind too and take half the
  // connections instead of failing with "in use". The socket is recorded to widen its backlog in bind().
  server->http_->set_socket_options([raw = server.get()](int sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    raw->listening_socket_ = sock;
  });
  return server;
}

Server::~Server() = default;

Status Server::bind() {
  const auto& options = state_->options();
  if (options.port == 0) {
    port_ = http_->bind_to_any_port(options.host);
    if (port_ <= 0) return make_error(ErrorCode::kIo, fmt::format("cannot listen on {}: no free port", options.host));
  } else {
    if (!http_->bind_to_port(options.host, options.port)) {
      return make_error(ErrorCode::kIo, fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)",
                                                    options.host, options.port));
    }
    port_ = options.port;
  }
  // Debian's libcpp-httplib is compiled with a listen backlog of 5: a burst of more simultaneous connections
  // than that overflows the accept queue and the kernel drops or resets the rest (16 concurrent clients lost a
  // few requests). Calling listen() again on a listening socket resizes its backlog (up to net.core.somaxconn).
  if (listening_socket_ >= 0 && ::listen(listening_socket_, SOMAXCONN) != 0) {
    return make_error(ErrorCode::kIo, fmt::format("cannot listen on {}:{}: {}", options.host, port_, std::strerror(errno)));
  }
  return {};
}

void Server::run() { http_->listen_after_bind(); }

void Server::stop() { http_->stop(); }

bool Server::is_running() const { return http_->is_running(); }

}  // namespace semspace::serve
