// Errors: expected failures (bad files, flags, requests) travel as values; broken invariants throw.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <tl/expected.hpp>

namespace semspace {

enum class ErrorCode {
  kInvalidArgument,  // a flag or parameter is out of range (CLI exit code 2)
  kIo,               // a file cannot be opened, read or written
  kCorrupt,          // a file's content is malformed, truncated or fails its checksum
  kNotFound,         // a word, model or collection does not exist
  kUnsupported,      // a valid input we deliberately do not handle
};

/// An expected failure with a message that names the place (file:line, word, field) and the expectation.
struct Error {
  ErrorCode code = ErrorCode::kIo;
  std::string message;
};

/// Value-or-error for fallible operations on outside input (tl::expected; std::expected once we move to C++23).
template <class T>
using Expected = tl::expected<T, Error>;
using Status = Expected<void>;

inline tl::unexpected<Error> make_error(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

/// Thrown for broken invariants (bugs), never for bad input.
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

namespace detail {
[[noreturn]] void throw_check_failure(const char* expr, const char* file, int line, const std::string& message);
}  // namespace detail

}  // namespace semspace

/// SEMSPACE_CHECK(cond, "fmt {}", args...): throws InternalError recording the expression, file and line.
#define SEMSPACE_CHECK(cond, ...)                                                                  \
  do {                                                                                             \
    if (!(cond)) [[unlikely]] {                                                                    \
      ::semspace::detail::throw_check_failure(#cond, __FILE__, __LINE__, ::fmt::format(__VA_ARGS__)); \
    }                                                                                              \
  } while (false)
