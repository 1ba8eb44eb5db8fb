// The one shape every error answer has: {"error": {"code": "<snake_case>", "message": "..."}} with the HTTP status
// that says what went wrong, and the mapping from the library's expected errors to it.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "semspace/status.hpp"

namespace httplib {
struct Response;
}

namespace semspace::serve {

struct HttpError {
  int status = 400;
  std::string code = "invalid_request";
  std::string message;
};

/// kInvalidArgument / kCorrupt (bad request data) -> 400 invalid_request, kNotFound -> 404 not_found,
/// kUnsupported -> 400 unsupported, kIo -> 500 internal_error.
HttpError to_http_error(const Error& error);

nlohmann::json error_body(const std::string& code, const std::string& message);

/// Writes the error as the response: status and JSON body.
void send_error(httplib::Response& response, const HttpError& error);

/// Writes `value` as a 200 JSON response.
void send_json(httplib::Response& response, const nlohmann::json& value, int status = 200);

}  // namespace semspace::serve
