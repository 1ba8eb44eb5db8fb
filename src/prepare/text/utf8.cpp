#include "prepare/text/utf8.hpp"

namespace semspace {
namespace {

constexpr std::uint64_t kHighBits = 0x8080808080808080ull;

bool is_continuation(unsigned char byte) { return (byte & 0xC0u) == 0x80u; }

}  // namespace

std::size_t find_non_ascii(std::string_view text) noexcept {
  const char* data = text.data();
  const std::size_t size = text.size();
  std::size_t pos = 0;
  // Word-at-a-time: most corpus text is ASCII, so this loop decides the common case at ~8 bytes per step.
  for (; pos + 8 <= size; pos += 8) {
    std::uint64_t word;
    std::memcpy(&word, data + pos, 8);
    if (word & kHighBits) break;
  }
  for (; pos < size; ++pos) {
    if (static_cast<unsigned char>(data[pos]) >= 0x80) return pos;
  }
  return size;
}

std::size_t utf8_sequence_length(std::string_view in, std::size_t* invalid_length) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const std::size_t available = in.size();
  const unsigned char lead = p[0];
  if (lead < 0x80) return 1;
  std::size_t need;
  // The second byte's range depends on the lead (Table 3-7); this is what excludes overlongs (E0, F0),
  // surrogates (ED) and code points above U+10FFFF (F4).
  unsigned char low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    if (invalid_length) *invalid_length = 1;  // 80..C1 and F5..FF never start a character
    return 0;
  }
  std::size_t have = 1;
  if (have < available && p[1] >= low && p[1] <= high) {
    ++have;
    while (have < need && have < available && is_continuation(p[have])) ++have;
  }
  if (have == need) return need;
  if (invalid_length) *invalid_length = have;
  return 0;
}

bool is_valid_utf8(std::string_view text) noexcept {
  std::size_t pos = 0;
  while (pos < text.size()) {
    pos += find_non_ascii(text.substr(pos));
    if (pos >= text.size()) return true;
    // Multi-byte characters tend to cluster (a word in Greek, a CJK sentence); stay in the slow loop while
    // they do rather than re-entering the word scan after each one.
    while (pos < text.size() && static_cast<unsigned char>(text[pos]) >= 0x80) {
      const std::size_t length = utf8_sequence_length(text.substr(pos));
      if (length == 0) return false;
      pos += length;
    }
  }
  return true;
}

std::size_t sanitize_utf8(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  std::size_t replacements = 0;
  std::size_t run_start = 0;  // start of the valid bytes not yet copied
  std::size_t pos = 0;
  while (pos < in.size()) {
    pos += find_non_ascii(in.substr(pos));
    while (pos < in.size() && static_cast<unsigned char>(in[pos]) >= 0x80) {
      std::size_t invalid_length = 0;
      const std::size_t length = utf8_sequence_length(in.substr(pos), &invalid_length);
      if (length != 0) {
        pos += length;
        continue;
      }
      out.append(in.data() + run_start, pos - run_start);
      out.append(kReplacementUtf8);
      ++replacements;
      pos += invalid_length;
      run_start = pos;
    }
  }
  out.append(in.data() + run_start, in.size() - run_start);
  return replacements;
}

void append_utf8(char32_t code_point, std::string& out) {
  const auto cp = static_cast<std::uint32_t>(code_point);
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    const char bytes[2] = {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(bytes, 2);
  } else if (cp < 0x10000) {
    const char bytes[3] = {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                           static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(bytes, 3);
  } else {
    const char bytes[4] = {static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
                           static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
    out.append(bytes, 4);
  }
}

}  // namespace semspace
