// Any byte string must give an array or an error from the .npy readers, never a crash.
#include <cstddef>
#include <cstdint>
#include <span>

#include "io/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  auto matrix = semspace::io::read_npy_matrix(bytes, "a.npy");
  if (matrix) {
    float sum = 0;
    for (std::size_t i = 0; i < matrix->size(); ++i) sum += matrix->data()[i];
    (void)sum;
  } else if (matrix.error().message.empty()) {
    __builtin_trap();
  }
  auto values = semspace::io::read_npy_int64(bytes, "a.npy");
  if (!values && values.error().message.empty()) __builtin_trap();
  return 0;
}
