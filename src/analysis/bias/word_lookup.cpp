#include "analysis/bias/word_lookup.hpp"

#include "analysis/evaluate/text_lines.hpp"

namespace semspace {

std::optional<std::uint32_t> find_list_word(const WordVectors& model, std::string_view word) {
  if (auto index = model.find(word)) return index;
  return model.find(ascii_lower(word));
}

}  // namespace semspace
