// Training examples for fine-tuning sentence encoders, from JSONL, CSV or TSV files: pairs, triplets, labelled texts
// or scored pairs. The field names are the ones sentence-transformers datasets use, so published files load as they
// are.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "semspace/status.hpp"

namespace semspace::io {

enum class RecordKind {
  kPair,        // anchor + positive              (anchor/positive, query/document, sentence1/sentence2, text1/text2)
  kTriplet,     // anchor + positive + negative   (anchor/positive/negative)
  kLabelled,    // text + class label             (text/label, sentence/label)
  kScoredPair,  // two texts + similarity score   (sentence1/sentence2/score, text1/text2/score)
};

struct TrainingRecord {
  std::vector<std::string> texts;  // 2 for pairs and scored pairs, 3 for triplets, 1 for labelled texts
  std::string label;               // labelled texts
  double score = 0;                // scored pairs
};

enum class RecordFormat { kJsonl, kCsv, kTsv };

/// The format a file name implies: .jsonl/.json -> JSONL, .csv -> CSV, .tsv/.txt -> TSV. kInvalidArgument otherwise.
Expected<RecordFormat> record_format_of(const std::filesystem::path& path);

/// Parses records of `kind`. JSONL: one object per line (blank lines skipped), each holding the kind's fields as
/// strings (a label may also be an integer; a score a number). CSV (RFC 4180: quoted fields, "" escapes, newlines
/// inside quotes) and TSV (no quoting): a header row naming the columns with the same names; extra fields or
/// columns are ignored. Errors are kCorrupt naming `name`:line and the field: malformed JSON or CSV, a missing or
/// non-string field, a score that is not a finite number, a row with fewer cells than the header, no records.
Expected<std::vector<TrainingRecord>> parse_training_records(std::string_view text, std::string_view name,
                                                             RecordKind kind, RecordFormat format);

/// Reads and parses a file (format from its name). kIo naming the file when it cannot be read.
Expected<std::vector<TrainingRecord>> read_training_records(const std::filesystem::path& path, RecordKind kind);

}  // namespace semspace::io
