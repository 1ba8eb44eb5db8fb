#include "semspace/status.hpp"

#include <fmt/format.h>

namespace semspace::detail {

void throw_check_failure(const char* expr, const char* file, int line, const std::string& message) {
  throw InternalError(fmt::format("{}:{}: check failed: {}: {}", file, line, expr, message));
}

}  // namespace semspace::detail
