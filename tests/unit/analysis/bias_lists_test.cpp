// The word-list files of the bias tools: WEAT sets and tests, debiasing lists, --keep lists; and the built-in
// lists of data/.
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "analysis/bias/debias_lists.hpp"
#include "analysis/bias/weat_sets.hpp"
#include "support/python_reference.hpp"

namespace semspace {
namespace {

std::string sets_error(std::string_view text) {
  auto sets = parse_weat_word_sets(text, "sets.json");
  EXPECT_FALSE(sets);
  return sets ? "" : sets.error().message;
}

std::string tests_error(std::string_view text) {
  auto tests = parse_weat_tests(text, "tests.json");
  EXPECT_FALSE(tests);
  return tests ? "" : tests.error().message;
}

std::string lists_error(std::string_view text) {
  auto lists = parse_debias_lists(text, "lists.json");
  EXPECT_FALSE(lists);
  return lists ? "" : lists.error().message;
}

TEST(WeatSets, ParsesSetsAndSkipsComments) {
  auto sets = parse_weat_word_sets(R"({"_source": {"any": 1}, "x": ["a", "b"], "y": ["Émile"]})", "sets.json");
  ASSERT_TRUE(sets) << sets.error().message;
  EXPECT_EQ(sets->size(), 2u);
  EXPECT_EQ(sets->at("x"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(sets->at("y"), std::vector<std::string>{"Émile"});
}

TEST(WeatSets, ErrorsNameFileAndField) {
  EXPECT_EQ(sets_error(R"({"x": ["a", 3]})"), "sets.json: set \"x\"[1] must be a string");
  EXPECT_EQ(sets_error(R"({"x": "a"})"), "sets.json: set \"x\" must be an array of words");
  EXPECT_EQ(sets_error(R"({"x": []})"), "sets.json: set \"x\" is empty");
  EXPECT_EQ(sets_error(R"({"x": [""]})"), "sets.json: set \"x\"[0] is an empty string");
  EXPECT_EQ(sets_error(R"(["x"])"), "sets.json: expected a JSON object at the top level");
  EXPECT_EQ(sets_error(R"({"x": ["a"])"), "sets.json: invalid JSON at byte 12");
  EXPECT_EQ(sets_error(R"({"_c": "only a comment"})"),
            "sets.json: no word sets (expected an object of \"name\": [words])");
  EXPECT_EQ(sets_error(""), "sets.json: invalid JSON at byte 1");
  EXPECT_EQ(sets_error("{\"x\": [\"\xff\"]}"), "sets.json: invalid JSON at byte 9");
}

TEST(WeatSets, ParsesTests) {
  auto tests = parse_weat_tests(R"({"_comment": "c", "tests": [
      {"id": "T1", "name": "first", "X": "x", "Y": "y", "A": "a", "B": "b", "reference_effect_size": {"glove": 1.5}},
      {"id": "T2", "X": "y", "Y": "x", "A": "b", "B": "a", "extra": [1, 2]}]})",
                                "tests.json");
  ASSERT_TRUE(tests) << tests.error().message;
  ASSERT_EQ(tests->size(), 2u);
  EXPECT_EQ((*tests)[0].id, "T1");
  EXPECT_EQ((*tests)[0].name, "first");
  EXPECT_EQ((*tests)[0].reference_effect_size.at("glove"), 1.5);
  EXPECT_EQ((*tests)[1].x, "y");
  EXPECT_EQ((*tests)[1].b, "a");
  EXPECT_TRUE((*tests)[1].name.empty());
}

TEST(WeatSets, TestErrorsNameFileTestAndField) {
  EXPECT_EQ(tests_error(R"({"tests": [{"id": "T1", "X": "x", "Y": "y", "A": "a"}]})"),
            "tests.json: tests[0] (T1): field \"B\" is missing");
  EXPECT_EQ(tests_error(R"({"tests": [{"X": "x"}]})"), "tests.json: tests[0]: field \"id\" is missing");
  EXPECT_EQ(tests_error(R"({"tests": [{"id": "T1", "X": 1, "Y": "y", "A": "a", "B": "b"}]})"),
            "tests.json: tests[0] (T1): field \"X\" must be a non-empty string");
  EXPECT_EQ(tests_error(R"({"tests": [{"id": "T", "X": "x", "Y": "y", "A": "a", "B": "b"},
                                      {"id": "T", "X": "x", "Y": "y", "A": "a", "B": "b"}]})"),
            "tests.json: tests[1] (T): duplicate id");
  EXPECT_EQ(tests_error(R"({"tests": [{"id": "T", "X": "x", "Y": "y", "A": "a", "B": "b",
                                       "reference_effect_size": {"glove": "big"}}]})"),
            "tests.json: tests[0] (T): reference_effect_size \"glove\" must be a number");
  EXPECT_EQ(tests_error(R"({"tests": [{"id": "T", "X": "x", "Y": "y", "A": "a", "B": "b", "name": 3}]})"),
            "tests.json: tests[0] (T): field \"name\" must be a string");
  EXPECT_EQ(tests_error(R"({"tests": {}})"), "tests.json: field \"tests\" must be an array of tests");
  EXPECT_EQ(tests_error(R"({"tests": []})"), "tests.json: field \"tests\" is empty");
  EXPECT_EQ(tests_error(R"({"tests": [7]})"), "tests.json: tests[0] must be an object");
  EXPECT_EQ(tests_error(R"({"tests": [1e999]})"), "tests.json: invalid JSON: a number is out of range");
}

TEST(WeatSets, MissingSetNamesTestAndField) {
  const WeatWordSets sets{{"x", {"a"}}, {"y", {"b"}}};
  const std::vector<WeatTestSpec> tests{{.id = "T1", .x = "x", .y = "y", .a = "x", .b = "y"},
                                        {.id = "T2", .x = "x", .y = "y", .a = "pleasant", .b = "y"}};
  EXPECT_TRUE(check_weat_sets_exist({tests[0]}, "tests.json", sets, "sets.json"));
  auto missing = check_weat_sets_exist(tests, "tests.json", sets, "sets.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "tests.json: tests[1] (T2): field \"A\" names set \"pleasant\", which sets.json does not define");
}

TEST(WeatSets, ReadErrorsNameThePath) {
  auto absent = read_weat_word_sets("/nonexistent/WEAT.json");
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().code, ErrorCode::kIo);
  EXPECT_NE(absent.error().message.find("/nonexistent/WEAT.json"), std::string::npos);
  auto folder = read_weat_tests(std::filesystem::temp_directory_path());
  ASSERT_FALSE(folder);
  EXPECT_NE(folder.error().message.find("is a directory"), std::string::npos);
  auto dir = testing::scratch_dir("WeatSetsFile");
  testing::write_text(dir / "t.json", R"({"tests": [{"id": "T"}]})");
  auto bad = read_weat_tests(dir / "t.json");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, (dir / "t.json").string() + ": tests[0] (T): field \"X\" is missing");
}

// The built-in lists of Caliskan et al. (2017): ten tests over 31 sets, all present, with the paper's sizes.
TEST(WeatSets, BuiltInCaliskanLists) {
  const auto& sets = caliskan2017_word_sets();
  const auto& tests = caliskan2017_tests();
  ASSERT_EQ(tests.size(), 10u);
  EXPECT_EQ(sets.size(), 31u);
  EXPECT_TRUE(check_weat_sets_exist(tests, "built-in tests", sets, "built-in sets"));
  EXPECT_EQ(tests[0].id, "WEAT1");
  EXPECT_EQ(tests[9].id, "WEAT10");
  EXPECT_EQ(tests[5].reference_effect_size.at("glove"), 1.81);
  const std::map<std::string, std::size_t> sizes{
      {"flowers", 25}, {"insects", 25}, {"pleasant_5", 25}, {"unpleasant_5a", 25}, {"unpleasant_5b", 25},
      {"instruments", 25}, {"weapons", 25}, {"european_american_names_5", 32}, {"african_american_names_5", 32},
      {"european_american_names_7", 18}, {"african_american_names_7", 18}, {"male_names", 8}, {"temporary", 7},
      {"mental_disease", 6}};
  for (const auto& [name, size] : sizes) EXPECT_EQ(sets.at(name).size(), size) << name;
  for (const auto& [name, words] : sets) {
    EXPECT_EQ(std::set<std::string>(words.begin(), words.end()).size(), words.size()) << name << " has a duplicate";
  }
}

// Where ../shared/data holds WEFE's transcription of the same lists, ours agree with it but for the two words
// data/weat/README.md names (the paper's "short-term" and "Billy").
TEST(WeatSets, BuiltInListsAgreeWithWefeTranscription) {
  const auto path = std::filesystem::path(SEMSPACE_SOURCE_DIR) / ".." / "shared" / "data" / "bias_weat" / "WEAT.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path;
  auto wefe = read_weat_word_sets(path);
  ASSERT_TRUE(wefe) << wefe.error().message;
  const auto& ours = caliskan2017_word_sets();
  ASSERT_EQ(wefe->size(), ours.size());
  std::size_t differences = 0;
  for (const auto& [name, words] : *wefe) {
    ASSERT_TRUE(ours.contains(name)) << name;
    const auto& mine = ours.at(name);
    ASSERT_EQ(mine.size(), words.size()) << name;
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (mine[i] == words[i]) continue;
      ++differences;
      EXPECT_TRUE((mine[i] == "short-term" && words[i] == "short") || (mine[i] == "Billy" && words[i] == "Bill"))
          << name << "[" << i << "]: " << mine[i] << " vs " << words[i];
    }
  }
  EXPECT_EQ(differences, 2u);
}

TEST(DebiasLists, ParsesLists) {
  auto lists = parse_debias_lists(R"({"_source": "s", "definitional_pairs": [["she", "he"]],
      "equalize_pairs": [["queen", "king"], ["aunt", "uncle"]], "specific_words": ["mother"]})",
                                  "lists.json");
  ASSERT_TRUE(lists) << lists.error().message;
  EXPECT_EQ(lists->definitional_pairs, (WordPairList{{"she", "he"}}));
  EXPECT_EQ(lists->equalize_pairs.size(), 2u);
  EXPECT_EQ(lists->specific_words, std::vector<std::string>{"mother"});
  auto minimal = parse_debias_lists(R"({"definitional_pairs": [["a", "b"]], "specific_words": []})", "l.json");
  ASSERT_TRUE(minimal) << minimal.error().message;
  EXPECT_TRUE(minimal->equalize_pairs.empty());
}

TEST(DebiasLists, ErrorsNameFileAndField) {
  EXPECT_EQ(lists_error(R"({"equalize_pairs": []})"), "lists.json: field \"definitional_pairs\" is missing");
  EXPECT_EQ(lists_error(R"({"definitional_pairs": []})"), "lists.json: field \"definitional_pairs\" is empty");
  EXPECT_EQ(lists_error(R"({"definitional_pairs": [["a", "b", "c"]]})"),
            "lists.json: definitional_pairs[0] must hold 2 words, found 3");
  EXPECT_EQ(lists_error(R"({"definitional_pairs": [["a", "b"]], "equalize_pairs": [["a", 2]]})"),
            "lists.json: equalize_pairs[0][1] must be a string");
  EXPECT_EQ(lists_error(R"({"definitional_pairs": [["a", "b"]], "specific_words": "a"})"),
            "lists.json: specific_words must be an array of words");
  EXPECT_EQ(lists_error(R"({"definitional_pairs": [["a", "b"]], "neutral": []})"),
            "lists.json: unknown field \"neutral\" (expected definitional_pairs, equalize_pairs, specific_words)");
  EXPECT_EQ(lists_error(R"({"definitional_pairs": "ab"})"),
            "lists.json: definitional_pairs must be an array of word pairs");
}

TEST(DebiasLists, WordList) {
  auto words = parse_word_list("# gendered names\nmary\n  john \r\n\n#x\nSue\n", "keep.txt");
  ASSERT_TRUE(words) << words.error().message;
  EXPECT_EQ(*words, (std::vector<std::string>{"mary", "john", "Sue"}));
  auto bad = parse_word_list("mary\nbilly bob\n", "keep.txt");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "keep.txt:2: expected one word, found 2");
  auto absent = read_word_list("/nonexistent/keep.txt");
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().code, ErrorCode::kIo);
}

TEST(DebiasLists, BuiltInGenderLists) {
  const auto& lists = bolukbasi2016_gender_lists();
  ASSERT_EQ(lists.definitional_pairs.size(), 10u);  // the paper's ten pairs
  EXPECT_EQ(lists.definitional_pairs[0], (std::pair<std::string, std::string>{"she", "he"}));
  EXPECT_EQ(lists.definitional_pairs[3], (std::pair<std::string, std::string>{"Mary", "John"}));
  EXPECT_GE(lists.equalize_pairs.size(), 50u);
  EXPECT_GE(lists.specific_words.size(), 150u);
  const std::set<std::string> specific(lists.specific_words.begin(), lists.specific_words.end());
  for (const char* neutral : {"doctor", "nurse", "programmer", "homemaker", "hero", "god", "heir"}) {
    EXPECT_FALSE(specific.contains(neutral)) << neutral;
  }
}

}  // namespace
}  // namespace semspace
