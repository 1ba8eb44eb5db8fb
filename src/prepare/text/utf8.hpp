// UTF-8 validation, repair and decoding. Valid means well-formed per Unicode Table 3-7: no overlong forms, no
// surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequences.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace semspace {

/// The replacement character U+FFFD, encoded.
inline constexpr std::string_view kReplacementUtf8 = "\xEF\xBF\xBD";

/// True when `text` is well-formed UTF-8. ASCII is checked 8 bytes at a time. Thread-safe, allocation-free.
bool is_valid_utf8(std::string_view text) noexcept;

/// Offset of the first byte >= 0x80 in `text`, or text.size() when it is all ASCII (8 bytes at a time).
std::size_t find_non_ascii(std::string_view text) noexcept;

/// Writes `in` to `out` (replacing its content) with each maximal invalid subsequence ("maximal subpart",
/// Unicode §3.9 / the WHATWG decoder) replaced by U+FFFD; returns the number of replacements (0 when `in` is
/// valid, in which case out == in). `in` and `out` must not overlap.
std::size_t sanitize_utf8(std::string_view in, std::string& out);

/// Length of the well-formed sequence starting at in[0], or 0 when in[0] starts an invalid one; then
/// *invalid_length (when given) receives the length of its maximal subpart (>= 1). `in` must be non-empty.
std::size_t utf8_sequence_length(std::string_view in, std::size_t* invalid_length = nullptr) noexcept;

/// Decodes the code point at p, which must start a well-formed sequence inside the buffer (e.g. after
/// sanitize_utf8); returns its length in bytes. No checks: the caller guarantees validity.
inline std::size_t decode_valid_utf8(const char* p, char32_t& code_point) noexcept {
  const auto b0 = static_cast<unsigned char>(p[0]);
  if (b0 < 0x80) {
    code_point = b0;
    return 1;
  }
  const auto b1 = static_cast<unsigned char>(p[1]) & 0x3Fu;
  if (b0 < 0xE0) {
    code_point = ((b0 & 0x1Fu) << 6) | b1;
    return 2;
  }
  const auto b2 = static_cast<unsigned char>(p[2]) & 0x3Fu;
  if (b0 < 0xF0) {
    code_point = ((b0 & 0x0Fu) << 12) | (b1 << 6) | b2;
    return 3;
  }
  const auto b3 = static_cast<unsigned char>(p[3]) & 0x3Fu;
  code_point = ((b0 & 0x07u) << 18) | (b1 << 12) | (b2 << 6) | b3;
  return 4;
}

/// Appends the UTF-8 encoding of a valid scalar value (not a surrogate, <= U+10FFFF) to `out`.
void append_utf8(char32_t code_point, std::string& out);

}  // namespace semspace
