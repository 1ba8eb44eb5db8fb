// Any byte string must hash into valid buckets without reading out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "prepare/text/subword.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view word(reinterpret_cast<const char*>(data), size);
  semspace::SubwordOptions options{.minn = 1, .maxn = 6, .buckets = 1000};
  std::vector<std::uint32_t> buckets;
  semspace::append_subword_buckets(word, options, buckets);
  for (std::uint32_t b : buckets) {
    if (b >= options.buckets) __builtin_trap();
  }
  return 0;
}
