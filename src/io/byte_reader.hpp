// Bounds-checked little-endian reading from a byte span, shared by the binary format readers. Every read
// checks the remaining length first, so a lying header fails with a message instead of reading past the end.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

#include "semspace/status.hpp"

namespace semspace::io {

// Our formats and fastText's are little-endian; reading them with memcpy is only correct on such hosts.
static_assert(std::endian::native == std::endian::little, "semspace I/O assumes a little-endian host");

/// Sequential reader over `data`; `name` (the file's display name) prefixes every error message.
/// Does not own the bytes; they must outlive the reader.
class ByteReader {
 public:
  ByteReader(std::span<const std::byte> data, std::string_view name) : data_(data), name_(name) {}

  std::size_t offset() const noexcept { return offset_; }
  std::size_t remaining() const noexcept { return data_.size() - offset_; }
  std::string_view name() const noexcept { return name_; }
  std::span<const std::byte> rest() const noexcept { return data_.subspan(offset_); }

  /// "<name>: truncated at byte <offset> while reading <what> (need <need> bytes, <left> left)".
  tl::unexpected<Error> truncated(std::string_view what, std::size_t need) const {
    return make_error(ErrorCode::kCorrupt, fmt::format("{}: truncated at byte {} while reading {} (need {} bytes, {} left)",
                                                       name_, offset_, what, need, remaining()));
  }
  /// "<name>: at byte <offset>: <message>".
  tl::unexpected<Error> corrupt(std::string_view message, ErrorCode code = ErrorCode::kCorrupt) const {
    return make_error(code, fmt::format("{}: at byte {}: {}", name_, offset_, message));
  }

  template <class T>
  Expected<T> read(std::string_view what) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (remaining() < sizeof(T)) return truncated(what, sizeof(T));
    T value;
    std::memcpy(&value, data_.data() + offset_, sizeof(T));
    offset_ += sizeof(T);
    return value;
  }

  /// The next `count` bytes, or a truncation error.
  Expected<std::span<const std::byte>> take(std::size_t count, std::string_view what) {
    if (remaining() < count) return truncated(what, count);
    auto out = data_.subspan(offset_, count);
    offset_ += count;
    return out;
  }

  /// Bytes up to (not including) the next `terminator`, which is consumed; error if there is none.
  Expected<std::string_view> read_until(char terminator, std::string_view what) {
    const auto* begin = reinterpret_cast<const char*>(data_.data()) + offset_;
    const void* hit = remaining() == 0 ? nullptr : std::memchr(begin, terminator, remaining());
    if (hit == nullptr) {
      return make_error(ErrorCode::kCorrupt,
                        fmt::format("{}: truncated at byte {} while reading {} (no terminating {} in the {} bytes left)",
                                    name_, offset_, what, terminator_name(terminator),
                                    remaining()));
    }
    std::size_t length = static_cast<const char*>(hit) - begin;
    offset_ += length + 1;
    return std::string_view(begin, length);
  }

  static std::string_view terminator_name(char c) noexcept {
    return c == '\0' ? "NUL" : c == ' ' ? "space" : c == '\n' ? "newline" : "terminator";
  }

  void skip(std::size_t count) noexcept { offset_ += count < remaining() ? count : remaining(); }

 private:
  std::span<const std::byte> data_;
  std::string_view name_;
  std::size_t offset_ = 0;
};

/// a * b, or false on overflow (sizes from headers are multiplied before being compared with file sizes).
inline bool checked_mul(std::uint64_t a, std::uint64_t b, std::uint64_t& out) { return !__builtin_mul_overflow(a, b, &out); }
inline bool checked_add(std::uint64_t a, std::uint64_t b, std::uint64_t& out) { return !__builtin_add_overflow(a, b, &out); }

}  // namespace semspace::io
