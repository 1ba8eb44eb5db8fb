// The request the OpenAI Python client sends (tests/data/serve/openai_python_embeddings.json: headers and JSON as
// it writes them) is answered with every field the client reads, the base64 vectors decoding (as numpy does) to
// the vectors the float format gives.
#include <cstring>
#include <fstream>

#include <gtest/gtest.h>

#include "serve_fixture.hpp"

namespace semspace::serve::testing {
namespace {

std::vector<float> decode_float32_base64(const std::string& text) {
  std::string bytes;
  int buffer = 0, bits = 0;
  for (char c : text) {
    int value;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    else if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
    else if (c >= '0' && c <= '9') value = c - '0' + 52;
    else if (c == '+') value = 62;
    else if (c == '/') value = 63;
    else break;  // '=' padding
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes += static_cast<char>((buffer >> bits) & 255);
    }
  }
  std::vector<float> out(bytes.size() / 4);
  std::memcpy(out.data(), bytes.data(), out.size() * 4);  // little-endian float32, as numpy's dtype="float32" here
  return out;
}

TEST(OpenAiCompat, RecordedPythonClientRequest) {
  std::ifstream file(std::string(SEMSPACE_SOURCE_DIR) + "/tests/data/serve/openai_python_embeddings.json");
  ASSERT_TRUE(file);
  const auto fixture = nlohmann::json::parse(file);
  TestServer server([](ServeOptions& options, const std::filesystem::path&) { options.api_key = "sk-test-key"; });
  httplib::Headers headers;
  for (const auto& [name, value] : fixture["request"]["headers"].items()) headers.emplace(name, value.get<std::string>());
  const std::string body = fixture["request"]["body"].dump();
  auto result = server.client()->Post(fixture["request"]["path"].get<std::string>().c_str(), headers, body, "application/json");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, fixture["response"]["status"].get<int>()) << result->body;
  EXPECT_NE(result->get_header_value("Content-Type").find("application/json"), std::string::npos);
  auto answer = body_json(result);
  for (const auto& key : fixture["response"]["required"]) EXPECT_TRUE(answer.contains(key.get<std::string>())) << key;
  EXPECT_EQ(answer["object"], fixture["response"]["object"]);
  EXPECT_EQ(answer["model"], "default");
  for (const auto& key : fixture["response"]["usage_required"]) EXPECT_TRUE(answer["usage"][key.get<std::string>()].is_number_integer());
  EXPECT_EQ(answer["usage"]["prompt_tokens"], 8);  // 5 + 3 words

  // The same texts as floats: the base64 rows must decode to exactly these.
  auto floats = body_json(server.client()->Post("/v1/embeddings", {{"Authorization", "Bearer sk-test-key"}},
                                                 R"({"input": ["the king and the queen", "a green apple"]})", "application/json"));
  const auto& inputs = fixture["request"]["body"]["input"];
  ASSERT_EQ(answer["data"].size(), inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto& item = answer["data"][i];
    for (const auto& key : fixture["response"]["data_item_required"]) EXPECT_TRUE(item.contains(key.get<std::string>()));
    EXPECT_EQ(item["object"], fixture["response"]["data_item_object"]);
    EXPECT_EQ(item["index"], i);
    ASSERT_TRUE(item["embedding"].is_string());
    auto decoded = decode_float32_base64(item["embedding"].get<std::string>());
    EXPECT_EQ(decoded, floats["data"][i]["embedding"].get<std::vector<float>>());
    EXPECT_EQ(decoded.size(), kTestDim);
  }
  // Without the key the client gets 401 with the error shape it parses.
  headers.erase("Authorization");
  auto refused = server.client()->Post("/v1/embeddings", headers, body, "application/json");
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(error_code(refused), "unauthorized");
}

}  // namespace
}  // namespace semspace::serve::testing
