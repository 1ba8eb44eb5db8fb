// The page's files: served from their folder and nowhere else (../, encoded dots, symlinks out, backslashes).
#include <fstream>

#include <gtest/gtest.h>

#include "serve/routes/routes.hpp"
#include "serve_fixture.hpp"

namespace semspace::serve::testing {
namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

TEST(StaticRoutes, ServesTheFolderAndNothingOutside) {
  TestServer server([](ServeOptions& options, const std::filesystem::path& dir) {
    options.web_dir = dir / "web";
    write_file(dir / "web" / "index.html", "<p>page</p>");
    write_file(dir / "web" / "assets" / "app.js", "console.log(1)");
    write_file(dir / "secret.txt", "SECRET-CONTENT");
    std::filesystem::create_directories(dir / "outside");
    write_file(dir / "outside" / "x.txt", "OUTSIDE-CONTENT");
    std::filesystem::create_symlink(dir / "secret.txt", dir / "web" / "link.txt");
    std::filesystem::create_directory_symlink(dir / "outside", dir / "web" / "out");
  });
  auto index = server.get("/");
  ASSERT_EQ(index->status, 200);
  EXPECT_EQ(index->body, "<p>page</p>");
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  auto js = server.get("/assets/app.js");
  ASSERT_EQ(js->status, 200);
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(server.get("/assets/missing.js")->status, 404);

  auto raw = server.client();
  raw->set_url_encode(false);  // send the attempts exactly as written
  for (const char* attack : {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
                             "/..%2fsecret.txt", "/link.txt", "/out/x.txt", "/..\\secret.txt", "/%00index.html"}) {
    auto result = raw->Get(attack);
    ASSERT_TRUE(result) << attack;
    EXPECT_TRUE(result->status == 403 || result->status == 404 || result->status == 400) << attack << " -> " << result->status;
    EXPECT_EQ(result->body.find("SECRET-CONTENT"), std::string::npos) << attack;
    EXPECT_EQ(result->body.find("OUTSIDE-CONTENT"), std::string::npos) << attack;
  }
}

TEST(StaticRoutes, ResolveRefusesEscapes) {
  ScratchDir dir;
  write_file(dir.path() / "web" / "index.html", "x");
  write_file(dir.path() / "web" / "a" / "b.txt", "y");
  write_file(dir.path() / "secret.txt", "s");
  std::filesystem::create_symlink(dir.path() / "secret.txt", dir.path() / "web" / "link.txt");
  const auto root = dir.path() / "web";
  EXPECT_EQ(*resolve_static_path(root, "/"), std::filesystem::canonical(root / "index.html"));
  EXPECT_EQ(*resolve_static_path(root, "/a/b.txt"), std::filesystem::canonical(root / "a" / "b.txt"));
  EXPECT_EQ(resolve_static_path(root, "/../secret.txt").error().status, 403);
  EXPECT_EQ(resolve_static_path(root, "/a/./b.txt").error().status, 403);
  EXPECT_EQ(resolve_static_path(root, "/a\\..\\..\\secret.txt").error().status, 403);
  EXPECT_EQ(resolve_static_path(root, std::string_view("/a\0b", 4)).error().status, 403);
  EXPECT_EQ(resolve_static_path(root, "/link.txt").error().status, 403);
  EXPECT_EQ(resolve_static_path(root, "/a").error().status, 404);  // a folder without index.html
  EXPECT_EQ(resolve_static_path(root, "/missing").error().status, 404);
}

TEST(StaticRoutes, WithoutTheBuiltPageANoteSaysHowToBuildIt) {
  TestServer server([](ServeOptions& options, const std::filesystem::path& dir) { options.web_dir = dir / "no-such-dir"; });
  auto page = server.get("/");
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("npm run build"), std::string::npos);
  EXPECT_EQ(server.get("/app.js")->status, 404);
}

}  // namespace
}  // namespace semspace::serve::testing
