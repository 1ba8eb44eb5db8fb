#include "io/glove_text.hpp"

#include "io/text_vectors.hpp"

namespace semspace::io {

Expected<WordVectors> read_glove_text(std::span<const std::byte> data, std::string_view name) {
  return read_text_vectors(data, name, /*has_header=*/false);
}

Status write_glove_text(const WordVectors& vectors, const std::filesystem::path& path) {
  return write_text_vectors(vectors, path, /*has_header=*/false);
}

}  // namespace semspace::io
