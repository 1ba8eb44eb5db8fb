#include "io/glove_text.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/vector_formats.hpp"
#include "io_test_util.hpp"

namespace semspace::io {
namespace {

using testing_util::bytes_of;
using testing_util::same_bits;
using ::testing::HasSubstr;

class GloveTextTest : public testing_util::TempDirTest {};

std::string read_error(std::string_view content) {
  auto result = read_glove_text(bytes_of(content), "g.txt");
  if (result) return "<no error>";
  return result.error().message;
}

TEST_F(GloveTextTest, RoundTripIsBitExact) {
  auto original = testing_util::random_vectors(11, 40, 7);
  for (const char* name : {"g.glove.txt", "g.glove"}) {
    auto format = format_for_output_path(path(name));
    ASSERT_TRUE(format);
    ASSERT_EQ(*format, VectorFormat::kGloveText);
    ASSERT_TRUE(write_word_vectors(original, path(name), *format));
    auto detected = detect_vector_format(path(name));
    ASSERT_TRUE(detected) << detected.error().message;
    EXPECT_EQ(*detected, VectorFormat::kGloveText);
    auto back = read_word_vectors(path(name));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->words(), original.words());
    EXPECT_TRUE(same_bits(back->words_matrix(), original.words_matrix()));
  }
}

TEST_F(GloveTextTest, DimensionComesFromTheFirstLine) {
  auto vectors = read_glove_text(bytes_of("\nthe 0.1 0.2 0.3 0.4\r\n,  1 2 3 4   \n"), "g.txt");
  ASSERT_TRUE(vectors) << vectors.error().message;
  EXPECT_EQ(vectors->dim(), 4);
  ASSERT_EQ(vectors->size(), 2u);
  EXPECT_EQ(vectors->words()[1], ",");
}

TEST_F(GloveTextTest, Errors) {
  EXPECT_EQ(read_error(""), "g.txt: file is empty");
  EXPECT_EQ(read_error("\n \n"), "g.txt: file has no vectors");
  EXPECT_EQ(read_error("a\n"), "g.txt:1: expected values after word \"a\", found none");
  EXPECT_EQ(read_error("a 1 2 3\nb 1 2\n"), "g.txt:2: expected 3 floats after word \"b\", found 2");
  EXPECT_EQ(read_error("a 1 2 3\nb 1 2 3 4\n"), "g.txt:2: expected 3 floats after word \"b\", found 4");
  EXPECT_EQ(read_error("a 1\nb 1\na 2\n"), "g.txt:3: duplicate word \"a\" (first on line 1)");
  EXPECT_EQ(read_error("a 1\nx nan\n"), "g.txt:2: value \"nan\" for word \"x\" is not a finite number");
}

TEST_F(GloveTextTest, HundredMegabyteLine) {
  // 50 million values on one line exceed the largest dimension we accept.
  std::string content = "w";
  content.reserve(100u << 20);
  while (content.size() < (100u << 20)) content += " 0";
  content.push_back('\n');
  EXPECT_EQ(read_error(content), "g.txt:1: 52428800 values after word \"w\"; the maximum dimension is 1048576");
  // A long but acceptable line parses.
  std::string wide = "w";
  for (int i = 0; i < 200000; ++i) wide += " 0.125";
  auto vectors = read_glove_text(bytes_of(wide), "g.txt");
  ASSERT_TRUE(vectors) << vectors.error().message;
  EXPECT_EQ(vectors->dim(), 200000);
  EXPECT_EQ(vectors->vector(0)[199999], 0.125f);
}

}  // namespace
}  // namespace semspace::io
