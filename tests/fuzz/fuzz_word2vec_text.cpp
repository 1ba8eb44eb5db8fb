// Any byte string must give a WordVectors or an error from the word2vec_text reader, never a crash.
#include "fuzz_word_vectors_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  semspace::fuzz::run(data, size, "vectors.txt", semspace::io::VectorFormat::kWord2VecText);
  return 0;
}
