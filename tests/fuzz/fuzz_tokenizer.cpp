// Arbitrary bytes through sanitize + normalize + tokenize: no crash, every token non-empty valid UTF-8 and
// inside scratch; pure-ASCII input must tokenize exactly as the reference path does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "prepare/text/normalize.hpp"
#include "prepare/text/tokenizer.hpp"
#include "prepare/text/utf8.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string sanitized;
  const std::size_t replaced = semspace::sanitize_utf8(text, sanitized);
  if (!semspace::is_valid_utf8(sanitized)) __builtin_trap();
  if ((replaced == 0) != semspace::is_valid_utf8(text)) __builtin_trap();
  if (replaced == 0 && sanitized != text) __builtin_trap();

  std::string normalized;
  semspace::normalize_nfkc_casefold(text, normalized);
  if (!semspace::is_valid_utf8(normalized)) __builtin_trap();
  if (normalized != semspace::normalize_nfkc_casefold_reference(sanitized)) __builtin_trap();

  const bool ascii = semspace::find_non_ascii(text) == text.size();
  std::vector<std::string_view> tokens;
  std::string scratch;
  for (bool normalize : {true, false}) {
    for (bool keep : {true, false}) {
      const semspace::TokenizerOptions options{.normalize = normalize, .keep_punctuation = keep};
      const semspace::WordTokenizer tokenizer(options);
      std::size_t replaced_here = 0;
      tokenizer.tokenize(text, tokens, scratch, &replaced_here);
      if (replaced_here != replaced) __builtin_trap();
      for (std::string_view token : tokens) {
        if (token.empty() || !semspace::is_valid_utf8(token)) __builtin_trap();
        if (token.data() < scratch.data() || token.data() + token.size() > scratch.data() + scratch.size())
          __builtin_trap();
      }
      // The reference path is slow (utf8proc for every character); compare on shorter inputs only.
      if (ascii || size < 512) {
        const auto expected = semspace::tokenize_reference(text, options);
        if (expected.size() != tokens.size()) __builtin_trap();
        for (std::size_t i = 0; i < tokens.size(); ++i) {
          if (expected[i] != tokens[i]) __builtin_trap();
        }
      }
    }
  }
  return 0;
}
