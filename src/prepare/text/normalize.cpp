#include "prepare/text/normalize.hpp"

#include <array>
#include <cstdlib>
#include <memory>
#include <vector>

#include <utf8proc.h>

#include "prepare/text/utf8.hpp"
#include "semspace/status.hpp"

namespace semspace {
namespace {

constexpr auto kOptions = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                                         UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);

constexpr std::array<char, 256> make_lower_table() {
  std::array<char, 256> table{};
  for (int byte = 0; byte < 256; ++byte) {
    const int lowered = (byte >= 'A' && byte <= 'Z') ? byte + ('a' - 'A') : byte;
    table[static_cast<std::size_t>(byte)] = static_cast<char>(static_cast<unsigned char>(lowered));
  }
  return table;
}
constexpr std::array<char, 256> kLower = make_lower_table();

// Per-thread buffers so that normalizing line after line reuses memory (steady state: no allocation).
struct Buffers {
  std::vector<utf8proc_int32_t> code_points;
  std::string sanitized;
};
Buffers& thread_buffers() {
  thread_local Buffers buffers;
  return buffers;
}

// Appends the normalization of valid UTF-8 `segment` to `out` through utf8proc's allocation-free entry points
// (decompose into our buffer, then compose and re-encode in place), the same steps utf8proc_map takes.
void append_normalized_valid(std::string_view segment, std::string& out) {
  auto& code_points = thread_buffers().code_points;
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(segment.data());
  const auto length = static_cast<utf8proc_ssize_t>(segment.size());
  if (code_points.size() < segment.size() + 16) code_points.resize(segment.size() + 16);
  utf8proc_ssize_t count = 0;
  for (;;) {
    count = utf8proc_decompose_custom(bytes, length, code_points.data(),
                                      static_cast<utf8proc_ssize_t>(code_points.size()), kOptions, nullptr,
                                      nullptr);
    // utf8proc returns the size it needs when the buffer is too small (compatibility decompositions can
    // expand one character into up to 18).
    if (count < 0 || static_cast<std::size_t>(count) <= code_points.size()) break;
    code_points.resize(static_cast<std::size_t>(count));
  }
  // Input is valid UTF-8 and the buffer large enough, so utf8proc has no error left to report.
  SEMSPACE_CHECK(count >= 0, "utf8proc_decompose_custom failed: {}", utf8proc_errmsg(count));
  const utf8proc_ssize_t encoded = utf8proc_reencode(code_points.data(), count, kOptions);
  SEMSPACE_CHECK(encoded >= 0, "utf8proc_reencode failed: {}", utf8proc_errmsg(encoded));
  out.append(reinterpret_cast<const char*>(code_points.data()), static_cast<std::size_t>(encoded));
}

void append_normalized(std::string_view segment, std::string& out) {
  if (is_valid_utf8(segment)) {
    append_normalized_valid(segment, out);
    return;
  }
  // Rare path (corrupt input): repair into a per-thread buffer, then normalize the repaired text.
  auto& sanitized = thread_buffers().sanitized;
  sanitize_utf8(segment, sanitized);
  append_normalized_valid(sanitized, out);
}

}  // namespace

void ascii_lowercase_append(std::string_view in, std::string& out) {
  const std::size_t start = out.size();
  out.resize(start + in.size());
  char* dst = out.data() + start;
  for (std::size_t i = 0; i < in.size(); ++i) dst[i] = kLower[static_cast<unsigned char>(in[i])];
}

void normalize_nfkc_casefold(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  std::size_t pos = 0;
  while (pos < in.size()) {
    const std::size_t non_ascii = pos + find_non_ascii(in.substr(pos));
    if (non_ascii == in.size()) {
      ascii_lowercase_append(in.substr(pos), out);
      break;
    }
    // The ASCII character just before a non-ASCII run may compose with a combining mark in it ("e" + U+0301,
    // "=" + U+0338), so it goes to utf8proc with the run. Nothing composes with a following ASCII character,
    // and ASCII has combining class 0, so the run can end at the next ASCII byte.
    const std::size_t segment_start = non_ascii > pos ? non_ascii - 1 : non_ascii;
    ascii_lowercase_append(in.substr(pos, segment_start - pos), out);
    std::size_t segment_end = non_ascii;
    while (segment_end < in.size() && static_cast<unsigned char>(in[segment_end]) >= 0x80) ++segment_end;
    append_normalized(in.substr(segment_start, segment_end - segment_start), out);
    pos = segment_end;
  }
}

std::string normalize_nfkc_casefold_reference(std::string_view in) {
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(in.data()),
                                               static_cast<utf8proc_ssize_t>(in.size()), &mapped, kOptions);
  // utf8proc_map returns malloc'd memory: own it so it is freed on every path.
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
  if (length < 0) return {};
  return std::string(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(length));
}

}  // namespace semspace
