#include "serve/http_error.hpp"

#include <httplib.h>

namespace semspace::serve {

HttpError to_http_error(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kCorrupt:
      return {400, "invalid_request", error.message};
    case ErrorCode::kNotFound:
      return {404, "not_found", error.message};
    case ErrorCode::kUnsupported:
      return {400, "unsupported", error.message};
    case ErrorCode::kIo:
      break;
  }
  return {500, "internal_error", error.message};
}

nlohmann::json error_body(const std::string& code, const std::string& message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

void send_error(httplib::Response& response, const HttpError& error) {
  response.status = error.status;
  // 'replace': a message quoting invalid UTF-8 from a request must still serialise.
  response.set_content(error_body(error.code, error.message).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                       "application/json");
}

void send_json(httplib::Response& response, const nlohmann::json& value, int status) {
  response.status = status;
  response.set_content(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

}  // namespace semspace::serve
