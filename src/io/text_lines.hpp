// Line and field scanning for the text vector formats (word2vec text, fastText .vec, GloVe). Works on views of
// a memory-mapped file, so a multi-gigabyte file or a 100 MB line is never copied into a string.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace semspace::io {

/// Splits text into lines at '\n'; a trailing '\r' is dropped (CRLF files). The last line may lack '\n'.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}
  /// Sets `line` to the next line and returns true, or returns false at the end.
  bool next(std::string_view& line);
  /// 1-based number of the line last returned by next().
  std::size_t line_number() const noexcept { return line_number_; }
  /// Bytes after the line last returned.
  std::size_t remaining_bytes() const noexcept { return text_.size() - position_; }

 private:
  std::string_view text_;
  std::size_t position_ = 0;
  std::size_t line_number_ = 0;
};

/// Removes the next field (separated by spaces or tabs) from the front of `rest` into `field`.
/// Returns false when only separators remain.
bool next_field(std::string_view& rest, std::string_view& field) noexcept;

/// Number of fields in `rest`.
std::size_t count_fields(std::string_view rest) noexcept;

/// True when `line` holds nothing but spaces and tabs.
bool is_blank(std::string_view line) noexcept;

enum class FloatParse { kOk, kNotANumber, kNotFinite, kOutOfRange };

/// Parses a whole field as a float: decimal or exponent notation, optional leading '+'. Values too small for
/// float become 0 or a subnormal (as strtof would); values too large are kOutOfRange; nan/inf are kNotFinite.
FloatParse parse_float(std::string_view field, float& out) noexcept;

/// Parses a whole field as a non-negative decimal integer; false on anything else or overflow.
bool parse_count(std::string_view field, std::uint64_t& out) noexcept;

/// A word or value shown in an error message: at most 40 bytes (then "..."), control bytes as \xNN, so that a
/// message stays on one line even for a 100 MB token.
std::string display_token(std::string_view token);

/// Message fragment for a failed float parse: value "x" for word "w" is not a number / finite number / ...
std::string describe_float_error(FloatParse result, std::string_view field, std::string_view word);

}  // namespace semspace::io
