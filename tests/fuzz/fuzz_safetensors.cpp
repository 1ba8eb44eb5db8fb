// Any byte string must give a parsed safetensors file or an error naming the file, never a crash; every tensor
// of a parsed file must convert (or be refused for its dtype) without reading outside the input.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "io/safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  auto file = semspace::io::SafetensorsFile::parse(bytes, "a.safetensors");
  if (!file) {
    if (file.error().message.empty()) __builtin_trap();
    return 0;
  }
  std::vector<float> out;
  for (const auto& tensor : file->tensors()) {
    if (tensor.elements() > (1u << 20)) continue;  // byte length was checked against the input, so this is cheap
    out.resize(tensor.elements());
    auto converted = file->to_f32(tensor, out);
    if (!converted && converted.error().message.empty()) __builtin_trap();
    float sum = 0;
    for (float v : file->view_f32(tensor)) sum += v;
    (void)sum;
  }
  return 0;
}
