#include "io/vector_formats.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io_test_util.hpp"

namespace semspace::io {
namespace {

using testing_util::bytes_of;
using ::testing::HasSubstr;

class VectorFormatsTest : public testing_util::TempDirTest {};

TEST(VectorFormatNames, RoundTrip) {
  for (auto format : {VectorFormat::kNative, VectorFormat::kWord2VecText, VectorFormat::kWord2VecBinary,
                      VectorFormat::kGloveText, VectorFormat::kFastTextVec, VectorFormat::kFastTextBin}) {
    auto parsed = parse_vector_format_name(vector_format_name(format));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, format);
  }
  EXPECT_EQ(*parse_vector_format_name("word2vec-bin"), VectorFormat::kWord2VecBinary);
  auto bad = parse_vector_format_name("gguf");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message,
            "unknown vector format \"gguf\" (expected native, word2vec, word2vec-bin, glove, vec or fasttext-bin)");
}

TEST(VectorFormatOutput, ByExtension) {
  EXPECT_EQ(*format_for_output_path("a/m.sem"), VectorFormat::kNative);
  EXPECT_EQ(*format_for_output_path("m.bin"), VectorFormat::kWord2VecBinary);
  EXPECT_EQ(*format_for_output_path("m.vec"), VectorFormat::kFastTextVec);
  EXPECT_EQ(*format_for_output_path("m.txt"), VectorFormat::kWord2VecText);
  EXPECT_EQ(*format_for_output_path("m.TXT"), VectorFormat::kWord2VecText);
  EXPECT_EQ(*format_for_output_path("m.glove"), VectorFormat::kGloveText);
  EXPECT_EQ(*format_for_output_path("m.glove.txt"), VectorFormat::kGloveText);
  auto bad = format_for_output_path("m.csv");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("m.csv: cannot choose an output format for extension \".csv\""));
}

TEST(VectorFormatDetect, InMemory) {
  EXPECT_EQ(*detect_vector_format(bytes_of("2 3\na 1 2 3\n"), "v.txt"), VectorFormat::kWord2VecText);
  EXPECT_EQ(*detect_vector_format(bytes_of("2 3\r\na 1 2 3\n"), "v.txt"), VectorFormat::kWord2VecText);
  EXPECT_EQ(*detect_vector_format(bytes_of("a 1 2 3\n"), "v.txt"), VectorFormat::kGloveText);
  EXPECT_EQ(*detect_vector_format(bytes_of("1 2 3\n"), "v.txt"), VectorFormat::kGloveText);
  EXPECT_EQ(*detect_vector_format(bytes_of("2 3\n"), "v.vec"), VectorFormat::kFastTextVec);
  EXPECT_EQ(*detect_vector_format(bytes_of("2 3\nab "), "v.bin"), VectorFormat::kWord2VecBinary);
  EXPECT_EQ(*detect_vector_format(bytes_of("\xba\x16\x4f\x2f\x0c\x00\x00\x00"), "v.bin"), VectorFormat::kFastTextBin);
  EXPECT_EQ(*detect_vector_format(bytes_of("\xba\x16\x4f\x2f"), "model"), VectorFormat::kFastTextBin);
  EXPECT_EQ(*detect_vector_format(bytes_of("SEMSPACE...."), "model.vec"), VectorFormat::kNative);
  EXPECT_EQ(*detect_vector_format(bytes_of(""), "model.sem"), VectorFormat::kNative);
  auto unknown = detect_vector_format(bytes_of("2 3\n"), "vectors.dat");
  ASSERT_FALSE(unknown);
  EXPECT_THAT(unknown.error().message, HasSubstr("vectors.dat: cannot tell the vector format from the extension"));
}

TEST_F(VectorFormatsTest, DetectOnFilesAndMissingFile) {
  testing_util::write_file(path("w.txt"), "1 2\nx 1 2\n");
  testing_util::write_file(path("g.txt"), "x 1 2\n");
  EXPECT_EQ(*detect_vector_format(path("w.txt")), VectorFormat::kWord2VecText);
  EXPECT_EQ(*detect_vector_format(path("g.txt")), VectorFormat::kGloveText);
  auto missing = detect_vector_format(path("none.txt"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
  auto read_missing = read_word_vectors(path("none.txt"));
  ASSERT_FALSE(read_missing);
  EXPECT_THAT(read_missing.error().message, HasSubstr("none.txt: cannot open: No such file or directory"));
  auto empty_name = path("empty.txt");
  testing_util::write_file(empty_name, "");
  auto empty = read_word_vectors(empty_name);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, empty_name.string() + ": file is empty");
}

TEST_F(VectorFormatsTest, ExplicitFormatOverridesDetection) {
  testing_util::write_file(path("w.data"), "1 2\nx 1 2\n");
  auto vectors = read_word_vectors(path("w.data"), VectorFormat::kWord2VecText);
  ASSERT_TRUE(vectors) << vectors.error().message;
  EXPECT_EQ(vectors->size(), 1u);
  auto as_glove = read_word_vectors(path("w.data"), VectorFormat::kGloveText);
  ASSERT_FALSE(as_glove);
  EXPECT_EQ(as_glove.error().message, path("w.data").string() + ":2: expected 1 floats after word \"x\", found 2");
}

TEST_F(VectorFormatsTest, FastTextBinIsNotWritable) {
  auto vectors = testing_util::random_vectors(1, 2, 2);
  auto status = write_word_vectors(vectors, path("m.bin"), VectorFormat::kFastTextBin);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kUnsupported);
  EXPECT_FALSE(std::filesystem::exists(path("m.bin")));
}

TEST_F(VectorFormatsTest, EveryWritableFormatRoundTripsThroughTheGenericApi) {
  auto original = testing_util::random_vectors(42, 25, 3, true);
  for (const char* name : {"m.sem", "m.bin", "m.vec", "m.txt", "m.glove.txt"}) {
    auto format = format_for_output_path(path(name));
    ASSERT_TRUE(format);
    ASSERT_TRUE(write_word_vectors(original, path(name), *format)) << name;
    auto back = read_word_vectors(path(name));
    ASSERT_TRUE(back) << name << ": " << back.error().message;
    EXPECT_EQ(back->words(), original.words()) << name;
    EXPECT_TRUE(testing_util::same_bits(back->words_matrix(), original.words_matrix())) << name;
    EXPECT_EQ(back->has_counts(), *format == VectorFormat::kNative) << name;
  }
}

}  // namespace
}  // namespace semspace::io
