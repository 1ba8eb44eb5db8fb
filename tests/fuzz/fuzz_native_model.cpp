// Any byte string must give a WordVectors or an error from the native reader, never a crash. The checksum would
// stop almost every mutation at the first check, so each input is also tried with a correct checksum appended
// in place of its last 8 bytes, which lets the fuzzer reach the header and section validation.
#include <cstring>
#include <vector>

#include <xxhash.h>

#include "fuzz_word_vectors_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  semspace::fuzz::run(data, size, "model.sem", semspace::io::VectorFormat::kNative);
  if (size >= 8) {
    std::vector<std::uint8_t> sealed(data, data + size);
    std::uint64_t sum = XXH3_64bits(sealed.data(), size - 8);
    std::memcpy(sealed.data() + size - 8, &sum, 8);
    semspace::fuzz::run(sealed.data(), size, "model.sem", semspace::io::VectorFormat::kNative);
  }
  return 0;
}
