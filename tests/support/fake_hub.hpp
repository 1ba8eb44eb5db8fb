// An in-process imitation of the Hugging Face hub's download API for tests (cpp-httplib on 127.0.0.1, two ports):
// the "hub" answers GET /api/models/{repo}/revision/{rev} and GET /{repo}/resolve/{commit}/{file}; files marked
// via_cdn are redirected (302) to a second server, the "CDN", as the real hub does for LFS files. It records every
// request (server, path, Authorization, Range) so tests can assert what a client sent. No internet is involved.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/sha256.hpp"

namespace semspace::testing {

class FakeServer {
 public:
  FakeServer() = default;
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;
  ~FakeServer() { stop(); }

  void start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  void stop() {
    if (thread_.joinable()) {
      server_.stop();
      thread_.join();
    }
  }
  httplib::Server& server() { return server_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

class FakeHub {
 public:
  struct File {
    std::string content;
    bool lfs = false;      // listed with lfs.sha256 (and served through the CDN when via_cdn)
    bool via_cdn = false;  // the hub answers with a 302 to the CDN server
    std::optional<std::string> listed_sha256;   // what the listing claims, when it should lie
    std::optional<std::uint64_t> listed_size;   // likewise
  };
  static File file(std::string content, bool lfs = false, bool via_cdn = false) {
    return File{.content = std::move(content), .lfs = lfs, .via_cdn = via_cdn, .listed_sha256 = {}, .listed_size = {}};
  }
  struct Request {
    std::string server;  // "hub" or "cdn"
    std::string path;
    std::string authorization;
    std::string range;
  };

  std::string repo = "org/model";
  std::string revision = "main";
  std::string commit = "0123456789abcdef0123456789abcdef01234567";
  std::map<std::string, File> files;
  std::string required_token;  // non-empty: the hub answers 401 unless "Authorization: Bearer <required_token>"
  bool forbidden = false;      // the hub answers 403 GatedRepo to every request (a gated repo whose terms were not
                               // accepted by the token's account)
  bool ignore_range = false;   // answer 200 with the whole file even when a Range was asked for
  std::map<std::string, std::size_t> drop_once;  // file -> bytes sent before the first download is cut off
  std::set<std::string> unresolvable;  // listed, but resolve answers 404 EntryNotFound (deleted meanwhile)

  FakeHub() {
    hub_.server().Get(R"(/api/models/([^/]+/[^/]+)/revision/(.+))",
                      [this](const httplib::Request& req, httplib::Response& res) { listing(req, res); });
    hub_.server().Get(R"(/([^/]+/[^/]+)/resolve/([^/]+)/(.+))",
                      [this](const httplib::Request& req, httplib::Response& res) { resolve(req, res); });
    cdn_.server().Get(R"(/blob/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
      record("cdn", req);
      serve(req.matches[1], req, res);
    });
    hub_.start();
    cdn_.start();
  }

  std::string url() const { return hub_.url(); }
  std::string cdn_url() const { return cdn_.url(); }

  std::vector<Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  /// Requests for file contents (resolve on the hub, blobs on the CDN), i.e. everything but listings.
  std::size_t download_requests() const {
    std::size_t n = 0;
    for (const auto& r : requests()) n += r.path.find("/api/") == 0 ? 0 : 1;
    return n;
  }

 private:
  void record(const std::string& server, const httplib::Request& req) {
    std::lock_guard lock(mutex_);
    requests_.push_back({server, req.path, req.get_header_value("Authorization"), req.get_header_value("Range")});
  }

  bool authorized(const httplib::Request& req, httplib::Response& res) {
    if (forbidden) {
      res.status = 403;
      res.set_header("X-Error-Code", "GatedRepo");
      res.set_header("X-Error-Message", "Access to model org/model is restricted and you are not in the authorized list.");
      return false;
    }
    if (required_token.empty() || req.get_header_value("Authorization") == "Bearer " + required_token) return true;
    res.status = 401;
    res.set_header("X-Error-Code", "GatedRepo");
    res.set_content(R"({"error":"Access to this model is restricted"})", "application/json");
    return false;
  }

  void listing(const httplib::Request& req, httplib::Response& res) {
    record("hub", req);
    if (!authorized(req, res)) return;
    if (req.matches[1] != repo) {
      res.status = 404;
      res.set_header("X-Error-Code", "RepoNotFound");
      res.set_content(R"({"error":"Repository not found"})", "application/json");
      return;
    }
    if (req.matches[2] != revision && req.matches[2] != commit) {
      res.status = 404;
      res.set_header("X-Error-Code", "RevisionNotFound");
      res.set_content(R"({"error":"Invalid rev id"})", "application/json");
      return;
    }
    nlohmann::json siblings = nlohmann::json::array();
    for (const auto& [name, file] : files) {
      const std::uint64_t size = file.listed_size.value_or(file.content.size());
      nlohmann::json sibling{{"rfilename", name}, {"size", size}, {"blobId", std::string(40, 'b')}};
      if (file.lfs) {
        sibling["lfs"] = {{"sha256", file.listed_sha256.value_or(io::sha256_hex(file.content))},
                          {"size", size},
                          {"pointerSize", 134}};
      }
      siblings.push_back(sibling);
    }
    res.set_content(nlohmann::json{{"id", repo}, {"sha", commit}, {"siblings", siblings}}.dump(), "application/json");
  }

  void resolve(const httplib::Request& req, httplib::Response& res) {
    record("hub", req);
    if (!authorized(req, res)) return;
    auto it = files.find(req.matches[3]);
    if (req.matches[1] != repo || req.matches[2] != commit || it == files.end() || unresolvable.contains(it->first)) {
      res.status = 404;
      res.set_header("X-Error-Code", "EntryNotFound");
      res.set_content(R"({"error":"Entry not found"})", "application/json");
      return;
    }
    if (it->second.via_cdn) {
      res.set_redirect(cdn_url() + "/blob/" + it->first + "?X-Amz-Signature=secret", 302);
      return;
    }
    serve(it->first, req, res);
  }

  void serve(const std::string& name, const httplib::Request& req, httplib::Response& res) {
    // httplib would slice ranged responses itself; the fake decides (206, 200 or 416) as a server under test would.
    const_cast<httplib::Request&>(req).ranges.clear();
    auto it = files.find(name);
    if (it == files.end()) {
      res.status = 404;
      return;
    }
    const std::string& content = it->second.content;
    std::size_t cut = 0;
    {
      std::lock_guard lock(mutex_);
      if (auto d = drop_once.find(name); d != drop_once.end()) {
        cut = d->second;
        drop_once.erase(d);
      }
    }
    if (cut > 0) {  // announce the whole length, send `cut` bytes, then drop the connection
      res.status = 200;
      res.set_content_provider(content.size(), "application/octet-stream",
                               [content, cut](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                 if (offset >= cut) return false;
                                 sink.write(content.data() + offset, cut - offset);
                                 return true;
                               });
      return;
    }
    const std::string range = req.get_header_value("Range");
    if (!range.empty() && !ignore_range && range.rfind("bytes=", 0) == 0) {
      const std::size_t from = std::stoull(range.substr(6));
      if (from >= content.size()) {
        res.status = 416;
        res.set_header("Content-Range", "bytes */" + std::to_string(content.size()));
        return;
      }
      res.status = 206;
      res.set_header("Content-Range",
                     "bytes " + std::to_string(from) + "-" + std::to_string(content.size() - 1) + "/" +
                         std::to_string(content.size()));
      res.set_content(content.substr(from), "application/octet-stream");
      return;
    }
    res.status = 200;
    res.set_content(content, "application/octet-stream");
  }

  mutable std::mutex mutex_;
  std::vector<Request> requests_;
  // Last, so the servers stop (joining their handlers) before anything a handler touches is destroyed.
  FakeServer hub_;
  FakeServer cdn_;
};

}  // namespace semspace::testing
