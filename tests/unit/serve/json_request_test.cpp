// Request parsing: values land in the structs, errors name the field and the expectation.
#include <gtest/gtest.h>

#include "serve/json_request.hpp"

namespace semspace::serve {
namespace {

std::string error_of(const Error& error) { return error.message; }

TEST(JsonRequest, EmbeddingsRequest) {
  auto parsed = parse_embeddings_request(R"({"input": ["a", "b"], "model": "m", "encoding_format": "base64",
                                             "dimensions": 4, "user": "ignored"})");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->input, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(parsed->model, "m");
  EXPECT_TRUE(parsed->base64);
  EXPECT_EQ(parsed->dimensions, 4);
  auto nulls = parse_embeddings_request(R"({"input": "x", "dimensions": null, "encoding_format": null})");
  ASSERT_TRUE(nulls);
  EXPECT_FALSE(nulls->dimensions);
  EXPECT_EQ(error_of(parse_embeddings_request(R"({"input": "x", "dimensions": "4"})").error()),
            "field \"dimensions\": expected an integer, found string");
  EXPECT_EQ(error_of(parse_embeddings_request(R"({"input": "x", "dimensions": 18446744073709551615})").error()),
            "field \"dimensions\": must be between 1 and 1048576, found 18446744073709551615");
  EXPECT_NE(error_of(parse_embeddings_request("{\"input\": ").error()).find("not valid JSON"), std::string::npos);
}

TEST(JsonRequest, UpsertSearchAndIds) {
  auto points = parse_upsert_request(R"({"points": [{"id": 7, "vector": [1, 2.5]}, {"id": "s", "text": "t", "metadata": {"a": 1}}]})");
  ASSERT_TRUE(points);
  ASSERT_EQ(points->size(), 2u);
  EXPECT_EQ((*points)[0].id, store::PointId(std::int64_t{7}));
  EXPECT_EQ(*(*points)[0].vector, (std::vector<float>{1.0f, 2.5f}));
  EXPECT_EQ(*(*points)[1].text, "t");
  EXPECT_EQ((*points)[1].metadata_json, R"({"a":1})");
  EXPECT_EQ(error_of(parse_upsert_request(R"({"points": [{"id": 1, "vector": [1, "x"]}]})").error()),
            "field \"points[0].vector[1]\": expected a number, found string");
  EXPECT_EQ(error_of(parse_upsert_request(R"({"points": [{"id": 1, "vector": [1e300]}]})").error()),
            "field \"points[0].vector[0]\": is not a finite float");
  EXPECT_EQ(error_of(parse_upsert_request(R"({"points": [{"id": "", "vector": [1]}]})").error()),
            "field \"points[0].id\": expected a non-empty string or an integer, found string");
  EXPECT_EQ(error_of(parse_upsert_request(R"({"points": [{"id": 1, "metadata": []}]})").error()),
            "field \"points[0]\": needs \"vector\" (array of numbers) or \"text\" (string)");

  auto search = parse_search_request(R"({"id": "x", "k": 3, "filter": {"year": {"$gte": 1950}}})");
  ASSERT_TRUE(search);
  EXPECT_EQ(*search->id, store::PointId(std::string("x")));
  EXPECT_EQ(search->k, 3);
  ASSERT_TRUE(search->filter);
  EXPECT_EQ(search->filter->op, store::FilterOp::kGte);
  EXPECT_FALSE(parse_search_request(R"({"k": 3})"));
  EXPECT_NE(error_of(parse_search_request(R"({"text": "a", "filter": {"y": {"$gtx": 1}}})").error()).find("field \"filter\""),
            std::string::npos);
  EXPECT_EQ(error_of(parse_ids_request(R"({"ids": [1, 2.5]})").error()),
            "field \"ids[1]\": expected a non-empty string or an integer, found number");
}

TEST(JsonRequest, ProjectionDefaultsAndLimits) {
  auto defaults = parse_project_request("");
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->method, "pca");
  EXPECT_EQ(defaults->dim, 2);
  EXPECT_EQ(defaults->limit, 5000u);
  EXPECT_EQ(defaults->seed, 42u);
  auto given = parse_locate_request(R"({"text": "t", "method": "tsne", "dim": 3, "limit": 10, "perplexity": 5, "seed": 1})");
  ASSERT_TRUE(given);
  EXPECT_EQ(given->projection.method, "tsne");
  EXPECT_EQ(given->projection.dim, 3);
  EXPECT_DOUBLE_EQ(given->projection.perplexity, 5.0);
  EXPECT_EQ(error_of(parse_project_request(R"({"dim": 1})").error()), "field \"dim\": must be between 2 and 3, found 1");
  EXPECT_FALSE(parse_project_request(R"({"limit": 1000000000})"));
  EXPECT_FALSE(parse_project_request(R"({"perplexity": "x"})"));
  EXPECT_EQ(error_of(parse_neighbors_request(R"({"k": 2})").error()), "field \"word\": is required");
  EXPECT_FALSE(parse_analogy_request(R"({"a": "x", "b": "y"})"));
  EXPECT_TRUE(parse_similarity_request(R"({"a": "x", "b": "y"})"));
  EXPECT_FALSE(parse_create_collection_request(R"({"metric": "cosine"})"));
  EXPECT_FALSE(parse_create_collection_request(R"({"dimension": 3, "metric": "manhattan"})"));
  EXPECT_TRUE(parse_tei_embed_request(R"({"inputs": "x", "normalize": false})"));
  EXPECT_FALSE(parse_tei_embed_request(R"({"inputs": "x", "normalize": 1})"));
}

}  // namespace
}  // namespace semspace::serve
