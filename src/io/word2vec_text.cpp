#include "io/word2vec_text.hpp"

#include "io/text_vectors.hpp"

namespace semspace::io {

Expected<WordVectors> read_word2vec_text(std::span<const std::byte> data, std::string_view name) {
  return read_text_vectors(data, name, /*has_header=*/true);
}

Status write_word2vec_text(const WordVectors& vectors, const std::filesystem::path& path, bool with_header) {
  return write_text_vectors(vectors, path, with_header);
}

}  // namespace semspace::io
