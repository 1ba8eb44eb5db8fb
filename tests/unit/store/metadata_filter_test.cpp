// Metadata filters: every operator against a small collection whose metadata mixes types, the complement
// rules for $ne/$nin/$not, and the error messages for malformed filters.
#include "store/metadata_filter.hpp"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_test_util.hpp"

namespace semspace::store {
namespace {

using testing::ScratchDir;

class FilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.create(testing::info_of("c", 2)));
    std::vector<Point> points = {
        {std::int64_t{1}, {1, 0}, R"({"genre":"jazz","year":1959,"rating":4.5,"live":true,"album":{"label":"Blue Note"}})"},
        {std::string("two"), {0, 1}, R"({"genre":"blues","year":1962,"rating":3,"live":false})"},
        {std::string("3"), {1, 1}, R"({"genre":"jazz","year":"1970"})"},
        {std::int64_t{4}, {1, 2}, R"({"genre":"rock","tags":["a","b"],"year":null})"},
        {std::string("five"), {2, 1}, R"({})"},
    };
    ASSERT_TRUE(store_.upsert("c", points));
  }

  // The ids passing `filter`, as JSON text, sorted.
  std::set<std::string> pass(const std::string& filter) {
    auto parsed = parse_filter(filter);
    EXPECT_TRUE(parsed) << filter << ": " << parsed.error().message;
    if (!parsed) return {};
    auto labels = store_.filter_labels("c", *parsed);
    EXPECT_TRUE(labels) << labels.error().message;
    auto hits = store_.search("c", std::vector<float>{1, 0}, SearchOptions{.k = 100, .filter = &*parsed});
    EXPECT_TRUE(hits) << hits.error().message;
    std::set<std::string> out;
    for (const auto& hit : *hits) out.insert(testing::show(hit.id));
    EXPECT_EQ(out.size(), labels->size()) << "the label set's size is the number of passing points";
    return out;
  }

  using Ids = std::set<std::string>;
  ScratchDir dir_{"filter"};
  CollectionStore store_ = testing::open_or_die(dir_ / "c.db");
};

TEST_F(FilterTest, EqualityMatchesOnlyTheSameType) {
  EXPECT_EQ(pass(R"({"genre": "jazz"})"), (Ids{"1", "\"3\""}));
  EXPECT_EQ(pass(R"({"genre": {"$eq": "jazz"}})"), (Ids{"1", "\"3\""}));
  EXPECT_EQ(pass(R"({"year": 1959})"), (Ids{"1"}));
  EXPECT_EQ(pass(R"({"year": 1959.0})"), (Ids{"1"})) << "1959 and 1959.0 are the same number";
  EXPECT_EQ(pass(R"({"rating": 3})"), (Ids{"\"two\""}));
  EXPECT_EQ(pass(R"({"year": "1970"})"), (Ids{"\"3\""})) << "a string matches only strings";
  EXPECT_EQ(pass(R"({"year": 1970})"), (Ids{}));
  EXPECT_EQ(pass(R"({"live": true})"), (Ids{"1"}));
  EXPECT_EQ(pass(R"({"live": false})"), (Ids{"\"two\""}));
  EXPECT_EQ(pass(R"({"live": 1})"), (Ids{})) << "SQLite stores true as 1; the filter must not confuse them";
  EXPECT_EQ(pass(R"({"tags": "a"})"), (Ids{})) << "arrays are not searched element-wise";
  EXPECT_EQ(pass(R"({"missing": "x"})"), (Ids{}));
}

TEST_F(FilterTest, NotEqualIsTheComplementOfEqual) {
  EXPECT_EQ(pass(R"({"genre": {"$ne": "jazz"}})"), (Ids{"\"two\"", "4", "\"five\""})) << "points without the field pass $ne";
  EXPECT_EQ(pass(R"({"live": {"$ne": true}})"), (Ids{"\"two\"", "\"3\"", "4", "\"five\""}));
}

TEST_F(FilterTest, RangesCompareNumbersWithNumbersAndStringsWithStrings) {
  EXPECT_EQ(pass(R"({"year": {"$gt": 1959}})"), (Ids{"\"two\""})) << "\"1970\" is a string, null is null";
  EXPECT_EQ(pass(R"({"year": {"$gte": 1959}})"), (Ids{"1", "\"two\""}));
  EXPECT_EQ(pass(R"({"year": {"$lt": 1962}})"), (Ids{"1"}));
  EXPECT_EQ(pass(R"({"year": {"$lte": 1962}})"), (Ids{"1", "\"two\""}));
  EXPECT_EQ(pass(R"({"year": {"$gte": 1959, "$lt": 1962}})"), (Ids{"1"})) << "operators on one field all hold";
  EXPECT_EQ(pass(R"({"rating": {"$gt": 3.5}})"), (Ids{"1"}));
  EXPECT_EQ(pass(R"({"genre": {"$gt": "c"}})"), (Ids{"1", "\"3\"", "4"}));
  EXPECT_EQ(pass(R"({"year": {"$gt": "1960"}})"), (Ids{"\"3\""}));
}

TEST_F(FilterTest, Membership) {
  EXPECT_EQ(pass(R"({"genre": {"$in": ["jazz", "rock"]}})"), (Ids{"1", "\"3\"", "4"}));
  EXPECT_EQ(pass(R"({"year": {"$in": [1962, "1970", true]}})"), (Ids{"\"two\"", "\"3\""})) << "each value keeps its type";
  EXPECT_EQ(pass(R"({"live": {"$in": [false]}})"), (Ids{"\"two\""}));
  EXPECT_EQ(pass(R"({"genre": {"$in": []}})"), (Ids{}));
  EXPECT_EQ(pass(R"({"genre": {"$nin": ["jazz"]}})"), (Ids{"\"two\"", "4", "\"five\""}));
  EXPECT_EQ(pass(R"({"genre": {"$nin": []}})"), (Ids{"1", "\"two\"", "\"3\"", "4", "\"five\""}));
}

TEST_F(FilterTest, LogicalOperatorsAndNestedPaths) {
  EXPECT_EQ(pass(R"({})"), (Ids{"1", "\"two\"", "\"3\"", "4", "\"five\""}));
  EXPECT_EQ(pass(R"({"genre": "jazz", "live": true})"), (Ids{"1"})) << "fields of one object all hold";
}

TEST_F(FilterTest, AndOrNot) {
  EXPECT_EQ(pass(R"({"$and": [{"genre": "jazz"}, {"year": 1959}]})"), (Ids{"1"}));
  EXPECT_EQ(pass(R"({"$or": [{"genre": "rock"}, {"year": 1962}]})"), (Ids{"\"two\"", "4"}));
  EXPECT_EQ(pass(R"({"$not": {"genre": "jazz"}})"), (Ids{"\"two\"", "4", "\"five\""}));
  EXPECT_EQ(pass(R"({"$not": {"$or": [{"genre": "jazz"}, {"live": false}]}})"), (Ids{"4", "\"five\""}));
  EXPECT_EQ(pass(R"({"$or": [{"$and": [{"genre": "jazz"}, {"year": {"$lt": 1960}}]}, {"rating": {"$lt": 4}}]})"),
            (Ids{"1", "\"two\""}));
  EXPECT_EQ(pass(R"({"album.label": "Blue Note"})"), (Ids{"1"})) << "dotted paths reach nested objects";
  EXPECT_EQ(pass(R"({"album.label": {"$ne": "Blue Note"}})"), (Ids{"\"two\"", "\"3\"", "4", "\"five\""}));
}

TEST_F(FilterTest, ValuesAreBoundNeverSpliced) {
  EXPECT_EQ(pass(R"({"genre": "jazz' OR 1=1 --"})"), (Ids{}));
  EXPECT_EQ(pass(R"({"ge'nre); DROP TABLE point; --": "jazz"})"), (Ids{}));
  EXPECT_EQ(pass(R"({"genre": "jazz"})"), (Ids{"1", "\"3\""})) << "the table is still there";
  auto parsed = parse_filter(R"({"genre": {"$in": ["x'y", "z"]}, "n": {"$gt": 5}})");
  ASSERT_TRUE(parsed);
  SqlCondition sql = compile_filter(*parsed);
  EXPECT_EQ(sql.sql.find("x'y"), std::string::npos) << sql.sql;
  EXPECT_EQ(sql.sql.find("genre"), std::string::npos) << "paths are parameters too: " << sql.sql;
  EXPECT_EQ(std::count(sql.sql.begin(), sql.sql.end(), '?'), static_cast<long>(sql.params.size()));
}

TEST(FilterParse, ErrorsNameThePlaceAndTheExpectation) {
  auto error = [](const std::string& filter) {
    auto parsed = parse_filter(filter);
    EXPECT_FALSE(parsed) << filter;
    return parsed ? std::string() : parsed.error().message;
  };
  EXPECT_THAT(error(R"({"year": )"), ::testing::HasSubstr("not valid JSON"));
  EXPECT_THAT(error(R"({"year": 1e999})"), ::testing::HasSubstr("not valid JSON"));  // found by the fuzzer
  EXPECT_THAT(error(R"([1, 2])"), ::testing::HasSubstr("filter at top level: expected an object, got an array"));
  EXPECT_THAT(error(R"({"year": {"$gtx": 1}})"), ::testing::HasSubstr("filter at year.$gtx: operator \"$gtx\" is unknown"));
  EXPECT_THAT(error(R"({"$nor": []})"), ::testing::HasSubstr("operator \"$nor\" is unknown here"));
  EXPECT_THAT(error(R"({"$and": {}})"), ::testing::HasSubstr("$and expects a non-empty array of filters, got an object"));
  EXPECT_THAT(error(R"({"$or": []})"), ::testing::HasSubstr("$or expects a non-empty array of filters, got an empty array"));
  EXPECT_THAT(error(R"({"$or": [{"a": 1}, 3]})"), ::testing::HasSubstr("filter at $or[1]: expected an object, got a number"));
  EXPECT_THAT(error(R"({"$not": [{"a": 1}]})"), ::testing::HasSubstr("filter at $not: expected an object, got an array"));
  EXPECT_THAT(error(R"({"album": {"label": "x"}})"), ::testing::HasSubstr("write \"album.label\""));
  EXPECT_THAT(error(R"({"tags": ["a"]})"), ::testing::HasSubstr("filter at tags: expected a string, a number or a boolean, got an array"));
  EXPECT_THAT(error(R"({"year": null})"), ::testing::HasSubstr("got null"));
  EXPECT_THAT(error(R"({"live": {"$gt": true}})"), ::testing::HasSubstr("$gt expects a number or a string, got a boolean"));
  EXPECT_THAT(error(R"({"g": {"$in": "jazz"}})"), ::testing::HasSubstr("filter at g.$in: $in expects an array of values, got a string"));
  EXPECT_THAT(error(R"({"g": {"$nin": [1, {"a": 2}]}})"), ::testing::HasSubstr("filter at g.$nin[1]: expected a string"));
  EXPECT_THAT(error(R"({"g": {}})"), ::testing::HasSubstr("expected operators"));
  EXPECT_THAT(error(R"({"a..b": 1})"), ::testing::HasSubstr("empty path segment"));
  EXPECT_THAT(error(R"({"a\"b": 1})"), ::testing::HasSubstr("contains '\"'"));
  std::string deep = R"({"a": 1})";
  for (int i = 0; i < kMaxFilterDepth + 2; ++i) deep = R"({"$not": )" + deep + "}";
  EXPECT_THAT(error(deep), ::testing::HasSubstr("nest at most"));
}

TEST(FilterParse, ShapesOfTheTree) {
  auto one = parse_filter(R"({"a.b": {"$in": [1, "x", 2.5, false]}})");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->op, FilterOp::kIn);
  EXPECT_EQ(one->path, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(one->values.size(), 4u);
  EXPECT_EQ(std::get<std::int64_t>(one->values[0]), 1);
  EXPECT_EQ(std::get<std::string>(one->values[1]), "x");
  EXPECT_EQ(std::get<double>(one->values[2]), 2.5);
  EXPECT_EQ(std::get<bool>(one->values[3]), false);
  auto all = parse_filter(R"({"a": 1, "b": {"$gt": 2, "$lt": 5}})");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->op, FilterOp::kAnd);
  ASSERT_EQ(all->children.size(), 2u);
  EXPECT_EQ(all->children[1].op, FilterOp::kAnd);
  EXPECT_EQ(all->children[1].children.size(), 2u);
}

}  // namespace
}  // namespace semspace::store
