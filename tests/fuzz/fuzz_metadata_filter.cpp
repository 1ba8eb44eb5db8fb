// Any byte string must give a filter or an error naming the place from the filter parser, never a crash; a
// parsed filter must compile to SQL with exactly one bound parameter per placeholder.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "store/metadata_filter.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto filter = semspace::store::parse_filter(text);
  if (!filter) {
    if (filter.error().message.empty()) __builtin_trap();
    return 0;
  }
  auto sql = semspace::store::compile_filter(*filter);
  // Placeholders come only from the compiler: values and paths never reach the SQL text.
  if (static_cast<std::size_t>(std::count(sql.sql.begin(), sql.sql.end(), '?')) != sql.params.size()) __builtin_trap();
  return 0;
}
