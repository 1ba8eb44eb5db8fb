// The projector's endpoints: PCA projections equal the library's fit on the same points, locate places a text
// with the fitted transform, t-SNE separates planted clusters, model projections take the most frequent words.
#include <array>
#include <cmath>

#include <gtest/gtest.h>

#include "analysis/pca.hpp"
#include "serve_fixture.hpp"

namespace semspace::serve::testing {
namespace {

TEST(ProjectorRoutes, CollectionPcaMatchesTheLibraryAndLocateUsesTheTransform) {
  TestServer server;
  ASSERT_EQ(server.client()->Put("/collections/p", R"({"dimension": 4})", "application/json")->status, 201);
  core::Rng rng(3);
  nlohmann::json points = nlohmann::json::array();
  Matrix first(5, 4);  // ids 0..4 are the first 5 in id order, however they were inserted
  for (int id = 9; id >= 0; --id) {
    std::vector<float> v(4);
    for (auto& x : v) x = rng.uniform() * 2 - 1;
    if (id < 5) std::copy(v.begin(), v.end(), first.row(static_cast<std::size_t>(id)).begin());
    points.push_back({{"id", id}, {"vector", v}, {"metadata", {{"n", id}}}});
  }
  ASSERT_EQ(server.post("/collections/p/points", nlohmann::json{{"points", points}}.dump())->status, 200);

  auto result = server.post("/collections/p/project", R"({"method": "pca", "dim": 3, "limit": 5})");
  ASSERT_EQ(result->status, 200) << result->body;
  auto body = body_json(result);
  EXPECT_EQ(body["method"], "pca");
  EXPECT_EQ(body["dim"], 3);
  ASSERT_EQ(body["points"].size(), 5u);
  auto pca = fit_pca(MatrixView{first.data(), 5, 4, 4}, {.components = 3});
  ASSERT_TRUE(pca);
  auto expected = pca->transform(MatrixView{first.data(), 5, 4, 4});
  ASSERT_TRUE(expected);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(body["points"][i]["id"], static_cast<int>(i));
    EXPECT_EQ(body["points"][i]["metadata"]["n"], static_cast<int>(i));
    for (std::size_t d = 0; d < 3; ++d) {
      EXPECT_NEAR(body["points"][i]["coords"][d].get<double>(), expected->row(i)[d], 1e-4);
    }
  }
  // The same request again comes from the cache, identical.
  EXPECT_EQ(server.post("/collections/p/project", R"({"method": "pca", "dim": 3, "limit": 5})")->body, result->body);

  // Ten points cannot carry perplexity 30 (it needs 91 rows): the map is made with (10 - 1) / 3 = 3, and says so.
  auto tsne = server.post("/collections/p/project", R"({"method": "tsne"})");
  ASSERT_EQ(tsne->status, 200) << tsne->body;
  EXPECT_DOUBLE_EQ(body_json(tsne)["perplexity"].get<double>(), 3.0);
  EXPECT_EQ(body_json(tsne)["points"].size(), 10u);
  EXPECT_EQ(server.post("/collections/p/project", R"({"dim": 4})")->status, 400);
  EXPECT_EQ(server.post("/collections/p/project", R"({"method": "umap"})")->status, 400);
  EXPECT_EQ(error_code(server.post("/collections/none/project", "{}")), "collection_not_found");
  EXPECT_EQ(server.post("/collections/p/locate", R"({"text": "x", "limit": 5})")->status, 400);  // no model
}

TEST(ProjectorRoutes, TsneKeepsPlantedClustersApart) {
  TestServer server;
  ASSERT_EQ(server.client()->Put("/collections/c", R"({"dimension": 8})", "application/json")->status, 201);
  core::Rng rng(5);
  nlohmann::json points = nlohmann::json::array();
  for (int id = 0; id < 40; ++id) {  // ids 0..19 around +3 in every coordinate, 20..39 around -3
    std::vector<float> v(8);
    for (auto& x : v) x = (id < 20 ? 3.0f : -3.0f) + (rng.uniform() - 0.5f);
    points.push_back({{"id", id}, {"vector", v}});
  }
  ASSERT_EQ(server.post("/collections/c/points", nlohmann::json{{"points", points}}.dump())->status, 200);
  auto result = server.post("/collections/c/project", R"({"method": "tsne", "dim": 2, "perplexity": 5})");
  ASSERT_EQ(result->status, 200) << result->body;
  auto body = body_json(result);
  EXPECT_EQ(body["method"], "tsne");
  ASSERT_EQ(body["points"].size(), 40u);
  // Every point's nearest neighbour in the map is from its own cluster.
  std::vector<std::array<double, 2>> xy;
  for (const auto& p : body["points"]) {
    ASSERT_EQ(p["coords"].size(), 2u);
    xy.push_back({p["coords"][0].get<double>(), p["coords"][1].get<double>()});
    EXPECT_TRUE(std::isfinite(xy.back()[0]) && std::isfinite(xy.back()[1]));
  }
  for (std::size_t i = 0; i < xy.size(); ++i) {
    std::size_t best = i == 0 ? 1 : 0;
    auto d2 = [&](std::size_t j) { return std::pow(xy[i][0] - xy[j][0], 2) + std::pow(xy[i][1] - xy[j][1], 2); };
    for (std::size_t j = 0; j < xy.size(); ++j) {
      if (j != i && d2(j) < d2(best)) best = j;
    }
    EXPECT_EQ(body["points"][i]["id"].get<int>() < 20, body["points"][best]["id"].get<int>() < 20) << i;
  }
}

TEST(ProjectorRoutes, LocateTextInATextCollection) {
  TestServer server;
  ASSERT_EQ(server.client()->Put("/collections/t", R"({"model": "default", "pooling": "mean"})", "application/json")->status, 201);
  ASSERT_EQ(server.post("/collections/t/points", R"({"points": [{"id": "a", "text": "king queen"},
      {"id": "b", "text": "apple banana"}, {"id": "c", "text": "car road"}, {"id": "d", "text": "cat dog"}]})")->status, 200);
  auto located = server.post("/collections/t/locate", R"({"text": "king queen", "method": "pca", "dim": 2})");
  ASSERT_EQ(located->status, 200) << located->body;
  auto body = body_json(located);
  // The text of point "a" lands exactly on "a", and "a" is its best neighbour with cosine 1.
  auto projected = body_json(server.post("/collections/t/project", R"({"method": "pca", "dim": 2})"));
  EXPECT_NEAR(body["coords"][0].get<double>(), projected["points"][0]["coords"][0].get<double>(), 1e-4);
  EXPECT_NEAR(body["coords"][1].get<double>(), projected["points"][0]["coords"][1].get<double>(), 1e-4);
  EXPECT_EQ(body["neighbors"][0]["id"], "a");
  EXPECT_NEAR(body["neighbors"][0]["score"].get<double>(), 1.0, 1e-5);
  EXPECT_EQ(body["neighbors"].size(), 4u);
  EXPECT_EQ(server.post("/collections/t/locate", R"({"method": "pca"})")->status, 400);  // no text
}

TEST(ProjectorRoutes, ModelProjectionTakesTheMostFrequentWords) {
  TestServer server;
  auto body = body_json(server.post("/models/default/project", R"({"limit": 6})"));
  ASSERT_EQ(body["points"].size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(body["points"][i]["id"], test_words()[i]);
    EXPECT_EQ(body["points"][i]["metadata"], nlohmann::json::object());
    EXPECT_EQ(body["points"][i]["coords"].size(), 2u);
  }
  EXPECT_EQ(error_code(server.post("/models/nope/project", "{}")), "model_not_found");
}

}  // namespace
}  // namespace semspace::serve::testing
