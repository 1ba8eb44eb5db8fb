#include "io/native_model.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xxhash.h>

#include <cstring>

#include "io/vector_formats.hpp"
#include "io_test_util.hpp"

namespace semspace::io {
namespace {

using testing_util::bytes_of;
using testing_util::same_bits;
using ::testing::HasSubstr;

class NativeModelTest : public testing_util::TempDirTest {};

void expect_same_model(const WordVectors& a, const WordVectors& b) {
  EXPECT_EQ(a.words(), b.words());
  EXPECT_EQ(a.counts(), b.counts());
  EXPECT_EQ(a.subwords().minn, b.subwords().minn);
  EXPECT_EQ(a.subwords().maxn, b.subwords().maxn);
  EXPECT_EQ(a.subwords().buckets, b.subwords().buckets);
  EXPECT_TRUE(same_bits(a.input(), b.input()));
  EXPECT_TRUE(same_bits(a.words_matrix(), b.words_matrix()));
  EXPECT_EQ(a.fingerprint(), b.fingerprint());
}

TEST_F(NativeModelTest, RoundTripWithoutSubwords) {
  auto original = testing_util::random_vectors(1, 33, 5);
  ASSERT_TRUE(write_word_vectors(original, path("m.sem"), VectorFormat::kNative));
  EXPECT_FALSE(std::filesystem::exists(path("m.sem.tmp")));
  auto back = read_word_vectors(path("m.sem"));
  ASSERT_TRUE(back) << back.error().message;
  expect_same_model(original, *back);
  // Zero-copy: the matrix lives in the mapping at a 64-byte aligned offset.
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(back->input().data()) % 64, 0u);
}

TEST_F(NativeModelTest, RoundTripWithSubwordsAndCounts) {
  auto original =
      testing_util::random_vectors(2, 21, 6, /*with_counts=*/true, SubwordOptions{.minn = 2, .maxn = 4, .buckets = 50});
  ASSERT_TRUE(write_native_model(original, path("m.sem")));
  auto back = read_native_model(path("m.sem"));
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_TRUE(back->has_subwords());
  expect_same_model(original, *back);
  auto oov_a = original.vector("unseen");
  auto oov_b = back->vector("unseen");
  ASSERT_TRUE(oov_a && oov_b);
  EXPECT_EQ(*oov_a, *oov_b);
  // The in-memory reader copies and gives the same model.
  std::string content = testing_util::read_file(path("m.sem"));
  auto copied = read_word_vectors(bytes_of(content), "m.sem");
  ASSERT_TRUE(copied) << copied.error().message;
  expect_same_model(original, *copied);
}

TEST_F(NativeModelTest, MagicIsSniffedRegardlessOfExtension) {
  auto original = testing_util::random_vectors(3, 4, 2);
  ASSERT_TRUE(write_native_model(original, path("model.txt")));
  auto format = detect_vector_format(path("model.txt"));
  ASSERT_TRUE(format);
  EXPECT_EQ(*format, VectorFormat::kNative);
  auto back = read_word_vectors(path("model.txt"));
  ASSERT_TRUE(back) << back.error().message;
  expect_same_model(original, *back);
}

TEST_F(NativeModelTest, OverwritesAnExistingFile) {
  testing_util::write_file(path("m.sem"), "old content");
  auto original = testing_util::random_vectors(4, 3, 2);
  ASSERT_TRUE(write_native_model(original, path("m.sem")));
  auto back = read_native_model(path("m.sem"));
  ASSERT_TRUE(back) << back.error().message;
}

TEST_F(NativeModelTest, WriteIntoMissingDirectoryFails) {
  auto original = testing_util::random_vectors(4, 3, 2);
  auto status = write_native_model(original, path("no/such/dir/m.sem"));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kIo);
  EXPECT_THAT(status.error().message, HasSubstr("m.sem.tmp: cannot create"));
}

class NativeCorruptionTest : public NativeModelTest {
 protected:
  void SetUp() override {
    NativeModelTest::SetUp();
    auto original = testing_util::random_vectors(9, 12, 4, true, SubwordOptions{.minn = 1, .maxn = 3, .buckets = 8});
    ASSERT_TRUE(write_native_model(original, path("m.sem")));
    content_ = testing_util::read_file(path("m.sem"));
  }
  std::string read_error(const std::string& content) {
    testing_util::write_file(path("bad.sem"), content);
    auto result = read_native_model(path("bad.sem"));
    if (result) return "<no error>";
    return result.error().message;
  }
  std::string name() const { return path("bad.sem").string(); }
  void reseal(std::string& content) {
    std::uint64_t sum = XXH3_64bits(content.data(), content.size() - 8);
    std::memcpy(content.data() + content.size() - 8, &sum, 8);
  }
  std::string content_;
};

TEST_F(NativeCorruptionTest, Truncated) {
  EXPECT_EQ(read_error(content_.substr(0, content_.size() - 100)),
            fmt::format("{}: header describes {} bytes but the file has {} (truncated or corrupted)", name(),
                        content_.size(), content_.size() - 100));
  EXPECT_EQ(read_error(content_.substr(0, 50)),
            fmt::format("{}: file is 50 bytes, too small for a native model (at least 96)", name()));
  EXPECT_EQ(read_error(""), fmt::format("{}: file is empty", name()));
  for (std::size_t size = 0; size < content_.size(); ++size) {
    auto result = read_native_model(bytes_of(std::string_view(content_).substr(0, size)), "m.sem");
    EXPECT_FALSE(result) << "prefix of " << size << " bytes was accepted";
  }
}

TEST_F(NativeCorruptionTest, BitFlipAnywhereIsCaught) {
  std::string flipped = content_;
  flipped[content_.size() - 40] ^= 0x10;  // inside the matrix
  EXPECT_EQ(read_error(flipped), fmt::format("{}: checksum mismatch (file corrupted)", name()));
  for (std::size_t i = 0; i < content_.size(); ++i) {
    std::string copy = content_;
    copy[i] ^= 0x01;
    auto result = read_native_model(bytes_of(copy), "m.sem");
    EXPECT_FALSE(result) << "flip at byte " << i << " was accepted";
  }
}

TEST_F(NativeCorruptionTest, BadMagicAndVersion) {
  std::string bad = content_;
  bad[0] = 'X';
  EXPECT_EQ(read_error(bad), fmt::format("{}: not a semspace native model (bad magic)", name()));
  bad = content_;
  bad[8] = 2;
  auto result = read_native_model(bytes_of(bad), "m.sem");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(result.error().message, "m.sem: native format version 2 is not supported (only 1)");
}

TEST_F(NativeCorruptionTest, HeaderThatLiesAboutItsSizesWithAValidChecksum) {
  std::string lying = content_;
  std::uint64_t huge = 1000000000000ull;
  std::memcpy(lying.data() + 16, &huge, 8);  // vocab size
  reseal(lying);
  EXPECT_THAT(read_error(lying), HasSubstr(": header says 1000000000000 words but the vocabulary section holds only"));
  lying = content_;
  std::uint32_t dim = 5;
  std::memcpy(lying.data() + 12, &dim, 4);
  reseal(lying);
  EXPECT_THAT(read_error(lying), HasSubstr("matrix section is"));
  lying = content_;
  std::uint32_t flags = 6;
  std::memcpy(lying.data() + 36, &flags, 4);
  reseal(lying);
  EXPECT_EQ(read_error(lying), fmt::format("{}: unknown header flags 0x6", name()));
  lying = content_;
  std::uint64_t offset = 72;  // vocabulary starting inside the header
  std::memcpy(lying.data() + 40, &offset, 8);
  reseal(lying);
  EXPECT_THAT(read_error(lying), HasSubstr("section offsets out of order or misaligned"));
}

TEST_F(NativeModelTest, DuplicateWordWithValidChecksumIsRefused) {
  Matrix m(2, 1);
  WordVectors vectors({"ab", "cd"}, {}, std::move(m));
  ASSERT_TRUE(write_native_model(vectors, path("d.sem")));
  std::string content = testing_util::read_file(path("d.sem"));
  std::size_t at = content.find("cd");
  ASSERT_NE(at, std::string::npos);
  content.replace(at, 2, "ab");
  std::uint64_t sum = XXH3_64bits(content.data(), content.size() - 8);
  std::memcpy(content.data() + content.size() - 8, &sum, 8);
  auto result = read_native_model(bytes_of(content), "d.sem");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, "d.sem: at byte 94: duplicate word \"ab\" (word #2, first #1)");
}

}  // namespace
}  // namespace semspace::io
