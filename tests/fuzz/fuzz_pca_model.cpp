// Any byte string must give a PCA model or an error from load_pca, never a crash; a model that loads projects.
#include <cstddef>
#include <cstdint>
#include <span>

#include "analysis/pca.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  auto model = semspace::load_pca(bytes, "a.pca");
  if (model) {
    semspace::Matrix row(1, static_cast<std::size_t>(model->dim()));
    auto projected = model->transform(row.view());
    if (!projected) __builtin_trap();
  } else if (model.error().message.empty()) {
    __builtin_trap();
  }
  return 0;
}
