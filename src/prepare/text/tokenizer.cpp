#include "prepare/text/tokenizer.hpp"

#include <array>
#include <cstdint>
#include <cstring>

#include <utf8proc.h>

#include "prepare/text/normalize.hpp"
#include "prepare/text/utf8.hpp"

namespace semspace {
namespace {

enum class CharClass : std::uint8_t {
  kSeparator,   // whitespace, controls, format characters, unassigned: never part of a token
  kLetter,
  kDigit,
  kMark,        // extends whatever token is open
  kIdeograph,   // CJK: a token by itself
  kPunct,       // punctuation or symbol: separates, or a one-character token with keep_punctuation
  kApostrophe,  // ' : inside a token between two letters
  kHyphen,      // - : inside a token between two letters
  kDigitPoint,  // . , : inside a token between two digits
};

constexpr std::array<CharClass, 128> make_ascii_classes() {
  std::array<CharClass, 128> table{};
  for (int c = 0; c < 128; ++c) {
    CharClass cls = CharClass::kPunct;  // every printable ASCII character that is not alphanumeric is P* or S*
    if (c <= 0x20 || c == 0x7F) cls = CharClass::kSeparator;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) cls = CharClass::kLetter;
    if (c >= '0' && c <= '9') cls = CharClass::kDigit;
    if (c == '\'') cls = CharClass::kApostrophe;
    if (c == '-') cls = CharClass::kHyphen;
    if (c == '.' || c == ',') cls = CharClass::kDigitPoint;
    table[static_cast<std::size_t>(c)] = cls;
  }
  return table;
}
constexpr std::array<CharClass, 128> kAsciiClass = make_ascii_classes();

bool is_cjk_ideograph(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2EBEF) ||
         (cp >= 0x2F800 && cp <= 0x2FA1F) || (cp >= 0x30000 && cp <= 0x323AF);
}

CharClass classify_code_point(char32_t cp) {
  if (cp == U'\'') return CharClass::kApostrophe;
  if (cp == U'-') return CharClass::kHyphen;
  if (cp == U'.' || cp == U',') return CharClass::kDigitPoint;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
      return is_cjk_ideograph(cp) ? CharClass::kIdeograph : CharClass::kLetter;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
      return CharClass::kMark;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return CharClass::kDigit;
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
    case UTF8PROC_CATEGORY_SM:
    case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK:
    case UTF8PROC_CATEGORY_SO:
      return CharClass::kPunct;
    default:
      return CharClass::kSeparator;
  }
}

struct Classified {
  CharClass cls;
  std::uint32_t length;
};

// Pure ASCII input: one table lookup per byte.
struct AsciiClassifier {
  static constexpr bool kUsesAsciiTable = true;
  Classified operator()(const char* p) const {
    return {kAsciiClass[static_cast<unsigned char>(*p)], 1};
  }
};

// Valid UTF-8: ASCII by table, the rest by general category.
struct Utf8Classifier {
  static constexpr bool kUsesAsciiTable = true;
  Classified operator()(const char* p) const {
    const auto byte = static_cast<unsigned char>(*p);
    if (byte < 0x80) return {kAsciiClass[byte], 1};
    char32_t cp;
    const auto length = static_cast<std::uint32_t>(decode_valid_utf8(p, cp));
    return {classify_code_point(cp), length};
  }
};

// The oracle: utf8proc for every code point.
struct ReferenceClassifier {
  static constexpr bool kUsesAsciiTable = false;
  Classified operator()(const char* p) const {
    char32_t cp;
    const auto length = static_cast<std::uint32_t>(decode_valid_utf8(p, cp));
    return {classify_code_point(cp), length};
  }
};

// One pass over valid UTF-8 `text` applying rules 4-8 of the header. Templated on the classifier so that
// the fast paths and the oracle share the rules and differ only in how a character is classified.
template <class Classifier>
void split(std::string_view text, bool keep_punctuation, const Classifier& classify,
           std::vector<std::string_view>& tokens) {
  enum class Open { kNone, kWord, kSingle };
  const char* data = text.data();
  const std::size_t size = text.size();
  Open open = Open::kNone;
  std::size_t token_start = 0;
  CharClass last_base = CharClass::kSeparator;  // class of the last letter or digit of the open word
  auto close = [&](std::size_t end) {
    if (open != Open::kNone) tokens.emplace_back(data + token_start, end - token_start);
    open = Open::kNone;
  };
  std::size_t pos = 0;
  while (pos < size) {
    const Classified here = classify(data + pos);
    switch (here.cls) {
      case CharClass::kLetter:
      case CharClass::kDigit:
        if (open == Open::kSingle) close(pos);
        if (open == Open::kNone) {
          open = Open::kWord;
          token_start = pos;
        }
        last_base = here.cls;
        if constexpr (Classifier::kUsesAsciiTable) {
          // Most bytes are inside ASCII words: skip the rest of the run here instead of going round the
          // state machine once per byte.
          while (pos + 1 < size) {
            const auto byte = static_cast<unsigned char>(data[pos + 1]);
            if (byte >= 0x80) break;
            const CharClass next = kAsciiClass[byte];
            if (next != CharClass::kLetter && next != CharClass::kDigit) break;
            last_base = next;
            ++pos;
          }
        }
        break;
      case CharClass::kMark:
        break;  // extends the open token; dropped when none is open
      case CharClass::kApostrophe:
      case CharClass::kHyphen:
      case CharClass::kDigitPoint: {
        const CharClass needed = here.cls == CharClass::kDigitPoint ? CharClass::kDigit : CharClass::kLetter;
        if (open == Open::kWord && last_base == needed && pos + here.length < size &&
            classify(data + pos + here.length).cls == needed) {
          break;  // joins the two sides: "don't", "well-known", "3.14"
        }
        close(pos);
        if (keep_punctuation) {
          open = Open::kSingle;
          token_start = pos;
        }
        break;
      }
      case CharClass::kIdeograph:
        close(pos);
        open = Open::kSingle;
        token_start = pos;
        break;
      case CharClass::kPunct:
        close(pos);
        if (keep_punctuation) {
          open = Open::kSingle;
          token_start = pos;
        }
        break;
      case CharClass::kSeparator:
        close(pos);
        break;
    }
    pos += here.length;
  }
  close(size);
}

// Rule 3, in place: U+2019 (3 bytes) -> ' (1 byte). Shifts the rest left only after the first occurrence.
void unify_apostrophes(std::string& text) {
  const std::size_t first = text.find("\xE2\x80\x99");
  if (first == std::string::npos) return;
  char* data = text.data();
  std::size_t write = first;
  std::size_t read = first;
  const std::size_t size = text.size();
  while (read < size) {
    if (static_cast<unsigned char>(data[read]) == 0xE2 && read + 2 < size &&
        static_cast<unsigned char>(data[read + 1]) == 0x80 && static_cast<unsigned char>(data[read + 2]) == 0x99) {
      data[write++] = '\'';
      read += 3;
    } else {
      data[write++] = data[read++];
    }
  }
  text.resize(write);
}

std::string& thread_sanitized() {
  thread_local std::string sanitized;
  return sanitized;
}

}  // namespace

void WordTokenizer::tokenize(std::string_view text, std::vector<std::string_view>& tokens, std::string& scratch,
                             std::size_t* replaced_utf8) const {
  tokens.clear();
  if (replaced_utf8) *replaced_utf8 = 0;
  if (find_non_ascii(text) == text.size()) {
    scratch.assign(text.data(), text.size());
    if (options_.normalize) {
      // NFKC and case folding of ASCII is exactly A-Z -> a-z.
      char* data = scratch.data();
      for (std::size_t i = 0; i < scratch.size(); ++i) {
        const auto byte = static_cast<unsigned char>(data[i]);
        data[i] = static_cast<char>(byte + ((static_cast<unsigned>(byte - 'A') < 26u) ? ('a' - 'A') : 0));
      }
    }
    split(scratch, options_.keep_punctuation, AsciiClassifier{}, tokens);
    return;
  }
  std::string_view valid = text;
  if (!is_valid_utf8(text)) {
    std::string& sanitized = thread_sanitized();
    const std::size_t replaced = sanitize_utf8(text, sanitized);
    if (replaced_utf8) *replaced_utf8 = replaced;
    valid = sanitized;
  }
  if (options_.normalize) {
    normalize_nfkc_casefold(valid, scratch);
  } else {
    scratch.assign(valid.data(), valid.size());
  }
  unify_apostrophes(scratch);
  split(scratch, options_.keep_punctuation, Utf8Classifier{}, tokens);
}

std::vector<std::string> WordTokenizer::tokenize(std::string_view text) const {
  std::vector<std::string_view> views;
  std::string scratch;
  tokenize(text, views, scratch);
  return {views.begin(), views.end()};
}

std::vector<std::string> tokenize_reference(std::string_view text, const TokenizerOptions& options) {
  std::string sanitized;
  sanitize_utf8(text, sanitized);
  std::string prepared = options.normalize ? normalize_nfkc_casefold_reference(sanitized) : sanitized;
  unify_apostrophes(prepared);
  std::vector<std::string_view> views;
  split(prepared, options.keep_punctuation, ReferenceClassifier{}, views);
  return {views.begin(), views.end()};
}

}  // namespace semspace
