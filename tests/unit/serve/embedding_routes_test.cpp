// POST /v1/embeddings and POST /embed against the library's own encoding, plus every failure path.
#include <cmath>
#include <cstring>

#include <gtest/gtest.h>

#include "serve/served_model.hpp"
#include "serve_fixture.hpp"

namespace semspace::serve::testing {
namespace {

// Independent reference: the plain mean of the words' vectors (the server mean-pools word vectors).
std::vector<float> mean_of(const std::vector<std::string>& words) {
  const WordVectors model = make_test_model();
  std::vector<double> sum(kTestDim, 0.0);
  for (const auto& word : words) {
    auto row = model.vector(*model.find(word));
    for (std::size_t c = 0; c < kTestDim; ++c) sum[c] += row[c];
  }
  std::vector<float> out;
  for (double x : sum) out.push_back(static_cast<float>(x / static_cast<double>(words.size())));
  return out;
}

std::vector<float> floats(const nlohmann::json& array) { return array.get<std::vector<float>>(); }

std::vector<float> decode_base64_floats(const std::string& text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : 63;
  };
  std::string bytes;
  for (std::size_t i = 0; i + 3 < text.size(); i += 4) {
    const int n = (value(text[i]) << 18) | (value(text[i + 1]) << 12) | (text[i + 2] == '=' ? 0 : value(text[i + 2]) << 6) |
                  (text[i + 3] == '=' ? 0 : value(text[i + 3]));
    bytes += static_cast<char>((n >> 16) & 255);
    if (text[i + 2] != '=') bytes += static_cast<char>((n >> 8) & 255);
    if (text[i + 3] != '=') bytes += static_cast<char>(n & 255);
  }
  std::vector<float> out(bytes.size() / 4);
  std::memcpy(out.data(), bytes.data(), out.size() * 4);
  return out;
}

void expect_near(const std::vector<float>& a, const std::vector<float>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-5) << "at " << i;
}

TEST(EmbeddingRoutes, OpenAiFloatsAreTheMeanOfTheWordVectorsWithHonestUsage) {
  TestServer server;
  auto result = server.post("/v1/embeddings", R"({"input": ["king queen", "red apple banana"], "model": "default"})");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  auto body = body_json(result);
  EXPECT_EQ(body["object"], "list");
  EXPECT_EQ(body["model"], "default");
  ASSERT_EQ(body["data"].size(), 2u);
  EXPECT_EQ(body["data"][1]["index"], 1);
  EXPECT_EQ(body["data"][0]["object"], "embedding");
  expect_near(floats(body["data"][0]["embedding"]), mean_of({"king", "queen"}));
  expect_near(floats(body["data"][1]["embedding"]), mean_of({"red", "apple", "banana"}));
  EXPECT_EQ(body["usage"]["prompt_tokens"], 5);
  EXPECT_EQ(body["usage"]["total_tokens"], 5);
}

TEST(EmbeddingRoutes, StringInputBase64AndDimensions) {
  TestServer server;
  auto b64 = body_json(server.post("/v1/embeddings", R"({"input": "cat dog", "encoding_format": "base64"})"));
  expect_near(decode_base64_floats(b64["data"][0]["embedding"].get<std::string>()), mean_of({"cat", "dog"}));

  auto cut = body_json(server.post("/v1/embeddings", R"({"input": "cat dog", "dimensions": 3})"));
  auto full = mean_of({"cat", "dog"});
  const double norm = std::sqrt(full[0] * full[0] + full[1] * full[1] + full[2] * full[2]);
  expect_near(floats(cut["data"][0]["embedding"]),
              {static_cast<float>(full[0] / norm), static_cast<float>(full[1] / norm), static_cast<float>(full[2] / norm)});
}

TEST(EmbeddingRoutes, TeiEmbedNormalisesByDefault) {
  TestServer server;
  auto result = server.post("/embed", R"({"inputs": ["fast car", "slow road"]})");
  ASSERT_EQ(result->status, 200) << result->body;
  auto body = body_json(result);
  ASSERT_TRUE(body.is_array());
  ASSERT_EQ(body.size(), 2u);
  auto mean = mean_of({"fast", "car"});
  double norm = 0;
  for (float x : mean) norm += x * x;
  for (auto& x : mean) x = static_cast<float>(x / std::sqrt(norm));
  expect_near(floats(body[0]), mean);
  auto raw = body_json(server.post("/embed", R"({"inputs": "slow road", "normalize": false})"));
  expect_near(floats(raw[0]), mean_of({"slow", "road"}));
}

TEST(EmbeddingRoutes, BadRequestsGetTheRightStatusAndCode) {
  TestServer server([](ServeOptions& options, const std::filesystem::path&) {
    options.max_texts = 3;
    options.max_body_mb = 1;
  });
  struct Case {
    std::string body;
    int status;
    std::string code;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {R"({"input": ["a"])", 400, "invalid_request", "not valid JSON"},
      {R"([1, 2])", 400, "invalid_request", "JSON object"},
      {R"({"input": 5})", 400, "invalid_request", "field \"input\""},
      {R"({"input": []})", 400, "invalid_request", "empty list"},
      {R"({"input": ["ok", true]})", 400, "invalid_request", "input[1]"},
      {R"({"input": [[1, 2]]})", 400, "invalid_request", "token arrays"},
      {R"({})", 400, "invalid_request", "is required"},
      {R"({"input": "x", "encoding_format": "hex"})", 400, "invalid_request", "encoding_format"},
      {R"({"input": "x", "dimensions": 0})", 400, "invalid_request", "dimensions"},
      {R"({"input": "x", "dimensions": 9})", 400, "invalid_request", "dimensions"},
      {"{\"input\": \"bad \xff utf8\"}", 400, "invalid_request", "UTF-8"},
      {R"({"input": "x", "model": "nope"})", 404, "model_not_found", "nope"},
      {R"({"input": ["a", "b", "c", "d"]})", 413, "too_many_inputs", "limit is 3"},
  };
  for (const auto& c : cases) {
    auto result = server.post("/v1/embeddings", c.body);
    ASSERT_TRUE(result) << c.body;
    EXPECT_EQ(result->status, c.status) << c.body << " -> " << result->body;
    EXPECT_EQ(error_code(result), c.code) << c.body;
    const std::string message = body_json(result)["error"]["message"];
    EXPECT_NE(message.find(c.message_part), std::string::npos) << c.body << " -> " << message;
  }
  // A 10 MB string is over the 1 MB body limit: 413 before any parsing, and the server keeps serving.
  auto huge = server.post("/v1/embeddings", "{\"input\": \"" + std::string(10u << 20, 'a') + "\"}");
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
  EXPECT_EQ(error_code(huge), "payload_too_large");
  EXPECT_EQ(server.post("/v1/embeddings", R"({"input": "cat"})")->status, 200);
}

TEST(EmbeddingRoutes, LibraryEncodingAgreesWithTheServer) {
  TestServer server;
  const TextModel model(make_test_model());
  const std::vector<std::string> texts = {"the king eats", "green apple"};
  auto expected = encode_for_serving(model, texts, 1, 8);
  ASSERT_TRUE(expected);
  auto body = body_json(server.post("/v1/embeddings", R"({"input": ["the king eats", "green apple"]})"));
  for (std::size_t i = 0; i < texts.size(); ++i) {
    expect_near(floats(body["data"][i]["embedding"]), std::vector<float>(expected->row(i).begin(), expected->row(i).end()));
  }
  EXPECT_EQ(count_tokens(model, "the king eats"), 3u);
}

}  // namespace
}  // namespace semspace::serve::testing
