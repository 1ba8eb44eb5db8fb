#include "io/word2vec_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/glove_text.hpp"
#include "io/vector_formats.hpp"
#include "io_test_util.hpp"

namespace semspace::io {
namespace {

using testing_util::bytes_of;
using testing_util::same_bits;
using ::testing::HasSubstr;

class Word2VecTextTest : public testing_util::TempDirTest {};

std::string read_error(std::string_view content, std::string_view name = "v.txt") {
  auto result = read_word2vec_text(bytes_of(content), name);
  if (result) return "<no error>";
  return result.error().message;
}

TEST_F(Word2VecTextTest, RoundTripIsBitExact) {
  auto original = testing_util::random_vectors(7, 50, 13);
  for (auto format : {VectorFormat::kWord2VecText, VectorFormat::kFastTextVec}) {
    auto file = path(format == VectorFormat::kFastTextVec ? "v.vec" : "v.txt");
    ASSERT_TRUE(write_word_vectors(original, file, format)) << vector_format_name(format);
    auto back = read_word_vectors(file);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->words(), original.words());
    EXPECT_FALSE(back->has_counts());
    EXPECT_TRUE(same_bits(back->words_matrix(), original.words_matrix()));
    EXPECT_FALSE(std::filesystem::exists(file.string() + ".tmp"));
  }
}

TEST_F(Word2VecTextTest, SubwordModelWritesAveragedWordVectors) {
  auto original = testing_util::random_vectors(3, 10, 4, true, SubwordOptions{.minn = 2, .maxn = 3, .buckets = 20});
  ASSERT_TRUE(write_word_vectors(original, path("s.txt"), VectorFormat::kWord2VecText));
  auto back = read_word_vectors(path("s.txt"));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_FALSE(back->has_subwords());
  EXPECT_TRUE(same_bits(back->words_matrix(), original.words_matrix()));
}

TEST_F(Word2VecTextTest, ToleratesTrailingSpacesCrlfAndBlankLines) {
  auto vectors = read_word2vec_text(bytes_of("2 3 \r\nfoo 1 2 3 \r\n\r\nbär\t4 5e-1 +6\r\n"), "v.txt");
  ASSERT_TRUE(vectors) << vectors.error().message;
  ASSERT_EQ(vectors->size(), 2u);
  EXPECT_EQ(vectors->words()[1], "bär");
  EXPECT_EQ(vectors->vector(1)[1], 0.5f);
  EXPECT_EQ(vectors->vector(1)[2], 6.0f);
}

TEST_F(Word2VecTextTest, FileWithoutFinalNewline) {
  auto vectors = read_word2vec_text(bytes_of("1 2\nx 1 2"), "v.txt");
  ASSERT_TRUE(vectors) << vectors.error().message;
  EXPECT_EQ(vectors->vector(0)[1], 2.0f);
}

TEST_F(Word2VecTextTest, UnderflowingValueBecomesZeroOrSubnormal) {
  auto vectors = read_word2vec_text(bytes_of("1 2\nx 1e-50 1e-40\n"), "v.txt");
  ASSERT_TRUE(vectors) << vectors.error().message;
  EXPECT_EQ(vectors->vector(0)[0], 0.0f);
  EXPECT_EQ(vectors->vector(0)[1], 1e-40f);
}

TEST_F(Word2VecTextTest, Errors) {
  EXPECT_EQ(read_error(""), "v.txt: file is empty");
  EXPECT_EQ(read_error("hello world\n"), "v.txt:1: expected a header \"<count> <dim>\", found \"hello world\"");
  EXPECT_EQ(read_error("2\n"), "v.txt:1: expected a header \"<count> <dim>\", found \"2\"");
  EXPECT_EQ(read_error("1 0\nx\n"), "v.txt:1: dimension 0 is outside 1..1048576");
  EXPECT_EQ(read_error("2 3\nx 1 2 3\nlisbon 1 2\n"), "v.txt:3: expected 3 floats after word \"lisbon\", found 2");
  EXPECT_EQ(read_error("2 3\nx 1 2 3\nlisbon 1 2 3 4 5\n"), "v.txt:3: expected 3 floats after word \"lisbon\", found 5");
  EXPECT_EQ(read_error("1 2\nx nan 1\n"), "v.txt:2: value \"nan\" for word \"x\" is not a finite number");
  EXPECT_EQ(read_error("1 2\nx 1 -inf\n"), "v.txt:2: value \"-inf\" for word \"x\" is not a finite number");
  EXPECT_EQ(read_error("1 2\nx 1 1e999\n"), "v.txt:2: value \"1e999\" for word \"x\" is out of float range");
  EXPECT_EQ(read_error("1 2\nx 1 abc\n"), "v.txt:2: value \"abc\" for word \"x\" is not a number");
  EXPECT_EQ(read_error("1 2\nx 1 0x10\n"), "v.txt:2: value \"0x10\" for word \"x\" is not a number");
  EXPECT_EQ(read_error("3 1\nx 1\ny 2\nx 3\n"), "v.txt:4: duplicate word \"x\" (first on line 2)");
  EXPECT_EQ(read_error("3 2\naaaa 1 2\nbbbb 3 4\n"), "v.txt: header says 3 words, but the file ends after 2 (line 3)");
  EXPECT_EQ(read_error("1 2\na 1 2\nb 3 4\n"), "v.txt:3: header says 1 words, but more lines follow");
}

TEST_F(Word2VecTextTest, HeaderClaimingHugeSizesFailsFast) {
  EXPECT_EQ(read_error("1000000000000 300\na 1\n"),
            "v.txt:1: header says 1000000000000 words of dimension 300, but only 4 bytes follow (need at least "
            "601000000000000)");
  EXPECT_THAT(read_error("18446744073709551615 1048576\na 1\n"), HasSubstr("need at least more than 2^64"));
  EXPECT_EQ(read_error("1 99999999\na 1\n"), "v.txt:1: dimension 99999999 is outside 1..1048576");
}

TEST_F(Word2VecTextTest, HundredMegabyteLineGivesAnErrorNotACrash) {
  std::string content = "1 3\n";
  content.append(100u << 20, 'a');
  content.push_back('\n');
  EXPECT_EQ(read_error(content),
            "v.txt:2: expected 3 floats after word \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...(104857600 bytes)\", "
            "found 0");
}

TEST_F(Word2VecTextTest, WriterRefusesWordsWithWhitespace) {
  Matrix m(1, 2);
  WordVectors vectors({"new york"}, {}, std::move(m));
  auto status = write_word_vectors(vectors, path("w.txt"), VectorFormat::kWord2VecText);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(status.error().message, HasSubstr("word #1 \"new york\" is empty or contains whitespace"));
  EXPECT_FALSE(std::filesystem::exists(path("w.txt")));
}

TEST_F(Word2VecTextTest, WriterRefusesNonFiniteValues) {
  Matrix m(1, 2);
  m.row(0)[1] = std::numeric_limits<float>::quiet_NaN();
  WordVectors vectors({"x"}, {}, std::move(m));
  auto status = write_word_vectors(vectors, path("w.txt"), VectorFormat::kWord2VecText);
  ASSERT_FALSE(status);
  EXPECT_THAT(status.error().message, HasSubstr("value nan at position 1 of word \"x\" is not a finite number"));
}

}  // namespace
}  // namespace semspace::io
