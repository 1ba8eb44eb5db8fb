#include "io/fasttext_bin.hpp"

#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "io/byte_reader.hpp"
#include "io/text_lines.hpp"
#include "io/vector_checks.hpp"
#include "io/vector_formats.hpp"

namespace semspace::io {
namespace {

// fastText's Args::save: twelve int32 fields then a double, in this order.
struct FastTextArgs {
  std::int32_t dim, ws, epoch, min_count, neg, word_ngrams, loss, model, bucket, minn, maxn, lr_update_rate;
  double t;
};

constexpr std::int8_t kEntryWord = 0;
constexpr std::int8_t kEntryLabel = 1;

#define SEMSPACE_TRY_READ(var, reader, type, what) \
  auto var##_result = (reader).read<type>(what);   \
  if (!var##_result) return tl::unexpected(var##_result.error()); \
  const type var = *var##_result

}  // namespace

Expected<WordVectors> read_fasttext_bin(std::span<const std::byte> data, std::string_view name) {
  if (data.empty()) return make_error(ErrorCode::kCorrupt, fmt::format("{}: file is empty", name));
  ByteReader reader(data, name);
  SEMSPACE_TRY_READ(magic, reader, std::int32_t, "magic");
  if (magic != kFastTextMagic) {
    return make_error(ErrorCode::kCorrupt, fmt::format("{}: not a fastText model (magic {} instead of {})", name, magic,
                                                       kFastTextMagic));
  }
  SEMSPACE_TRY_READ(version, reader, std::int32_t, "version");
  if (version != kFastTextVersion) {
    return make_error(ErrorCode::kUnsupported, fmt::format("{}: fastText model version {} is not supported (only {})",
                                                           name, version, kFastTextVersion));
  }

  // Args: read field by field (no struct memcpy: the double follows 12 int32s without padding in the file).
  FastTextArgs args{};
  std::int32_t* int_fields[] = {&args.dim,    &args.ws,     &args.epoch, &args.min_count, &args.neg,  &args.word_ngrams,
                                &args.loss,   &args.model,  &args.bucket, &args.minn,     &args.maxn, &args.lr_update_rate};
  for (std::int32_t* field : int_fields) {
    auto value = reader.read<std::int32_t>("model arguments");
    if (!value) return tl::unexpected(value.error());
    *field = *value;
  }
  SEMSPACE_TRY_READ(sampling, reader, double, "model arguments");
  args.t = sampling;
  if (args.dim <= 0 || static_cast<std::size_t>(args.dim) > kMaxVectorDim) {
    return reader.corrupt(fmt::format("dimension {} is outside 1..{}", args.dim, kMaxVectorDim));
  }
  if (args.bucket < 0 || args.minn < 0 || args.maxn < 0) {
    return reader.corrupt(
        fmt::format("negative subword settings (bucket {}, minn {}, maxn {})", args.bucket, args.minn, args.maxn));
  }

  // Dictionary.
  SEMSPACE_TRY_READ(entry_count, reader, std::int32_t, "dictionary size");
  SEMSPACE_TRY_READ(nwords, reader, std::int32_t, "dictionary size");
  SEMSPACE_TRY_READ(nlabels, reader, std::int32_t, "dictionary size");
  SEMSPACE_TRY_READ(ntokens, reader, std::int64_t, "dictionary size");
  SEMSPACE_TRY_READ(prune_size, reader, std::int64_t, "dictionary size");
  static_cast<void>(ntokens);
  if (entry_count < 0 || nwords < 0 || nlabels < 0 ||
      static_cast<std::int64_t>(nwords) + nlabels != entry_count) {
    return reader.corrupt(fmt::format("dictionary sizes disagree: {} entries, {} words, {} labels", entry_count, nwords,
                                      nlabels));
  }
  // Each entry takes at least a NUL, an int64 count and an int8 type.
  constexpr std::size_t kMinEntryBytes = 1 + 8 + 1;
  if (static_cast<std::uint64_t>(entry_count) * kMinEntryBytes > reader.remaining()) {
    return reader.truncated(fmt::format("dictionary of {} entries", entry_count),
                            static_cast<std::size_t>(entry_count) * kMinEntryBytes);
  }
  std::vector<std::string> words;
  std::vector<std::uint64_t> counts;
  words.reserve(static_cast<std::size_t>(nwords));
  counts.reserve(static_cast<std::size_t>(nwords));
  std::unordered_map<std::string_view, std::int32_t> seen;
  seen.reserve(static_cast<std::size_t>(entry_count));
  for (std::int32_t i = 0; i < entry_count; ++i) {
    const std::size_t entry_offset = reader.offset();
    auto word = reader.read_until('\0', "a dictionary word");
    if (!word) return tl::unexpected(word.error());
    SEMSPACE_TRY_READ(count, reader, std::int64_t, "a dictionary count");
    SEMSPACE_TRY_READ(type, reader, std::int8_t, "a dictionary entry type");
    auto at_entry = [&](std::string message) {
      return make_error(ErrorCode::kCorrupt, fmt::format("{}: at byte {}: dictionary entry #{} \"{}\": {}", name,
                                                         entry_offset, i + 1, display_token(*word), message));
    };
    if (type != kEntryWord && type != kEntryLabel) return at_entry(fmt::format("unknown entry type {}", type));
    if (count < 0) return at_entry(fmt::format("negative count {}", count));
    // Input rows are indexed by entry position, so words must come first (fastText sorts them so).
    if ((type == kEntryWord) != (i < nwords)) {
      return at_entry(fmt::format("a {} where the header puts {}", type == kEntryWord ? "word" : "label",
                                  i < nwords ? "words" : "labels"));
    }
    auto [it, inserted] = seen.emplace(*word, i + 1);
    if (!inserted) return at_entry(fmt::format("duplicate of entry #{}", it->second));
    if (type == kEntryWord) {
      words.emplace_back(*word);
      counts.push_back(static_cast<std::uint64_t>(count));
    }
  }
  if (prune_size < -1) return reader.corrupt(fmt::format("invalid pruned index size {}", prune_size));
  if (prune_size > 0) {
    std::uint64_t prune_bytes = 0;
    if (!checked_mul(static_cast<std::uint64_t>(prune_size), 8, prune_bytes) || prune_bytes > reader.remaining()) {
      return reader.truncated("pruned subword index", prune_bytes);
    }
    reader.skip(static_cast<std::size_t>(prune_bytes));
  }

  SEMSPACE_TRY_READ(quantized, reader, std::uint8_t, "quantization flag");
  if (quantized != 0) {
    return make_error(ErrorCode::kUnsupported,
                      fmt::format("{}: quantized fastText models (.ftz) are not supported; use the full .bin model", name));
  }
  if (prune_size >= 0) {
    return make_error(ErrorCode::kUnsupported,
                      fmt::format("{}: fastText models with a pruned subword index are not supported", name));
  }

  // Input matrix: one row per word, then one per bucket (labels have none).
  SEMSPACE_TRY_READ(rows, reader, std::int64_t, "input matrix shape");
  SEMSPACE_TRY_READ(cols, reader, std::int64_t, "input matrix shape");
  const std::int64_t expected_rows = static_cast<std::int64_t>(nwords) + args.bucket;
  if (rows != expected_rows || cols != args.dim) {
    return reader.corrupt(fmt::format("input matrix is {} x {}, expected {} x {} (words {} + buckets {}, dim {})", rows,
                                      cols, expected_rows, args.dim, nwords, args.bucket, args.dim));
  }
  const auto dim = static_cast<std::size_t>(args.dim);
  const std::uint64_t matrix_bytes = static_cast<std::uint64_t>(rows) * dim * sizeof(float);  // < 2^31 * 2^20 * 4
  if (matrix_bytes > reader.remaining()) return reader.truncated("input matrix", matrix_bytes);
  SubwordOptions subwords{.minn = args.minn, .maxn = args.maxn, .buckets = static_cast<std::uint32_t>(args.bucket)};
  // Without subwords the bucket rows are never used, so only the word rows are kept.
  const std::size_t kept_rows = subwords.enabled() ? static_cast<std::size_t>(rows) : static_cast<std::size_t>(nwords);
  Matrix input(kept_rows, dim);
  const std::byte* source = reader.rest().data();
  if (input.size() > 0) std::memcpy(input.data(), source, input.size() * sizeof(float));
  for (std::size_t r = 0; r < kept_rows; ++r) {
    if (auto column = first_non_finite(input.row(r))) {
      std::string what = r < words.size() ? fmt::format("word \"{}\"", display_token(words[r]))
                                          : fmt::format("n-gram bucket {}", r - words.size());
      return make_error(ErrorCode::kCorrupt,
                        fmt::format("{}: at byte {}: input row {} ({}) has a non-finite value at position {}", name,
                                    reader.offset() + (r * dim + *column) * sizeof(float), r, what, *column));
    }
  }
  reader.skip(static_cast<std::size_t>(matrix_bytes));

  // Output matrix: read past it so that truncation and trailing garbage are still detected.
  SEMSPACE_TRY_READ(quantized_output, reader, std::uint8_t, "output quantization flag");
  if (quantized_output != 0) {
    return make_error(ErrorCode::kUnsupported,
                      fmt::format("{}: quantized fastText models (.ftz) are not supported; use the full .bin model", name));
  }
  SEMSPACE_TRY_READ(out_rows, reader, std::int64_t, "output matrix shape");
  SEMSPACE_TRY_READ(out_cols, reader, std::int64_t, "output matrix shape");
  if (out_rows < 0 || out_cols != args.dim) {
    return reader.corrupt(fmt::format("output matrix is {} x {}, expected dim {}", out_rows, out_cols, args.dim));
  }
  std::uint64_t out_bytes = 0;
  if (!checked_mul(static_cast<std::uint64_t>(out_rows), dim * sizeof(float), out_bytes) ||
      out_bytes > reader.remaining()) {
    return reader.truncated("output matrix", out_bytes);
  }
  reader.skip(static_cast<std::size_t>(out_bytes));
  if (reader.remaining() > 0) {
    return reader.corrupt(fmt::format("{} unexpected bytes after the output matrix", reader.remaining()));
  }
  return WordVectors(std::move(words), std::move(counts), std::move(input), subwords);
}

}  // namespace semspace::io
#undef SEMSPACE_TRY_READ
