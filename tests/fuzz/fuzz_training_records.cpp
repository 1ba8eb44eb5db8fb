// Any bytes, read as each record kind in each format, must give records or an error naming the file, never a crash;
// parsed records must have as many texts as their kind needs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/training_records.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace semspace::io;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (RecordFormat format : {RecordFormat::kJsonl, RecordFormat::kCsv, RecordFormat::kTsv}) {
    for (RecordKind kind : {RecordKind::kPair, RecordKind::kTriplet, RecordKind::kLabelled, RecordKind::kScoredPair}) {
      auto records = parse_training_records(text, "train.x", kind, format);
      if (!records) {
        if (records.error().message.rfind("train.x", 0) != 0) __builtin_trap();
        continue;
      }
      const std::size_t texts = kind == RecordKind::kTriplet ? 3 : kind == RecordKind::kLabelled ? 1 : 2;
      for (const auto& record : *records) {
        if (record.texts.size() != texts) __builtin_trap();
      }
    }
  }
  return 0;
}
