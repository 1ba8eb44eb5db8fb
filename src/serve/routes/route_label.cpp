#include "serve/routes/routes.hpp"

namespace semspace::serve {
namespace {
// httplib reads, routes, answers and logs a request on one thread, so the label set by the handler is the one the
// logger sees when it records the request.
thread_local std::string route_label = "unmatched";
}  // namespace

httplib::Server::Handler labelled(std::string label, httplib::Server::Handler handler) {
  return [label = std::move(label), handler = std::move(handler)](const httplib::Request& request,
                                                                   httplib::Response& response) {
    route_label = label;
    handler(request, response);
  };
}

const std::string& current_route_label() { return route_label; }

void reset_route_label() { route_label = "unmatched"; }

}  // namespace semspace::serve
