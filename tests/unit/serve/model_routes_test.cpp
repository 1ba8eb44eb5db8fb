// GET /models, /v1/models, /health, /metrics and the word queries of a word-vector model.
#include <gtest/gtest.h>

#include "analysis/word_queries.hpp"
#include "serve_fixture.hpp"

namespace semspace::serve::testing {
namespace {

TEST(ModelRoutes, ListsTheServedModels) {
  TestServer server;
  for (const char* path : {"/models", "/v1/models"}) {
    auto body = body_json(server.get(path));
    EXPECT_EQ(body["object"], "list");
    ASSERT_EQ(body["data"].size(), 1u);
    EXPECT_EQ(body["data"][0]["id"], "default");
    EXPECT_EQ(body["data"][0]["object"], "model");
    EXPECT_EQ(body["data"][0]["owned_by"], "semspace");
    EXPECT_EQ(body["data"][0]["kind"], "word-vectors");
    EXPECT_EQ(body["data"][0]["dimension"], kTestDim);
  }
  EXPECT_EQ(body_json(server.get("/health"))["status"], "ok");
}

TEST(ModelRoutes, WordQueriesEqualTheLibrary) {
  TestServer server;
  const WordVectors model = make_test_model();
  auto expected = nearest_neighbors(model, "king", 3);
  ASSERT_TRUE(expected);
  auto body = body_json(server.post("/models/default/neighbors", R"({"word": "king", "k": 3})"));
  ASSERT_EQ(body["result"].size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(body["result"][i]["word"], (*expected)[i].word);
    EXPECT_NEAR(body["result"][i]["score"].get<double>(), (*expected)[i].score, 1e-6);
  }
  auto answer = analogy(model, "man", "king", "woman", 2);
  auto analogy_body = body_json(server.post("/models/default/analogy", R"({"a": "man", "b": "king", "c": "woman", "k": 2})"));
  EXPECT_EQ(analogy_body["result"][0]["word"], (*answer)[0].word);
  auto similar = similarity(model, "cat", "dog");
  EXPECT_NEAR(body_json(server.post("/models/default/similarity", R"({"a": "cat", "b": "dog"})"))["score"].get<double>(),
              *similar, 1e-6);

  EXPECT_EQ(error_code(server.post("/models/default/neighbors", R"({"word": "zebra"})")), "word_not_found");
  EXPECT_EQ(error_code(server.post("/models/other/neighbors", R"({"word": "king"})")), "model_not_found");
  EXPECT_EQ(error_code(server.post("/models/default/neighbors", R"({"word": 3})")), "invalid_request");
  EXPECT_EQ(error_code(server.post("/models/default/neighbors", R"({"word": "king", "k": 0})")), "invalid_request");
}

TEST(ModelRoutes, MetricsCountRequestsLatencyAndBatches) {
  TestServer server;
  ASSERT_EQ(server.post("/v1/embeddings", R"({"input": ["cat", "dog"]})")->status, 200);
  ASSERT_EQ(server.post("/v1/embeddings", R"({"input": 1})")->status, 400);
  // httplib records a request (the logger) just after sending its answer: poll until both are in.
  std::string text;
  for (int i = 0; i < 500; ++i) {
    auto metrics = server.get("/metrics");
    ASSERT_EQ(metrics->status, 200);
    text = metrics->body;
    if (text.find(R"(semspace_http_request_duration_seconds_count{route="/v1/embeddings"} 2)") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_NE(text.find(R"(semspace_http_requests_total{route="/v1/embeddings",status="200"} 1)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(semspace_http_requests_total{route="/v1/embeddings",status="400"} 1)"), std::string::npos);
  EXPECT_NE(text.find(R"(semspace_http_request_duration_seconds_count{route="/v1/embeddings"} 2)"), std::string::npos);
  EXPECT_NE(text.find("semspace_embedding_batch_size_count 1\n"), std::string::npos);
  EXPECT_NE(text.find("semspace_embedding_batch_size_sum 2\n"), std::string::npos);
  EXPECT_NE(text.find("semspace_embedding_queue_depth 0\n"), std::string::npos);
}

TEST(ModelRoutes, UnknownRoutesAreJson404) {
  TestServer server;
  std::vector<httplib::Result> results;
  results.push_back(server.get("/nope"));
  results.push_back(server.post("/nope", "{}"));
  results.push_back(server.post("/v1/other", "{}"));
  for (const auto& result : results) {
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 404);
    EXPECT_EQ(error_code(result), "not_found");
  }
}

}  // namespace
}  // namespace semspace::serve::testing
