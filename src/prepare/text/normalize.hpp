// Unicode normalization for training text: NFKC + full case folding, as search engines and fastText-style
// pipelines expect ("ﬁ" -> "fi", "Straße" -> "strasse", "ＡＢＣ" -> "abc").
#pragma once

#include <string>
#include <string_view>

namespace semspace {

/// Writes NFKC_Casefold-style normalized `in` to `out` (replacing its content): utf8proc with
/// STABLE | COMPOSE | COMPAT | CASEFOLD | IGNORE (default-ignorable code points such as U+00AD soft hyphen,
/// U+200B zero-width space and variation selectors are removed).
/// - ASCII is lowercased by table without calling utf8proc; mixed text sends only its non-ASCII runs (with
///   the one ASCII character before each, which a combining mark may compose with) through utf8proc, which
///   gives the same result as normalizing the whole string.
/// - Invalid UTF-8 never fails: each maximal invalid subsequence becomes U+FFFD first (see sanitize_utf8).
/// - The output is valid UTF-8. `in` and `out` must not overlap.
/// Thread-safe; reuses per-thread buffers, so repeated calls allocate nothing once `out` has grown.
void normalize_nfkc_casefold(std::string_view in, std::string& out);

/// The whole string through utf8proc_map (no ASCII shortcut, no segmentation): the oracle for tests.
/// `in` must be valid UTF-8; returns an empty string when utf8proc reports an error.
std::string normalize_nfkc_casefold_reference(std::string_view in);

/// Lowercases ASCII A-Z by table and leaves every other byte unchanged.
void ascii_lowercase_append(std::string_view in, std::string& out);

}  // namespace semspace
