// API keys: constant-time comparison, Bearer checking over HTTP, and refusing to listen beyond loopback without one.
#include <gtest/gtest.h>

#include "serve/auth.hpp"
#include "serve_fixture.hpp"

namespace semspace::serve::testing {
namespace {

TEST(Auth, ConstantTimeEqualsIsEquality) {
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_TRUE(constant_time_equals("secret-key", "secret-key"));
  EXPECT_FALSE(constant_time_equals("secret-key", "secret-kex"));  // last byte
  EXPECT_FALSE(constant_time_equals("secret-key", "Xecret-key"));  // first byte
  EXPECT_FALSE(constant_time_equals("secret-key", "secret-ke"));   // a prefix
  EXPECT_FALSE(constant_time_equals("secret-key", std::string_view("secret-key\0", 11)));
  EXPECT_FALSE(constant_time_equals("", "a"));
  // Random pairs agree with ==.
  core::Rng rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::string a(rng.next() % 5, 'a'), b(rng.next() % 5, 'a');
    for (auto& c : a) c = static_cast<char>('a' + rng.next() % 2);
    for (auto& c : b) c = static_cast<char>('a' + rng.next() % 2);
    EXPECT_EQ(constant_time_equals(a, b), a == b) << a << " " << b;
  }
}

TEST(Auth, BearerHeader) {
  EXPECT_TRUE(bearer_matches("Bearer k1", "k1"));
  EXPECT_TRUE(bearer_matches("bearer k1", "k1"));
  EXPECT_FALSE(bearer_matches("Bearer k2", "k1"));
  EXPECT_FALSE(bearer_matches("Basic k1", "k1"));
  EXPECT_FALSE(bearer_matches("k1", "k1"));
  EXPECT_FALSE(bearer_matches("", "k1"));
}

TEST(Auth, ApiNeedsTheKeyHealthAndPageDoNot) {
  TestServer server([](ServeOptions& options, const std::filesystem::path&) { options.api_key = "s3cret"; });
  auto none = server.post("/v1/embeddings", R"({"input": "cat"})");
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(error_code(none), "unauthorized");
  EXPECT_EQ(none->get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(server.post("/v1/embeddings", R"({"input": "cat"})", {{"Authorization", "Bearer wrong"}})->status, 401);
  EXPECT_EQ(server.get("/collections")->status, 401);
  EXPECT_EQ(server.get("/metrics")->status, 401);
  EXPECT_EQ(server.post("/v1/embeddings", R"({"input": "cat"})", {{"Authorization", "Bearer s3cret"}})->status, 200);
  EXPECT_EQ(server.get("/health")->status, 200);
  EXPECT_EQ(server.get("/")->status, 200);
}

TEST(Auth, NonLoopbackNeedsAKey) {
  ServeOptions options;
  options.host = "0.0.0.0";
  auto refused = options.validate();
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("--api-key"), std::string::npos);
  options.api_key = "k";
  EXPECT_TRUE(options.validate());
  options = {};
  options.host = "127.0.0.1";
  EXPECT_TRUE(options.validate());
  EXPECT_TRUE(is_loopback("::1"));
  EXPECT_TRUE(is_loopback("localhost"));
  EXPECT_FALSE(is_loopback("192.168.1.5"));
  EXPECT_FALSE(Server::create([] { ServeOptions o; o.host = "10.0.0.1"; return o; }()));
}

}  // namespace
}  // namespace semspace::serve::testing
