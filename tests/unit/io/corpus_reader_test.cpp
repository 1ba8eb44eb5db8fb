#include "io/corpus_reader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "prepare/text/utf8.hpp"

namespace semspace {
namespace {

namespace fs = std::filesystem;

// One gzip member holding `text` (deflate with the gzip wrapper: windowBits 16 + 15).
std::string gzip_member(std::string_view text) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(text.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

struct Read {
  std::vector<std::string> lines;
  std::vector<bool> continues;
  std::vector<std::uint64_t> line_numbers;
  Status status;
};

class LineReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("semspace_line_reader_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& name, std::string_view bytes) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
  }

  static Read read_all(const fs::path& path, LineReaderOptions options = {}) {
    auto reader = LineReader::open(path, options);
    EXPECT_TRUE(reader) << (reader ? "" : reader.error().message);
    Read result;
    if (!reader) return result;
    std::string_view line;
    while (reader->next(line)) {
      result.lines.emplace_back(line);
      result.continues.push_back(reader->continues());
      result.line_numbers.push_back(reader->line_number());
    }
    result.status = reader->status();
    return result;
  }

  // Joins pieces back into lines: what a caller that wants whole lines would do.
  static std::vector<std::string> reassemble(const Read& read) {
    std::vector<std::string> lines;
    bool open = false;
    for (std::size_t i = 0; i < read.lines.size(); ++i) {
      if (!open) lines.emplace_back();
      lines.back() += read.lines[i];
      open = read.continues[i];
    }
    return lines;
  }

  fs::path dir_;
};

using Lines = std::vector<std::string>;

TEST_F(LineReaderTest, PlainLinesCrlfAndLastLineWithoutNewline) {
  const auto read = read_all(write("a.txt", "first\r\nsecond\n\nfourth\rstill\nlast"));
  ASSERT_TRUE(read.status);
  EXPECT_EQ(read.lines, (Lines{"first", "second", "", "fourth\rstill", "last"}));
  EXPECT_EQ(read.line_numbers, (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
}

TEST_F(LineReaderTest, TrailingNewlineGivesNoEmptyLastLine) {
  EXPECT_EQ(read_all(write("a.txt", "a\nb\n")).lines, (Lines{"a", "b"}));
  EXPECT_EQ(read_all(write("b.txt", "\n")).lines, (Lines{""}));
  EXPECT_EQ(read_all(write("c.txt", "x\r\n")).lines, (Lines{"x"}));
}

TEST_F(LineReaderTest, EmptyFile) {
  const auto path = write("empty.txt", "");
  auto reader = LineReader::open(path);
  ASSERT_TRUE(reader);
  std::string_view line;
  EXPECT_FALSE(reader->next(line));
  EXPECT_TRUE(reader->status());
  EXPECT_EQ(reader->line_number(), 0u);
  EXPECT_EQ(reader->file_size(), 0u);
  EXPECT_FALSE(reader->compressed());
}

TEST_F(LineReaderTest, GzipIsDetectedByContentNotName) {
  const auto read = read_all(write("corpus.txt", gzip_member("alpha\r\nbeta\ngamma")));
  ASSERT_TRUE(read.status);
  EXPECT_EQ(read.lines, (Lines{"alpha", "beta", "gamma"}));
  // A .gz name on plain text is read as plain text.
  EXPECT_EQ(read_all(write("plain.gz", "x\ny\n")).lines, (Lines{"x", "y"}));
}

TEST_F(LineReaderTest, GzipWithSeveralMembersIsOneStream) {
  const auto path = write("multi.gz", gzip_member("one\ntw") + gzip_member("o\nthree\n") + gzip_member("") +
                                          gzip_member("four"));
  const auto read = read_all(path);
  ASSERT_TRUE(read.status);
  EXPECT_EQ(read.lines, (Lines{"one", "two", "three", "four"}));
}

TEST_F(LineReaderTest, LargeGzipAcrossManyBuffersAndProgress) {
  std::string text;
  std::mt19937_64 rng(2);
  Lines expected;
  while (text.size() < (std::size_t{6} << 20)) {
    std::string line = "line " + std::to_string(expected.size()) + " " + std::to_string(rng());
    text += line + "\n";
    expected.push_back(std::move(line));
  }
  const std::string compressed = gzip_member(text);
  const auto path = write("big.gz", compressed);
  auto reader = LineReader::open(path);
  ASSERT_TRUE(reader);
  EXPECT_TRUE(reader->compressed());
  EXPECT_EQ(reader->file_size(), compressed.size());
  std::string_view line;
  std::size_t index = 0;
  double last_fraction = 0;
  while (reader->next(line)) {
    ASSERT_LT(index, expected.size());
    ASSERT_EQ(line, expected[index]) << index;
    ASSERT_GE(reader->fraction_read(), last_fraction);
    last_fraction = reader->fraction_read();
    ++index;
  }
  EXPECT_TRUE(reader->status());
  EXPECT_EQ(index, expected.size());
  EXPECT_EQ(reader->bytes_read(), text.size());
  EXPECT_DOUBLE_EQ(reader->fraction_read(), 1.0);
}

TEST_F(LineReaderTest, PlainProgressAndBytes) {
  const auto path = write("p.txt", "abc\ndef\n");
  auto reader = LineReader::open(path);
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->file_size(), 8u);
  std::string_view line;
  ASSERT_TRUE(reader->next(line));
  EXPECT_EQ(reader->bytes_read(), 4u);
  EXPECT_DOUBLE_EQ(reader->fraction_read(), 0.5);
  ASSERT_TRUE(reader->next(line));
  EXPECT_DOUBLE_EQ(reader->fraction_read(), 1.0);
}

TEST_F(LineReaderTest, TruncatedGzipReportsFileAndLine) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "some line number " + std::to_string(i) + "\n";
  const std::string compressed = gzip_member(text);
  const auto path = write("cut.gz", compressed.substr(0, compressed.size() / 2));
  const auto read = read_all(path);
  ASSERT_FALSE(read.status);
  EXPECT_EQ(read.status.error().code, ErrorCode::kCorrupt);
  const std::string expected_prefix = path.string() + ":" + std::to_string(read.lines.size() + 1) + ": gzip";
  EXPECT_EQ(read.status.error().message.rfind(expected_prefix, 0), 0u) << read.status.error().message;
  EXPECT_NE(read.status.error().message.find("truncated"), std::string::npos);
  ASSERT_GT(read.lines.size(), 100u);  // every complete line before the cut was delivered
  for (std::size_t i = 0; i < read.lines.size(); ++i) ASSERT_EQ(read.lines[i], "some line number " + std::to_string(i));
}

TEST_F(LineReaderTest, CorruptGzipAndTrailingGarbageAreErrors) {
  std::string compressed = gzip_member("hello\nworld\n");
  std::string corrupt = compressed;
  corrupt[12] = static_cast<char>(corrupt[12] ^ 0x55);
  const auto bad = read_all(write("bad.gz", corrupt));
  EXPECT_FALSE(bad.status);
  const auto trailing = read_all(write("trailing.gz", compressed + "not gzip"));
  ASSERT_FALSE(trailing.status);
  EXPECT_NE(trailing.status.error().message.find("trailing.gz:3: gzip data is corrupt"), std::string::npos)
      << trailing.status.error().message;
  EXPECT_EQ(trailing.lines, (Lines{"hello", "world"}));
}

TEST_F(LineReaderTest, OpenErrorsNameThePath) {
  auto missing = LineReader::open(dir_ / "missing.txt");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
  EXPECT_NE(missing.error().message.find("missing.txt"), std::string::npos);
  EXPECT_NE(missing.error().message.find("No such file"), std::string::npos);
  auto directory = LineReader::open(dir_);
  ASSERT_FALSE(directory);
  EXPECT_NE(directory.error().message.find("directory"), std::string::npos);
  auto options = LineReader::open(write("x.txt", "x"), {.max_line_bytes = 3});
  ASSERT_FALSE(options);
  EXPECT_EQ(options.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(options.error().message.find("max_line_bytes"), std::string::npos);
}

TEST_F(LineReaderTest, ThirtyMegabyteLineComesInBoundedPiecesCutAtWhitespace) {
  std::string line;
  std::mt19937_64 rng(4);
  while (line.size() < (std::size_t{30} << 20)) {
    line.append(1 + rng() % 12, static_cast<char>('a' + rng() % 26));
    line.push_back(rng() % 5 == 0 ? '\t' : ' ');
  }
  line += "end";
  const auto read = read_all(write("long.txt", line + "\nnext\n"));
  ASSERT_TRUE(read.status);
  ASSERT_GE(read.lines.size(), 31u);
  const std::size_t max = LineReaderOptions{}.max_line_bytes;
  for (std::size_t i = 0; i + 1 < read.lines.size(); ++i) {
    ASSERT_LE(read.lines[i].size(), max);
    ASSERT_EQ(read.line_numbers[i], 1u);
    if (i + 2 < read.lines.size()) {
      ASSERT_TRUE(read.continues[i]);
      ASSERT_GT(read.lines[i].size(), max - 20);  // cut at the last whitespace, which is near the end
      const char last = read.lines[i].back();
      ASSERT_TRUE(last == ' ' || last == '\t') << "piece " << i << " splits a word";
    }
  }
  EXPECT_EQ(reassemble(read), (Lines{line, "next"}));
  EXPECT_EQ(read.line_numbers.back(), 2u);
  EXPECT_FALSE(read.continues.back());
}

TEST_F(LineReaderTest, LongLineWithoutWhitespaceIsCutOnCharacterBoundaries) {
  std::string line;
  while (line.size() < (std::size_t{3} << 20)) line += "é中😀x";
  const auto read = read_all(write("nospace.txt", line), {.max_line_bytes = 1000});
  ASSERT_TRUE(read.status);
  for (std::size_t i = 0; i < read.lines.size(); ++i) {
    ASSERT_LE(read.lines[i].size(), 1000u);
    ASSERT_GE(read.lines[i].size(), 997u * (i + 1 < read.lines.size()));
    ASSERT_TRUE(is_valid_utf8(read.lines[i])) << "piece " << i;
  }
  EXPECT_EQ(reassemble(read), (Lines{line}));
}

// Property: with any max_line_bytes, plain or gzip, the pieces reassemble to the lines of the input.
TEST_F(LineReaderTest, RandomInputsReassembleExactly) {
  std::mt19937_64 rng(8);
  const std::string alphabet = "ab \n\r\t\xC3\xA9";
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const std::size_t length = rng() % 3000;
    for (std::size_t i = 0; i < length; ++i) text.push_back(alphabet[rng() % alphabet.size()]);
    Lines expected;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t newline = text.find('\n', start);
      std::string line = text.substr(start, newline == std::string::npos ? std::string::npos : newline - start);
      if (newline != std::string::npos && !line.empty() && line.back() == '\r') line.pop_back();
      expected.push_back(line);
      if (newline == std::string::npos) break;
      start = newline + 1;
    }
    const std::size_t max = 4 + rng() % 40;
    const bool gzip = rng() % 2;
    const auto read = read_all(write("r.txt", gzip ? gzip_member(text) : text), {.max_line_bytes = max});
    ASSERT_TRUE(read.status);
    for (const auto& piece : read.lines) ASSERT_LE(piece.size(), max);
    ASSERT_EQ(reassemble(read), expected) << ::testing::PrintToString(text) << " max " << max << " gzip " << gzip;
  }
}

}  // namespace
}  // namespace semspace
