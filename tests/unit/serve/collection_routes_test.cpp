// Collections over HTTP: create, list, info, upsert (vectors and text), get, search (text, vector, id, filter),
// delete, drop, and their failures; results checked against the store used directly.
#include <gtest/gtest.h>

#include "serve_fixture.hpp"
#include "store/collection_store.hpp"

namespace semspace::serve::testing {
namespace {

nlohmann::json vector_point(const nlohmann::json& id, std::vector<float> v, nlohmann::json metadata) {
  return {{"id", id}, {"vector", std::move(v)}, {"metadata", std::move(metadata)}};
}

TEST(CollectionRoutes, CreateUpsertSearchDeleteDrop) {
  TestServer server;
  auto created = server.client()->Put("/collections/pts", R"({"dimension": 3, "metric": "cosine"})", "application/json");
  ASSERT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(body_json(created)["dimension"], 3);
  EXPECT_EQ(error_code(server.client()->Put("/collections/pts", R"({"dimension": 3})", "application/json")), "collection_exists");

  nlohmann::json points = nlohmann::json::array(
      {vector_point(1, {1, 0, 0}, {{"kind", "x"}, {"year", 1950}}), vector_point("b", {0.9f, 0.1f, 0}, {{"kind", "x"}, {"year", 1970}}),
       vector_point(3, {0, 1, 0}, {{"kind", "y"}, {"year", 1960}}), vector_point("d", {0, 0, 1}, {{"kind", "z"}})});
  auto upserted = server.post("/collections/pts/points", nlohmann::json{{"points", points}}.dump());
  ASSERT_EQ(upserted->status, 200) << upserted->body;
  EXPECT_EQ(body_json(upserted)["upserted"], 4);

  auto list = body_json(server.get("/collections"));
  ASSERT_EQ(list["collections"].size(), 1u);
  EXPECT_EQ(list["collections"][0]["name"], "pts");
  EXPECT_EQ(list["collections"][0]["count"], 4);
  EXPECT_EQ(list["collections"][0]["metric"], "cosine");

  auto by_vector = body_json(server.post("/collections/pts/search", R"({"vector": [1, 0, 0], "k": 2})"));
  ASSERT_EQ(by_vector["result"].size(), 2u);
  EXPECT_EQ(by_vector["result"][0]["id"], 1);  // integer ids come back as integers
  EXPECT_EQ(by_vector["result"][1]["id"], "b");
  EXPECT_NEAR(by_vector["result"][0]["score"].get<double>(), 1.0, 1e-5);
  EXPECT_EQ(by_vector["result"][0]["metadata"]["year"], 1950);

  // By a stored point: itself excluded.
  auto by_id = body_json(server.post("/collections/pts/search", R"({"id": 1, "k": 1})"));
  ASSERT_EQ(by_id["result"].size(), 1u);
  EXPECT_EQ(by_id["result"][0]["id"], "b");

  auto filtered = body_json(server.post("/collections/pts/search",
                                        R"({"vector": [1, 0, 0], "k": 5, "filter": {"year": {"$gte": 1955}}})"));
  ASSERT_EQ(filtered["result"].size(), 2u);
  EXPECT_EQ(filtered["result"][0]["id"], "b");
  EXPECT_EQ(filtered["result"][1]["id"], 3);

  auto got = body_json(server.post("/collections/pts/points/get", R"({"ids": [3, "nope"]})"));
  ASSERT_EQ(got["result"].size(), 1u);
  EXPECT_EQ(got["result"][0]["vector"], nlohmann::json::array({0.0, 1.0, 0.0}));
  EXPECT_EQ(got["missing"], nlohmann::json::array({"nope"}));

  EXPECT_EQ(body_json(server.post("/collections/pts/points/delete", R"({"ids": ["b", 99]})"))["deleted"], 1);
  EXPECT_EQ(body_json(server.get("/collections/pts"))["count"], 3);

  auto dropped = server.client()->Delete("/collections/pts");
  ASSERT_EQ(dropped->status, 200);
  EXPECT_EQ(server.get("/collections/pts")->status, 404);
  EXPECT_EQ(error_code(server.get("/collections/pts")), "collection_not_found");
}

TEST(CollectionRoutes, TextThroughTheCollectionModelMatchesTheStore) {
  TestServer server;
  ASSERT_EQ(server.client()->Put("/collections/docs", R"({"model": "default", "pooling": "mean"})", "application/json")->status, 201);
  auto upserted = server.post("/collections/docs/points", R"({"points": [
      {"id": "fruit", "text": "red apple banana fruit"}, {"id": "cars", "text": "fast car engine road"},
      {"id": "royals", "text": "king queen"}]})");
  ASSERT_EQ(upserted->status, 200) << upserted->body;
  auto found = body_json(server.post("/collections/docs/search", R"({"text": "green apple fruit", "k": 3})"));
  ASSERT_EQ(found["result"].size(), 3u);
  // The same question asked of the store directly, with the vector the server stored.
  auto point = body_json(server.post("/collections/docs/points/get", R"({"ids": ["fruit"]})"));
  ASSERT_EQ(point["result"].size(), 1u);
  EXPECT_EQ(point["result"][0]["vector"].size(), kTestDim);
  auto again = body_json(server.post("/collections/docs/search",
                                     nlohmann::json{{"vector", point["result"][0]["vector"]}, {"k", 1}}.dump()));
  EXPECT_EQ(again["result"][0]["id"], "fruit");
  EXPECT_EQ(found["result"][0]["id"], "fruit");
}

TEST(CollectionRoutes, FailuresNameTheProblem) {
  TestServer server;
  EXPECT_EQ(error_code(server.client()->Put("/collections/c", R"({"metric": "cosine"})", "application/json")), "invalid_request");
  EXPECT_EQ(error_code(server.client()->Put("/collections/c", R"({"model": "missing-model"})", "application/json")), "model_not_found");
  ASSERT_EQ(server.client()->Put("/collections/c", R"({"dimension": 2})", "application/json")->status, 201);
  auto wrong_dim = server.post("/collections/c/points", R"({"points": [{"id": 1, "vector": [1, 2, 3]}]})");
  EXPECT_EQ(wrong_dim->status, 400);
  EXPECT_NE(wrong_dim->body.find("dimension"), std::string::npos) << wrong_dim->body;
  EXPECT_EQ(server.post("/collections/c/points", R"({"points": [{"id": 1, "text": "cat"}]})")->status, 400);  // no model
  EXPECT_EQ(server.post("/collections/c/points", R"({"points": [{"id": 1, "vector": [1, 2], "text": "x"}]})")->status, 400);
  EXPECT_EQ(server.post("/collections/c/search", R"({"vector": [1, 2, 3]})")->status, 400);
  EXPECT_EQ(server.post("/collections/c/search", R"({"vector": [1, 2], "text": "x"})")->status, 400);
  EXPECT_EQ(server.post("/collections/c/search", R"({"vector": [1, 2], "filter": {"$bad": 1}})")->status, 400);
  EXPECT_EQ(error_code(server.post("/collections/c/search", R"({"id": 42})")), "point_not_found");
  EXPECT_EQ(error_code(server.post("/collections/none/search", R"({"vector": [1, 2]})")), "collection_not_found");
  EXPECT_EQ(error_code(server.post("/collections/none/points", R"({"points": [{"id": 1, "vector": [1, 2]}]})")),
            "collection_not_found");
  EXPECT_EQ(server.client()->Delete("/collections/none")->status, 404);
  // Nothing of a refused upsert was stored.
  EXPECT_EQ(body_json(server.get("/collections/c"))["count"], 0);
}

}  // namespace
}  // namespace semspace::serve::testing
