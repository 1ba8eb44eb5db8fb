// Fine-tuning examples from JSONL, CSV and TSV: the sentence-transformers field names, RFC 4180 quoting, and errors
// that name the line and the field.
#include "io/training_records.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace semspace::io {
namespace {

using ::testing::HasSubstr;

std::vector<TrainingRecord> parse_ok(std::string_view text, RecordKind kind, RecordFormat format) {
  auto records = parse_training_records(text, "f", kind, format);
  EXPECT_TRUE(records) << records.error().message;
  return records ? *records : std::vector<TrainingRecord>{};
}

std::string parse_error(std::string_view text, RecordKind kind, RecordFormat format) {
  auto records = parse_training_records(text, "f", kind, format);
  EXPECT_FALSE(records);
  return records ? "" : records.error().message;
}

TEST(TrainingRecords, JsonlWithEachKindsFieldNames) {
  auto pairs = parse_ok("{\"anchor\": \"a\", \"positive\": \"b\"}\n\n{\"sentence1\": \"c\", \"sentence2\": \"d\"}\n",
                        RecordKind::kPair, RecordFormat::kJsonl);
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[1].texts, (std::vector<std::string>{"c", "d"}));
  auto triplets = parse_ok(R"({"anchor": "a", "positive": "b", "negative": "c", "extra": 1})", RecordKind::kTriplet,
                           RecordFormat::kJsonl);
  ASSERT_EQ(triplets.size(), 1u);
  EXPECT_EQ(triplets[0].texts, (std::vector<std::string>{"a", "b", "c"}));
  auto labelled = parse_ok("{\"text\": \"x\", \"label\": 3}\n{\"text\": \"y\", \"label\": \"sports\"}",
                           RecordKind::kLabelled, RecordFormat::kJsonl);
  ASSERT_EQ(labelled.size(), 2u);
  EXPECT_EQ(labelled[0].label, "3");
  EXPECT_EQ(labelled[1].label, "sports");
  auto scored = parse_ok(R"({"sentence1": "a", "sentence2": "b", "score": 0.75})", RecordKind::kScoredPair,
                         RecordFormat::kJsonl);
  ASSERT_EQ(scored.size(), 1u);
  EXPECT_DOUBLE_EQ(scored[0].score, 0.75);
}

TEST(TrainingRecords, CsvQuotingAndTsv) {
  auto csv = parse_ok("score,sentence1,sentence2\r\n0.5,\"a, \"\"quoted\"\"\",\"two\nlines\"\n1,x,y\n",
                      RecordKind::kScoredPair, RecordFormat::kCsv);
  ASSERT_EQ(csv.size(), 2u);
  EXPECT_EQ(csv[0].texts, (std::vector<std::string>{"a, \"quoted\"", "two\nlines"}));
  EXPECT_DOUBLE_EQ(csv[0].score, 0.5);
  EXPECT_EQ(csv[1].texts, (std::vector<std::string>{"x", "y"}));
  auto tsv = parse_ok("text\tlabel\nsome \"text\"\tA\n", RecordKind::kLabelled, RecordFormat::kTsv);
  ASSERT_EQ(tsv.size(), 1u);
  EXPECT_EQ(tsv[0].texts[0], "some \"text\"");
  EXPECT_EQ(tsv[0].label, "A");
}

TEST(TrainingRecords, ErrorsNameLineAndField) {
  EXPECT_THAT(parse_error("{\"anchor\": \"a\", \"positive\": \"b\"}\n{\"anchor\": \"a\"}\n", RecordKind::kPair,
                          RecordFormat::kJsonl),
              HasSubstr("f:2: needs a string field \"positive\""));
  EXPECT_THAT(parse_error("[1]\n", RecordKind::kPair, RecordFormat::kJsonl), HasSubstr("f:1: not a JSON object"));
  EXPECT_THAT(parse_error(R"({"text1": "a", "text2": "b", "score": "high"})", RecordKind::kScoredPair,
                          RecordFormat::kJsonl),
              HasSubstr("\"score\" (a finite number)"));
  EXPECT_THAT(parse_error("anchor,positive\na\n", RecordKind::kPair, RecordFormat::kCsv),
              HasSubstr("f:2: 1 cells, the header has 2"));
  EXPECT_THAT(parse_error("anchor,negative\na,b\n", RecordKind::kPair, RecordFormat::kCsv),
              HasSubstr("f:1: the header has no column \"positive\""));
  EXPECT_THAT(parse_error("anchor,positive\n\"a,b\n", RecordKind::kPair, RecordFormat::kCsv),
              HasSubstr("f:2: a quoted CSV field is never closed"));
  EXPECT_THAT(parse_error("anchor,positive\na\"b,c\n", RecordKind::kPair, RecordFormat::kCsv),
              HasSubstr("f:2: a quote inside an unquoted"));
  EXPECT_THAT(parse_error("score,text1,text2\nnan,a,b\n", RecordKind::kScoredPair, RecordFormat::kCsv),
              HasSubstr("score \"nan\" is not a finite number"));
  EXPECT_THAT(parse_error("\n\n", RecordKind::kPair, RecordFormat::kJsonl), HasSubstr("no training records"));
  EXPECT_FALSE(record_format_of("data.parquet"));
  EXPECT_EQ(*record_format_of("x.tsv"), RecordFormat::kTsv);
}

}  // namespace
}  // namespace semspace::io
