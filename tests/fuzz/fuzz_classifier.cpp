// Any byte string must give a classifier or an error from load_classifier, never a crash; one that loads predicts.
#include <cstddef>
#include <cstdint>
#include <span>

#include "analysis/classify/classifier_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  auto classifier = semspace::load_classifier(bytes, "a.clf");
  if (classifier) {
    semspace::Matrix row(1, classifier->dim);
    auto predicted = semspace::predict(*classifier, row.view(), 1);
    if (!predicted || predicted->classes.size() != 1 || predicted->classes[0] >= classifier->classes.size()) {
      __builtin_trap();
    }
  } else if (classifier.error().message.empty()) {
    __builtin_trap();
  }
  return 0;
}
