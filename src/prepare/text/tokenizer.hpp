// Word tokenization for training word vectors: text -> words, the first step of every corpus pass.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace semspace {

struct TokenizerOptions {
  bool normalize = true;          // NFKC + case folding (normalize_nfkc_casefold) before splitting
  bool keep_punctuation = false;  // emit each punctuation/symbol character as its own token
};

/// Splits text into words. The rules, applied in order:
///  1. Invalid UTF-8: each maximal invalid subsequence becomes U+FFFD (counted, see tokenize()).
///  2. With options.normalize, NFKC + case folding + removal of default-ignorables ("Straße" -> "strasse").
///  3. U+2019 RIGHT SINGLE QUOTATION MARK is rewritten as the ASCII apostrophe ' (so "don’t" == "don't").
///  4. A token is a maximal run of letters (L*), combining marks (M*) and digits (N*: Nd, Nl, No); ASCII is
///     classified by table, everything else by its Unicode general category (utf8proc).
///  5. Inside a run, an apostrophe ' or hyphen-minus '-' with a letter on both sides stays in the token
///     ("don't", "well-known"), and '.' or ',' with a digit on both sides stays ("3.14", "1,000"). A mark
///     counts as the letter or digit it follows.
///  6. CJK ideographs (Unified Ideographs and extensions A-H, Compatibility Ideographs) are one token each.
///  7. Punctuation and symbols (P*, S*, including emoji and U+FFFD) separate tokens; with keep_punctuation
///     each one becomes a token of one character (plus any combining marks or variation selectors after it).
///  8. Whitespace, controls and other code points (Z*, C*) separate tokens and are never part of one.
///     Marks with no token to attach to are dropped.
/// Scripts written without spaces other than CJK ideographs (Thai, kana runs) come out as long runs.
/// Immutable after construction: tokenize() may be called from many threads at once (each with its own
/// tokens and scratch).
class WordTokenizer {
 public:
  explicit WordTokenizer(TokenizerOptions options = {}) : options_(options) {}

  /// Replaces `tokens` with the words of `text`, as views into `scratch`, which receives the sanitized,
  /// normalized text; the views stay valid until scratch is next modified. When replaced_utf8 is given it
  /// is set to the number of invalid UTF-8 sequences replaced in `text`. Pure-ASCII text takes a table-only
  /// path (no utf8proc calls). Once tokens and scratch have grown to the largest input, calls allocate nothing.
  void tokenize(std::string_view text, std::vector<std::string_view>& tokens, std::string& scratch,
                std::size_t* replaced_utf8 = nullptr) const;

  /// Convenience form for tests and one-off calls; allocates.
  std::vector<std::string> tokenize(std::string_view text) const;

  const TokenizerOptions& options() const noexcept { return options_; }

 private:
  TokenizerOptions options_;
};

/// The same rules with no shortcuts: whole-string utf8proc normalization and utf8proc classification of
/// every code point, ASCII included. The oracle that tests compare the fast paths against.
std::vector<std::string> tokenize_reference(std::string_view text, const TokenizerOptions& options);

}  // namespace semspace
