#include "prepare/text/subword.hpp"

namespace semspace {
namespace {

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Calls emit(begin, end) for each n-gram of "<word>" in fastText's order: by start character, then length.
// Single characters at the very start or end (the bare '<' or '>') are skipped as fastText does.
template <class Emit>
void for_each_ngram(std::string_view word, const SubwordOptions& options, Emit&& emit) {
  if (!options.enabled()) return;
  std::string wrapped;
  wrapped.reserve(word.size() + 2);
  wrapped.push_back('<');
  wrapped.append(word);
  wrapped.push_back('>');
  const std::size_t size = wrapped.size();
  for (std::size_t begin = 0; begin < size; ++begin) {
    if (is_continuation_byte(wrapped[begin])) continue;
    std::size_t end = begin;
    for (int chars = 1; end < size && chars <= options.maxn; ++chars) {
      ++end;
      while (end < size && is_continuation_byte(wrapped[end])) ++end;
      if (chars >= options.minn && !(chars == 1 && (begin == 0 || end == size))) {
        emit(std::string_view(wrapped).substr(begin, end - begin));
      }
    }
  }
}

}  // namespace

std::uint32_t fasttext_hash(std::string_view text) {
  std::uint32_t h = 2166136261u;
  for (char c : text) {
    h ^= static_cast<std::uint32_t>(static_cast<std::int8_t>(c));
    h *= 16777619u;
  }
  return h;
}

void append_subword_buckets(std::string_view word, const SubwordOptions& options, std::vector<std::uint32_t>& out) {
  for_each_ngram(word, options, [&](std::string_view ngram) { out.push_back(fasttext_hash(ngram) % options.buckets); });
}

std::vector<std::string> subword_strings(std::string_view word, const SubwordOptions& options) {
  std::vector<std::string> out;
  for_each_ngram(word, options, [&](std::string_view ngram) { out.emplace_back(ngram); });
  return out;
}

}  // namespace semspace
