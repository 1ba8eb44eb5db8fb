#include "io/word2vec_binary.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <limits>

#include "io/vector_formats.hpp"
#include "io_test_util.hpp"

namespace semspace::io {
namespace {

using testing_util::bytes_of;
using testing_util::same_bits;
using ::testing::HasSubstr;

class Word2VecBinaryTest : public testing_util::TempDirTest {};

std::string floats(std::initializer_list<float> values) {
  std::string out(values.size() * 4, '\0');
  std::memcpy(out.data(), std::data(values), out.size());
  return out;
}

std::string read_error(std::string_view content) {
  auto result = read_word2vec_binary(bytes_of(content), "w.bin");
  if (result) return "<no error>";
  return result.error().message;
}

TEST_F(Word2VecBinaryTest, RoundTripIsBitExact) {
  auto original = testing_util::random_vectors(5, 60, 9);
  auto format = format_for_output_path(path("m.bin"));
  ASSERT_TRUE(format);
  ASSERT_EQ(*format, VectorFormat::kWord2VecBinary);
  ASSERT_TRUE(write_word_vectors(original, path("m.bin"), *format));
  auto detected = detect_vector_format(path("m.bin"));
  ASSERT_TRUE(detected);
  EXPECT_EQ(*detected, VectorFormat::kWord2VecBinary);
  auto back = read_word_vectors(path("m.bin"));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->words(), original.words());
  EXPECT_TRUE(same_bits(back->words_matrix(), original.words_matrix()));
}

TEST_F(Word2VecBinaryTest, NewlineAfterVectorIsOptional) {
  std::string content = "2 2\nab " + floats({1, 2}) + "cd " + floats({3, 4});
  auto vectors = read_word2vec_binary(bytes_of(content), "w.bin");
  ASSERT_TRUE(vectors) << vectors.error().message;
  EXPECT_EQ(vectors->words()[1], "cd");
  EXPECT_EQ(vectors->vector(1)[1], 4.0f);
}

TEST_F(Word2VecBinaryTest, Errors) {
  EXPECT_EQ(read_error(""), "w.bin: file is empty");
  EXPECT_EQ(read_error("garbage"), "w.bin: expected a header line \"<count> <dim>\", found \"garbage\"");
  EXPECT_EQ(read_error("1 0\n"), "w.bin: header dimension 0 is outside 1..1048576");
  EXPECT_EQ(read_error("1000000000000 300\nab "),
            "w.bin: header says 1000000000000 words of dimension 300, but only 3 bytes follow (need at least "
            "1202000000000000)");
  // The first word is long enough that the size check passes and the second vector is cut short.
  std::string truncated = "2 3\n" + std::string(20, 'a') + " " + floats({1, 2, 3}) + "\nb " + floats({4});
  EXPECT_EQ(read_error(truncated),
            "w.bin: truncated at byte 40 while reading the vector of word \"b\" (need 12 bytes, 4 left)");
  std::string no_space = "2 1\n" + std::string(20, 'a') + " " + floats({1}) + "\nbbbbbbbb";
  EXPECT_EQ(read_error(no_space), "w.bin: truncated at byte 30 while reading word #2 of 2 (no terminating space)");
  EXPECT_EQ(read_error("2 1\nab " + floats({1}) + "\nab " + floats({2}) + "\n"),
            "w.bin: at byte 12: duplicate word \"ab\" (word #2, first #1)");
  EXPECT_EQ(read_error("1 1\nab " + floats({std::numeric_limits<float>::infinity()}) + "\n"),
            "w.bin: at byte 7: value inf at position 0 of word \"ab\" is not a finite number");
  EXPECT_EQ(read_error("1 1\nab " + floats({1}) + "\nextra " + floats({2})),
            "w.bin: at byte 12: 10 unexpected bytes after the 1 words the header announced");
  EXPECT_EQ(read_error("2 1\n " + floats({1}) + "\nab " + floats({2})), "w.bin: at byte 4: word #1 is empty");
}

TEST_F(Word2VecBinaryTest, EveryTruncationIsAnErrorNotACrash) {
  auto original = testing_util::random_vectors(2, 5, 3);
  ASSERT_TRUE(write_word_vectors(original, path("m.bin"), VectorFormat::kWord2VecBinary));
  std::string content = testing_util::read_file(path("m.bin"));
  for (std::size_t size = 0; size + 1 < content.size(); ++size) {
    auto result = read_word2vec_binary(bytes_of(std::string_view(content).substr(0, size)), "m.bin");
    EXPECT_FALSE(result) << "prefix of " << size << " bytes was accepted";
  }
}

}  // namespace
}  // namespace semspace::io
