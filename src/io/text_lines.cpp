#include "io/text_lines.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace semspace::io {
namespace {

bool is_separator(char c) noexcept { return c == ' ' || c == '\t'; }

}  // namespace

bool LineCursor::next(std::string_view& line) {
  if (position_ >= text_.size()) return false;
  const char* begin = text_.data() + position_;
  std::size_t left = text_.size() - position_;
  const void* newline = std::memchr(begin, '\n', left);
  std::size_t length = newline == nullptr ? left : static_cast<std::size_t>(static_cast<const char*>(newline) - begin);
  position_ += newline == nullptr ? length : length + 1;
  if (length > 0 && begin[length - 1] == '\r') --length;
  line = std::string_view(begin, length);
  ++line_number_;
  return true;
}

bool next_field(std::string_view& rest, std::string_view& field) noexcept {
  std::size_t begin = 0;
  while (begin < rest.size() && is_separator(rest[begin])) ++begin;
  if (begin == rest.size()) {
    rest = {};
    return false;
  }
  std::size_t end = begin;
  while (end < rest.size() && !is_separator(rest[end])) ++end;
  field = rest.substr(begin, end - begin);
  rest.remove_prefix(end);
  return true;
}

std::size_t count_fields(std::string_view rest) noexcept {
  std::size_t count = 0;
  std::string_view field;
  while (next_field(rest, field)) ++count;
  return count;
}

bool is_blank(std::string_view line) noexcept {
  for (char c : line) {
    if (!is_separator(c)) return false;
  }
  return true;
}

FloatParse parse_float(std::string_view field, float& out) noexcept {
  // from_chars rejects a leading '+', which some writers emit; a sign followed by another sign stays an error.
  if (field.size() > 1 && field[0] == '+' && field[1] != '-' && field[1] != '+') field.remove_prefix(1);
  const char* first = field.data();
  const char* last = field.data() + field.size();
  auto [ptr, ec] = std::from_chars(first, last, out, std::chars_format::general);
  if (ec == std::errc() && ptr == last) return std::isfinite(out) ? FloatParse::kOk : FloatParse::kNotFinite;
  if (ec == std::errc::result_out_of_range && ptr == last) {
    // from_chars reports underflow as out of range too; strtod tells underflow (tiny) from overflow (inf).
    if (field.size() > 64) return FloatParse::kOutOfRange;
    char buffer[65];
    std::memcpy(buffer, first, field.size());
    buffer[field.size()] = '\0';
    double value = std::strtod(buffer, nullptr);
    if (!std::isfinite(value) || std::fabs(value) >= 1.0) return FloatParse::kOutOfRange;
    out = static_cast<float>(value);
    return FloatParse::kOk;
  }
  return FloatParse::kNotANumber;
}

bool parse_count(std::string_view field, std::uint64_t& out) noexcept {
  if (field.empty()) return false;
  auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), out, 10);
  return ec == std::errc() && ptr == field.data() + field.size();
}

std::string display_token(std::string_view token) {
  constexpr std::size_t kMaxShown = 40;
  std::string out;
  std::size_t shown = token.size() <= kMaxShown ? token.size() : kMaxShown;
  // Do not cut a UTF-8 character in half.
  while (shown < token.size() && shown > 0 && (static_cast<unsigned char>(token[shown]) & 0xC0) == 0x80) --shown;
  for (std::size_t i = 0; i < shown; ++i) {
    auto c = static_cast<unsigned char>(token[i]);
    if (c < 0x20 || c == 0x7F || c == '"' || c == '\\') {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (shown < token.size()) out += fmt::format("...({} bytes)", token.size());
  return out;
}

std::string describe_float_error(FloatParse result, std::string_view field, std::string_view word) {
  std::string_view what = result == FloatParse::kNotFinite    ? "is not a finite number"
                          : result == FloatParse::kOutOfRange ? "is out of float range"
                                                              : "is not a number";
  return fmt::format("value \"{}\" for word \"{}\" {}", display_token(field), display_token(word), what);
}

}  // namespace semspace::io
