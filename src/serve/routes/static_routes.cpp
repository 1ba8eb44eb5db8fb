// The projector page: files under --web DIR (web/dist once built) at /, or a short note saying how to build it.
// A request can reach only regular files inside that folder: segments "." and ".." (however they were encoded;
// httplib decodes %2e before routing), backslashes and NUL bytes are refused, and the resolved path (symlinks
// followed) must still lie inside the folder's resolved path.
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "serve/http_error.hpp"
#include "serve/routes/routes.hpp"

namespace semspace::serve {
namespace {

constexpr const char* kNoPage = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>semspace</title></head>
<body><h1>semspace is serving</h1>
<p>The projector page is not built. Build it with <code>cd web &amp;&amp; npm install &amp;&amp; npm run build</code>
(it lands in web/dist), then restart <code>semspace serve</code> (or pass <code>--web DIR</code>).</p>
<p>The HTTP API answers meanwhile: <a href="/health">/health</a>, <a href="/models">/models</a>,
<a href="/collections">/collections</a>, <code>POST /v1/embeddings</code>; see docs/http-api.md.</p>
</body></html>
)";

std::string content_type(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".wasm") return "application/wasm";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool safe_relative_path(std::string_view path) {
  if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) return false;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "." || segment == "..") return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

tl::expected<std::filesystem::path, HttpError> resolve_static_path(const std::filesystem::path& root, std::string_view url_path) {
  const HttpError forbidden{403, "forbidden", "that path is outside the page's folder"};
  const HttpError not_found{404, "not_found", fmt::format("no file at {}", url_path)};
  std::string_view relative = url_path;
  while (relative.starts_with('/')) relative.remove_prefix(1);
  if (!safe_relative_path(relative)) return tl::unexpected(forbidden);
  std::error_code ec;
  const auto base = std::filesystem::canonical(root, ec);
  if (ec) return tl::unexpected(not_found);
  auto candidate = base / std::filesystem::path(std::string(relative));
  if (relative.empty() || std::filesystem::is_directory(candidate, ec)) candidate /= "index.html";
  const auto resolved = std::filesystem::canonical(candidate, ec);
  if (ec) return tl::unexpected(not_found);
  // Inside the folder after symlinks are followed: compare whole path components, not string prefixes.
  auto [base_end, resolved_it] = std::mismatch(base.begin(), base.end(), resolved.begin(), resolved.end());
  if (base_end != base.end()) return tl::unexpected(forbidden);
  if (!std::filesystem::is_regular_file(resolved, ec)) return tl::unexpected(not_found);
  return resolved;
}

void register_static_routes(httplib::Server& server, ServerState& state) {
  server.Get("/(.*)", labelled("/{static}", [&state](const httplib::Request& request, httplib::Response& response) {
    const auto& root = state.options().web_dir;
    std::error_code ec;
    if (root.empty() || !std::filesystem::is_directory(root, ec)) {
      if (request.path == "/" || request.path == "/index.html") {
        return response.set_content(kNoPage, "text/html; charset=utf-8");
      }
      return send_error(response, HttpError{404, "not_found", fmt::format("no route for GET {}", request.path)});
    }
    auto path = resolve_static_path(root, request.path);
    if (!path) return send_error(response, path.error());
    std::ifstream file(*path, std::ios::binary);
    std::ostringstream content;
    content << file.rdbuf();
    if (!file && !file.eof()) return send_error(response, HttpError{500, "internal_error", "cannot read the file"});
    response.set_content(content.str(), content_type(*path));
  }));
}

}  // namespace semspace::serve
