// Checks our fastText .bin reader, including n-gram hashing, against the fastText CLI itself.
#include "io/fasttext_bin.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>

#include "io/vector_formats.hpp"
#include "io_test_util.hpp"

namespace semspace::io {
namespace {

using testing_util::bytes_of;
using ::testing::HasSubstr;

constexpr const char* kFastText = "/usr/bin/fasttext";

class FastTextBinTest : public testing_util::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    if (!std::filesystem::exists(kFastText)) GTEST_SKIP() << kFastText << " not found; install the fasttext package";
  }

  // A few hundred lines from a fixed vocabulary (with UTF-8 words), fixed seed.
  void write_corpus(const std::filesystem::path& file, bool labels) {
    const char* vocabulary[] = {"the", "cat", "sat", "on", "mat", "dog", "ran", "café", "naïve", "日本語",
                                "über", "a", "zebra", "quick", "brown", "fox", "jumps", "over", "lazy", "x"};
    std::mt19937 rng(1234);
    std::ostringstream out;
    for (int line = 0; line < 300; ++line) {
      if (labels) out << "__label__" << (line % 3) << ' ';
      int length = 5 + static_cast<int>(rng() % 10);
      for (int i = 0; i < length; ++i) out << (i ? " " : "") << vocabulary[rng() % 20];
      out << '\n';
    }
    testing_util::write_file(file, out.str());
  }

  int run(const std::string& command) {
    return std::system((command + " >" + path("log.txt").string() + " 2>&1").c_str());
  }

  // Trains the skipgram model of the brief and returns the path of its .bin.
  std::filesystem::path train_skipgram() {
    write_corpus(path("corpus.txt"), false);
    std::string command = std::string(kFastText) + " skipgram -input " + path("corpus.txt").string() + " -output " +
                          path("model").string() +
                          " -dim 8 -epoch 1 -minCount 1 -bucket 1000 -minn 2 -maxn 4 -thread 1";
    EXPECT_EQ(run(command), 0) << testing_util::read_file(path("log.txt"));
    return path("model.bin");
  }
};

TEST_F(FastTextBinTest, VectorsMatchFastTextForKnownAndUnknownWords) {
  auto model_path = train_skipgram();
  auto detected = detect_vector_format(model_path);
  ASSERT_TRUE(detected) << detected.error().message;
  EXPECT_EQ(*detected, VectorFormat::kFastTextBin);
  auto model = read_word_vectors(model_path);
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_EQ(model->dim(), 8);
  ASSERT_TRUE(model->has_subwords());
  EXPECT_EQ(model->subwords().minn, 2);
  EXPECT_EQ(model->subwords().maxn, 4);
  EXPECT_EQ(model->subwords().buckets, 1000u);
  EXPECT_EQ(model->input().rows(), model->size() + 1000);
  ASSERT_TRUE(model->has_counts());
  // fastText sorts by count, most frequent first.
  for (std::size_t i = 1; i < model->size(); ++i) EXPECT_GE(model->counts()[i - 1], model->counts()[i]);

  // "</s>" checks that the end-of-sentence token gets no n-grams, as in fastText.
  std::vector<std::string> queries = {"cat", "café", "naïve", "日本語", "x", "zebra", "</s>",  // in vocabulary
                                      "catz", "cafés", "日本", "unknownword", "qq", "Über"};  // unknown
  std::string stdin_text;
  for (const auto& q : queries) stdin_text += q + "\n";
  testing_util::write_file(path("queries.txt"), stdin_text);
  std::string command = std::string(kFastText) + " print-word-vectors " + model_path.string() + " <" +
                        path("queries.txt").string() + " >" + path("out.txt").string();
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::istringstream lines(testing_util::read_file(path("out.txt")));
  std::string line;
  std::size_t checked = 0;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string word;
    fields >> word;
    ASSERT_LT(checked, queries.size());
    ASSERT_EQ(word, queries[checked]);
    auto ours = model->vector(word);
    ASSERT_TRUE(ours) << ours.error().message;
    EXPECT_EQ(model->find(word).has_value(), checked < 7) << word;
    for (std::size_t c = 0; c < 8; ++c) {
      float theirs = 0;
      ASSERT_TRUE(fields >> theirs) << line;
      EXPECT_NEAR((*ours)[c], theirs, 1e-5) << word << " component " << c;
    }
    ++checked;
  }
  EXPECT_EQ(checked, queries.size());
}

TEST_F(FastTextBinTest, SupervisedModelKeepsWordsAndSkipsLabels) {
  write_corpus(path("labelled.txt"), true);
  std::string command = std::string(kFastText) + " supervised -input " + path("labelled.txt").string() +
                        " -output " + path("sup").string() + " -dim 4 -epoch 1 -minCount 1 -bucket 100 -thread 1";
  ASSERT_EQ(run(command), 0) << testing_util::read_file(path("log.txt"));
  auto model = read_word_vectors(path("sup.bin"));
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_EQ(model->dim(), 4);
  for (const auto& word : model->words()) EXPECT_EQ(word.find("__label__"), std::string::npos) << word;
  EXPECT_TRUE(model->find("cat").has_value());
  // Supervised models have no character n-grams by default (maxn 0), so only word rows are kept.
  EXPECT_FALSE(model->has_subwords());
  EXPECT_EQ(model->input().rows(), model->size());
}

TEST_F(FastTextBinTest, CorruptionGivesErrorsNotCrashes) {
  auto model_path = train_skipgram();
  std::string content = testing_util::read_file(model_path);
  auto model = read_fasttext_bin(bytes_of(content), "m.bin");
  ASSERT_TRUE(model) << model.error().message;

  // Every prefix is refused; a cut inside the input matrix names it.
  for (std::size_t size = 0; size < content.size(); size += (size < 400 ? 1 : 97)) {
    auto result = read_fasttext_bin(bytes_of(std::string_view(content).substr(0, size)), "m.bin");
    EXPECT_FALSE(result) << "prefix of " << size << " bytes was accepted";
  }
  // Layout: magic+version (8), args (56), dictionary header (28), entries, no prune index, quant flag.
  std::size_t quant_offset = 8 + 56 + 28;
  for (const auto& w : model->words()) quant_offset += w.size() + 1 + 8 + 1;
  const std::size_t matrix_offset = quant_offset + 1 + 16;
  auto cut = content.substr(0, matrix_offset + 100);
  auto truncated = read_fasttext_bin(bytes_of(cut), "m.bin");
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().message,
            fmt::format("m.bin: truncated at byte {} while reading input matrix (need {} bytes, 100 left)",
                        matrix_offset, (model->size() + 1000) * 8 * 4));

  std::string quantized = content;
  quantized[quant_offset] = 1;
  auto q = read_fasttext_bin(bytes_of(quantized), "m.ftz");
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, ErrorCode::kUnsupported);
  EXPECT_EQ(q.error().message, "m.ftz: quantized fastText models (.ftz) are not supported; use the full .bin model");

  std::string version = content;
  version[4] = 11;
  auto v = read_fasttext_bin(bytes_of(version), "m.bin");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().message, "m.bin: fastText model version 11 is not supported (only 12)");

  std::string huge_dictionary = content;
  std::int32_t big = 2000000000;
  std::memcpy(huge_dictionary.data() + 64, &big, 4);
  std::memcpy(huge_dictionary.data() + 68, &big, 4);
  auto h = read_fasttext_bin(bytes_of(huge_dictionary), "m.bin");
  ASSERT_FALSE(h);
  EXPECT_THAT(h.error().message, HasSubstr("m.bin: truncated at byte 92 while reading dictionary of 2000000000 entries"));

  std::string extra = content + "xyz";
  auto e = read_fasttext_bin(bytes_of(extra), "m.bin");
  ASSERT_FALSE(e);
  EXPECT_THAT(e.error().message, HasSubstr("3 unexpected bytes after the output matrix"));

  // Single bit flips anywhere (no checksum in fastText's format): any result, but no crash.
  for (std::size_t i = 0; i < std::min<std::size_t>(content.size(), 2000); ++i) {
    std::string copy = content;
    copy[i] ^= 0x40;
    (void)read_fasttext_bin(bytes_of(copy), "m.bin");
  }
}

}  // namespace
}  // namespace semspace::io
