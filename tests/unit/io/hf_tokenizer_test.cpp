#include "io/hf_tokenizer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io_test_util.hpp"
#include "support/python_reference.hpp"

namespace semspace::io {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using Ids = std::vector<std::int32_t>;
using testing_util::write_file;

fs::path data_dir() { return fs::path(SEMSPACE_SOURCE_DIR) / "tests" / "data" / "tokenizer"; }

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Lines split on '\n' only (the reference does the same), so CR, VT and FF stay inside their lines.
std::vector<std::string> tricky_lines() {
  std::vector<std::string> lines;
  std::string text = read_text(data_dir() / "tricky.txt");
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::vector<Ids> read_id_lines(const fs::path& path) {
  std::vector<Ids> rows;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    Ids ids;
    std::int32_t id;
    while (fields >> id) ids.push_back(id);
    rows.push_back(std::move(ids));
  }
  return rows;
}

struct Variant {
  const char* name;
  bool lowercase = true;
  std::optional<bool> strip_accents = std::nullopt;
  bool chinese = true;
  std::size_t max_length = 512;
  bool pair = false;
};

std::ostream& operator<<(std::ostream& out, const Variant& v) { return out << v.name; }

Json strip_json(const std::optional<bool>& strip) { return strip ? Json(*strip) : Json(nullptr); }

// Two model folders with the same settings: vocab.txt + tokenizer_config.json, and tokenizer.json alone.
struct Folders {
  fs::path vocab_dir, json_dir;
};

Folders make_folders(const fs::path& dir, const Variant& v) {
  Folders folders{dir / "vocab_txt", dir / "tokenizer_json"};
  fs::create_directories(folders.vocab_dir);
  fs::create_directories(folders.json_dir);
  fs::copy_file(data_dir() / "vocab.txt", folders.vocab_dir / "vocab.txt");
  Json config = {{"do_lower_case", v.lowercase},
                 {"strip_accents", strip_json(v.strip_accents)},
                 {"tokenize_chinese_chars", v.chinese},
                 {"model_max_length", v.max_length}};
  testing::write_text(folders.vocab_dir / "tokenizer_config.json", config.dump());

  Json json = Json::parse(read_text(data_dir() / "tokenizer.json"));
  json["normalizer"]["lowercase"] = v.lowercase;
  json["normalizer"]["strip_accents"] = strip_json(v.strip_accents);
  json["normalizer"]["handle_chinese_chars"] = v.chinese;
  json["truncation"] = {{"direction", "Right"}, {"max_length", v.max_length}, {"strategy", "LongestFirst"},
                        {"stride", 0}};
  testing::write_text(folders.json_dir / "tokenizer.json", json.dump());
  return folders;
}

class BertReferenceTest : public ::testing::TestWithParam<Variant> {};

// Every line of tricky.txt through both loaders must give exactly the ids of tests/reference/bert_tokenizer.py.
TEST_P(BertReferenceTest, MatchesPythonReference) {
  const Variant& v = GetParam();
  const fs::path dir = testing::scratch_dir(std::string("BertReference_") + v.name);
  const Folders folders = make_folders(dir, v);
  std::vector<std::string> args = {(data_dir() / "vocab.txt").string(), (data_dir() / "tricky.txt").string(),
                                   (dir / "expected.txt").string(),     "--lowercase",
                                   v.lowercase ? "1" : "0",             "--strip-accents",
                                   v.strip_accents ? (*v.strip_accents ? "1" : "0") : "none",
                                   "--chinese",                         v.chinese ? "1" : "0",
                                   "--max-length",                      std::to_string(v.max_length)};
  if (v.pair) args.push_back("--pair");
  for (const char* special : {"[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"}) {
    args.push_back("--special");
    args.push_back(special);
  }
  auto run = testing::run_python(testing::reference_script("bert_tokenizer.py"), args);
  ASSERT_EQ(run.status, 0) << run.output;
  const auto expected = read_id_lines(dir / "expected.txt");
  const auto lines = tricky_lines();
  ASSERT_EQ(expected.size(), lines.size());
  ASSERT_GE(lines.size(), 40u);

  for (const fs::path& folder : {folders.vocab_dir, folders.json_dir}) {
    auto tokenizer = load_hf_tokenizer(folder);
    ASSERT_TRUE(tokenizer) << tokenizer.error().message;
    EXPECT_EQ(tokenizer->options().model_max_length, v.max_length);
    std::size_t truncated = 0, with_unknown = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const auto encoding = v.pair ? tokenizer->encode_pair(lines[i], lines[(i + 1) % lines.size()])
                                   : tokenizer->encode(lines[i]);
      EXPECT_EQ(encoding.ids, expected[i]) << folder.filename() << " line " << i + 1 << ": " << lines[i];
      truncated += encoding.ids.size() == v.max_length;
      with_unknown += std::count(encoding.ids.begin(), encoding.ids.end(), tokenizer->unk_id()) > 0;
    }
    // The file must exercise truncation and unknown words in every variant, or the comparison proves less.
    EXPECT_GT(truncated, 0u);
    EXPECT_GT(with_unknown, 0u);
    EXPECT_LT(with_unknown, lines.size());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Variants, BertReferenceTest,
    ::testing::Values(Variant{.name = "uncased"}, Variant{.name = "cased", .lowercase = false},
                      Variant{.name = "uncased_keep_accents", .strip_accents = false},
                      Variant{.name = "uncased_strip", .strip_accents = true},
                      Variant{.name = "cased_strip", .lowercase = false, .strip_accents = true},
                      Variant{.name = "cased_keep_accents", .lowercase = false, .strip_accents = false},
                      Variant{.name = "no_chinese", .chinese = false},
                      Variant{.name = "truncate16", .max_length = 16},
                      Variant{.name = "pair", .max_length = 40, .pair = true},
                      Variant{.name = "pair_cased", .lowercase = false, .max_length = 512, .pair = true}),
    [](const auto& info) { return std::string(info.param.name); });

// The variants above only mean something if each setting reaches the tokenizer: a few lines must change.
TEST(HfTokenizer, ConfigSettingsChangeTheIds) {
  const fs::path dir = testing::scratch_dir("BertConfigSettings");
  auto ids_of = [&](const Variant& v) {
    const fs::path sub = dir / v.name;
    auto tokenizer = load_hf_tokenizer(make_folders(sub, v).json_dir);
    EXPECT_TRUE(tokenizer) << tokenizer.error().message;
    std::vector<Ids> all;
    for (const auto& line : tricky_lines()) all.push_back(tokenizer->encode(line).ids);
    return all;
  };
  const auto base = ids_of({.name = "base"});
  EXPECT_NE(base, ids_of({.name = "cased", .lowercase = false}));
  EXPECT_NE(base, ids_of({.name = "keep", .strip_accents = false}));
  EXPECT_NE(base, ids_of({.name = "no_chinese", .chinese = false}));
}

TEST(HfTokenizer, TokenizerJsonAndVocabTxtAgreeOnTheShippedFiles) {
  const fs::path dir = testing::scratch_dir("BertShipped");
  fs::copy_file(data_dir() / "vocab.txt", dir / "vocab.txt");
  auto from_vocab = load_hf_tokenizer(dir);
  auto from_json = load_hf_tokenizer(data_dir());  // holds tokenizer.json, which wins over vocab.txt
  ASSERT_TRUE(from_vocab) << from_vocab.error().message;
  ASSERT_TRUE(from_json) << from_json.error().message;
  EXPECT_EQ(from_vocab->vocab(), from_json->vocab());
  EXPECT_EQ(from_json->cls_id(), 101);
  EXPECT_EQ(from_json->sep_id(), 102);
  EXPECT_EQ(from_json->unk_id(), 100);
  EXPECT_EQ(from_json->pad_id(), 0);
  for (const auto& line : tricky_lines()) EXPECT_EQ(from_vocab->encode(line).ids, from_json->encode(line).ids);
}

class HfTokenizerFiles : public testing_util::TempDirTest {
 protected:
  Json shipped() const { return Json::parse(read_text(data_dir() / "tokenizer.json")); }
  Expected<BertTokenizer> load_json(const Json& json) {
    write_file(path("tokenizer.json"), json.dump());
    return load_hf_tokenizer(dir_);
  }
  std::string json_error(const Json& json) {
    auto result = load_json(json);
    EXPECT_FALSE(result);
    return result ? std::string() : result.error().message;
  }
  std::string name() const { return path("tokenizer.json").string(); }
};

TEST_F(HfTokenizerFiles, MissingFilesAreNotFound) {
  auto result = load_hf_tokenizer(dir_);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(result.error().message, dir_.string() + ": no tokenizer.json or vocab.txt");
}

TEST_F(HfTokenizerFiles, UnsupportedPartsAreNamed) {
  Json json = shipped();
  json["model"]["type"] = "BPE";
  EXPECT_EQ(json_error(json), name() + ": model.type \"BPE\" is not supported (expected WordPiece)");
  json = shipped();
  json["normalizer"] = {{"type", "NFKC"}};
  EXPECT_EQ(json_error(json), name() + ": normalizer.type \"NFKC\" is not supported (expected BertNormalizer, "
                                       "Lowercase or a Sequence of NFD, StripAccents, Lowercase)");
  json["normalizer"] = {{"type", "Sequence"}, {"normalizers", {{{"type", "NFD"}}, {{"type", "Replace"}}}}};
  EXPECT_EQ(json_error(json), name() + ": normalizer.normalizers[1].type \"Replace\" is not supported (expected "
                                       "BertNormalizer, Lowercase or a Sequence of NFD, StripAccents, Lowercase)");
  json["normalizer"] = {{"type", "Sequence"}, {"normalizers", {{{"type", "NFD"}}}}};
  EXPECT_EQ(json_error(json), name() + ": normalizer: NFD and StripAccents are supported only together");
  json = shipped();
  json["pre_tokenizer"] = {{"type", "Whitespace"}};
  EXPECT_EQ(json_error(json),
            name() + ": pre_tokenizer.type \"Whitespace\" is not supported (expected BertPreTokenizer)");
  json = shipped();
  json["post_processor"] = {{"type", "RobertaProcessing"}};
  EXPECT_EQ(json_error(json), name() + ": post_processor.type \"RobertaProcessing\" is not supported (expected "
                                       "TemplateProcessing or BertProcessing)");
  json = shipped();
  json["truncation"] = {{"max_length", 128}, {"strategy", "OnlySecond"}};
  EXPECT_EQ(json_error(json), name() + ": truncation.strategy \"OnlySecond\" is not supported (expected LongestFirst)");
}

TEST_F(HfTokenizerFiles, MalformedFieldsAreNamed) {
  write_file(path("tokenizer.json"), "{\"model\": ");
  auto bad = load_hf_tokenizer(dir_);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(bad.error().message, name() + ": invalid JSON at byte 11");
  Json json = shipped();
  json["model"]["vocab"]["[MASK]"] = 0;
  EXPECT_EQ(json_error(json), name() + ": model.vocab: id 0 is used twice");
  json = shipped();
  json["model"]["vocab"]["extra"] = 5000;
  EXPECT_EQ(json_error(json), name() + ": model.vocab[\"extra\"] = 5000: expected an id below the vocabulary size 379");
  json = shipped();
  json["normalizer"]["lowercase"] = "yes";
  EXPECT_EQ(json_error(json), name() + ": normalizer.lowercase must be true, false or null");
  json = shipped();
  json["post_processor"]["special_tokens"]["[CLS]"]["ids"] = {7};
  EXPECT_EQ(json_error(json), name() + ": post_processor.special_tokens[\"[CLS]\"]: token \"[CLS]\" with id 7 does "
                                       "not match model.vocab");
  json = shipped();
  json["model"]["unk_token"] = "<unk>";
  EXPECT_EQ(json_error(json), name() + ": unk_token \"<unk>\" is not in the vocabulary");
  json = shipped();
  json["added_tokens"][4]["single_word"] = true;
  EXPECT_EQ(json_error(json), name() + ": added_tokens[4].single_word true (\"[MASK]\") is not supported");
  json = shipped();
  json["added_tokens"][4]["id"] = 104;
  EXPECT_EQ(json_error(json), name() + ": added_tokens[4].id: \"[MASK]\" is not in model.vocab with that id (tokens "
                                       "added beyond the model's vocabulary are not supported)");
  json["added_tokens"][4]["normalized"] = true;  // left to WordPiece: no check, no matching
  auto normalized = load_json(json);
  ASSERT_TRUE(normalized) << normalized.error().message;
  EXPECT_EQ(normalized->tokenize("a[MASK]"), (std::vector<std::string>{"a", "[", "m", "##a", "##s", "##k", "]"}));
  json = shipped();
  json["padding"] = {{"strategy", "BatchLongest"}, {"pad_id", 3}, {"pad_token", "[PAD]"}};
  EXPECT_EQ(json_error(json), name() + ": padding.pad_id 3 is not the id of pad_token \"[PAD]\" in model.vocab");
}

TEST_F(HfTokenizerFiles, BertProcessingPaddingAndTruncationAreApplied) {
  Json json = shipped();
  json["post_processor"] = {{"type", "BertProcessing"}, {"sep", {"[SEP]", 102}}, {"cls", {"[CLS]", 101}}};
  json["padding"] = {{"strategy", {{"Fixed", 8}}}, {"direction", "Left"}, {"pad_to_multiple_of", nullptr},
                     {"pad_id", 0},                {"pad_type_id", 0},    {"pad_token", "[PAD]"}};
  json["truncation"] = {{"max_length", 8}, {"strategy", "LongestFirst"}, {"direction", "Right"}, {"stride", 0}};
  auto tokenizer = load_json(json);
  ASSERT_TRUE(tokenizer) << tokenizer.error().message;
  const std::vector<std::string> texts = {"hello", "the quick brown"};
  auto batch = tokenizer->encode_batch(texts);
  ASSERT_EQ(batch.length, 8u);  // Fixed, though the longest row has 5 tokens
  const auto id = [&](const char* token) { return *tokenizer->find(token); };
  EXPECT_EQ(batch.ids, (Ids{0, 0, 0, 0, 0, 101, id("hello"), 102,  //
                            0, 0, 0, 101, id("the"), id("quick"), id("brown"), 102}));
  EXPECT_EQ(batch.attention_mask, (Ids{0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1}));
  EXPECT_EQ(tokenizer->encode("the quick brown fox jumps over").ids.size(), 8u);  // truncation.max_length

  json["padding"]["strategy"] = {{"Fixed", 9}};
  EXPECT_EQ(json_error(json), name() + ": padding to 9 (multiple of 0) exceeds the max length 8");
}

TEST_F(HfTokenizerFiles, NullNormalizerKeepsTheTextAsIs) {
  Json json = shipped();
  json["normalizer"] = nullptr;
  auto tokenizer = load_json(json);
  ASSERT_TRUE(tokenizer) << tokenizer.error().message;
  EXPECT_EQ(tokenizer->basic_tokenize("Café 中文"), (std::vector<std::string>{"Café", "中文"}));
  json["normalizer"] = {{"type", "Sequence"},
                        {"normalizers", {{{"type", "NFD"}}, {{"type", "Lowercase"}}, {{"type", "StripAccents"}}}}};
  tokenizer = load_json(json);
  ASSERT_TRUE(tokenizer) << tokenizer.error().message;
  EXPECT_EQ(tokenizer->basic_tokenize("Café 中文"), (std::vector<std::string>{"cafe", "中文"}));
}

TEST_F(HfTokenizerFiles, TokenizerConfigOverridesBertNormalizerKeysItHas) {
  write_file(path("tokenizer_config.json"), R"({"do_lower_case": false, "model_max_length": 6})");
  auto tokenizer = load_json(shipped());  // normalizer: lowercase true, strip_accents null
  ASSERT_TRUE(tokenizer) << tokenizer.error().message;
  EXPECT_FALSE(tokenizer->options().lowercase);
  EXPECT_TRUE(tokenizer->options().handle_chinese_chars);  // absent from the config: tokenizer.json's value
  EXPECT_EQ(tokenizer->tokenize("Café"), (std::vector<std::string>{"Café"}));
  EXPECT_EQ(tokenizer->encode("a b c d e f g").ids.size(), 6u);

  write_file(path("tokenizer_config.json"), R"({"strip_accents": true, "model_max_length": 6})");
  Json json = shipped();
  json["truncation"] = {{"max_length", 9}};  // tokenizer.json's own truncation beats model_max_length
  tokenizer = load_json(json);
  ASSERT_TRUE(tokenizer) << tokenizer.error().message;
  EXPECT_EQ(tokenizer->options().strip_accents, true);
  EXPECT_EQ(tokenizer->encode("a b c d e f g h i j").ids.size(), 9u);
}

TEST_F(HfTokenizerFiles, VocabTxtWithConfigAndSpecialTokensMap) {
  write_file(path("vocab.txt"), "<pad>\r\n<unk>\r\n<s>\r\n</s>\r\nHello\r\nhello");  // CRLF, no final newline
  write_file(path("tokenizer_config.json"),
             R"({"do_lower_case": false, "model_max_length": 1000000000000000019884624838656, "unk_token": "[UNK]"})");
  write_file(path("special_tokens_map.json"),
             R"({"unk_token": {"content": "<unk>", "lstrip": false}, "cls_token": "<s>", "sep_token": "</s>",
                 "pad_token": "<pad>"})");
  auto tokenizer = load_hf_tokenizer(dir_);
  ASSERT_TRUE(tokenizer) << tokenizer.error().message;
  EXPECT_EQ(tokenizer->encode("Hello hello HELLO").ids, (Ids{2, 4, 5, 1, 3}));
  EXPECT_EQ(tokenizer->options().model_max_length, 512u);  // transformers' "no limit" marker leaves BERT's 512

  write_file(path("vocab.txt"), "a\n\nb\n");
  auto empty_line = load_hf_tokenizer(dir_);
  ASSERT_FALSE(empty_line);
  EXPECT_EQ(empty_line.error().message,
            path("vocab.txt").string() + ":2: empty line (every line is a token whose id is its line number)");

  write_file(path("vocab.txt"), "a\nb\r\na\n");
  auto duplicate = load_hf_tokenizer(dir_);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().message, path("vocab.txt").string() + ":3: token \"a\" already on line 1");

  write_file(path("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n");
  write_file(path("tokenizer_config.json"), R"({"do_lower_case": "no"})");
  auto bad_config = load_hf_tokenizer(dir_);
  ASSERT_FALSE(bad_config);
  EXPECT_EQ(bad_config.error().message,
            path("tokenizer_config.json").string() + ": do_lower_case must be true, false or null");
}

}  // namespace
}  // namespace semspace::io
