#include "serve/auth.hpp"

#include <array>

namespace semspace::serve {

bool constant_time_equals(std::string_view a, std::string_view b) noexcept {
  // Every byte of the longer string is visited and differences are OR-ed, never branched on; the length
  // difference joins them, so a prefix of the key does not match.
  const std::size_t length = a.size() > b.size() ? a.size() : b.size();
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < length; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    difference |= static_cast<unsigned char>(x ^ y);
  }
  // volatile: keeps the compiler from turning the loop into an early-exit comparison.
  volatile unsigned char result = difference;
  return result == 0;
}

bool bearer_matches(std::string_view authorization, std::string_view key) noexcept {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() < kScheme.size()) return false;  // says nothing of the key
  // The scheme is case-insensitive (RFC 7235); the key is not.
  bool scheme_ok = true;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = authorization[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    const char expected = (kScheme[i] >= 'A' && kScheme[i] <= 'Z') ? static_cast<char>(kScheme[i] - 'A' + 'a') : kScheme[i];
    scheme_ok &= lower == expected;
  }
  const bool key_ok = constant_time_equals(authorization.substr(kScheme.size()), key);
  return scheme_ok && key_ok;
}

bool path_needs_key(std::string_view path) noexcept {
  static constexpr std::array<std::string_view, 5> kApi = {"/v1/", "/embed", "/models", "/collections", "/metrics"};
  for (auto prefix : kApi) {
    if (path.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace semspace::serve
