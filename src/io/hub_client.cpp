#include "io/hub_client.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "io/atomic_file.hpp"
#include "io/hub_files.hpp"
#include "io/sha256.hpp"

namespace semspace::io {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxRedirects = 10;
constexpr std::size_t kListingLimit = 64u << 20;  // a listing of tens of thousands of files stays far below this
constexpr std::size_t kErrorBodyLimit = 64u << 10;

// ---------------------------------------------------------------------------------------------------------------
// Environment

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

std::string trim(std::string s) {
  const auto is_space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && is_space(s.back())) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && is_space(s[start])) ++start;
  return s.substr(start);
}

std::string read_token_file(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return "";
  return trim(line);
}

// ---------------------------------------------------------------------------------------------------------------
// URLs

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// Percent-encodes everything but unreserved characters (and '/' when keep_slash): a revision like "refs/pr/1" is one
// path segment to the hub, while a file path keeps its folders.
std::string url_encode(std::string_view text, bool keep_slash) {
  std::string out;
  for (char c : text) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out += c;
    } else {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return out;
}

// Signed CDN URLs carry long query strings with credentials; messages show the URL without them.
std::string display_url(std::string_view url) { return std::string(url.substr(0, url.find('?'))); }

struct UrlCleanup {
  void operator()(CURLU* u) const noexcept { curl_url_cleanup(u); }
};

// scheme://host:port, lowercased, with the scheme's default port filled in: the unit the Authorization header is
// scoped to.
std::optional<std::string> origin_of(const std::string& url) {
  std::unique_ptr<CURLU, UrlCleanup> handle(curl_url());
  if (!handle || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return std::nullopt;
  auto part = [&](CURLUPart which, unsigned flags) -> std::optional<std::string> {
    char* value = nullptr;
    if (curl_url_get(handle.get(), which, &value, flags) != CURLUE_OK || value == nullptr) return std::nullopt;
    std::string out(value);
    curl_free(value);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
  };
  auto scheme = part(CURLUPART_SCHEME, 0);
  auto host = part(CURLUPART_HOST, 0);
  auto port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!scheme || !host || !port) return std::nullopt;
  return *scheme + "://" + *host + ":" + *port;
}

// ---------------------------------------------------------------------------------------------------------------
// The .part file a download appends to.

class PartFile {
 public:
  PartFile(fs::path path, std::uint64_t have) : path_(std::move(path)), have_(have) {}
  PartFile(const PartFile&) = delete;
  PartFile& operator=(const PartFile&) = delete;
  ~PartFile() {
    if (file_ != nullptr) std::fclose(file_);
  }

  // Called once the status is known: 206 continues after the bytes we have (the server must say it starts there);
  // 200 is the whole file from byte 0, because the server ignored or could not honour the Range.
  Status begin(long status, std::string_view content_range, const std::string& url) {
    started_ = true;
    if (status == 206) {
      std::uint64_t start = 0;
      const auto digits = content_range.find_first_of("0123456789");
      const bool parsed = content_range.rfind("bytes ", 0) == 0 && digits != std::string_view::npos &&
                          std::from_chars(content_range.data() + digits,
                                          content_range.data() + content_range.size(), start).ec == std::errc{};
      if (!parsed || start != have_) {
        return make_error(ErrorCode::kIo,
                          fmt::format("{}: asked for bytes from {} but the server sent Content-Range \"{}\"",
                                      display_url(url), have_, content_range));
      }
      file_ = std::fopen(path_.c_str(), "ab");
    } else {
      have_ = 0;
      file_ = std::fopen(path_.c_str(), "wb");
    }
    if (file_ == nullptr) return fail("create");
    return {};
  }

  Status write(const char* data, std::size_t size) {
    if (std::fwrite(data, 1, size, file_) != size) return fail("write");
    have_ += size;
    return {};
  }

  // Flushed and fsynced, so the rename that follows the checks cannot expose a file whose bytes are not on disk.
  Status finish() {
    if (file_ == nullptr) return {};
    const bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
    const int err = errno;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!ok || !closed) {
      errno = ok ? errno : err;
      return fail("write");
    }
    return {};
  }

  bool started() const noexcept { return started_; }
  std::uint64_t size() const noexcept { return have_; }

 private:
  Status fail(std::string_view what) {
    const int err = errno;
    if (err == ENOSPC || err == EDQUOT) {
      return make_error(ErrorCode::kIo, fmt::format("{}: disk full (free some space, then pull again to resume)",
                                                    path_.string()));
    }
    return make_error(ErrorCode::kIo, fmt::format("{}: cannot {}: {}", path_.string(), what, std::strerror(err)));
  }

  fs::path path_;
  std::uint64_t have_;
  std::FILE* file_ = nullptr;
  bool started_ = false;
};

// ---------------------------------------------------------------------------------------------------------------
// HTTP over libcurl, following redirects by hand so the token reaches only the endpoint's origin: libcurl's own
// rule for custom headers on redirects (CURLOPT_UNRESTRICTED_AUTH) compares hosts only in newer versions, and a CDN
// must never see the token.

struct Response {
  long status = 0;
  std::string url;  // the URL that answered (after redirects)
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;  // when not streamed to a PartFile; capped

  std::string header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return value;
    }
    return "";
  }
};

struct GetSpec {
  PartFile* part = nullptr;     // 200/206 bodies go here; everything else to Response::body
  std::uint64_t range_from = 0;  // > 0: "Range: bytes=N-"
  std::size_t body_limit = kErrorBodyLimit;
  bool json = false;
  std::function<void(std::uint64_t)> on_bytes;  // after each block written to the part file
};

struct Transfer {
  const GetSpec* spec = nullptr;
  const std::string* url = nullptr;
  Response response;
  std::optional<Error> failure;  // set by a callback that aborted the transfer

  bool to_part() const { return spec->part != nullptr && (response.status == 200 || response.status == 206); }
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (e.g. after 100 Continue): forget earlier headers
    t.response.headers.clear();
    const auto space = line.find(' ');
    long status = 0;
    if (space != std::string_view::npos) std::from_chars(line.data() + space + 1, line.data() + line.size(), status);
    t.response.status = status;
    return size * count;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return size * count;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  t.response.headers.emplace_back(std::move(name), trim(std::string(line.substr(colon + 1))));
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (t.to_part()) {
    PartFile& part = *t.spec->part;
    if (!part.started()) {
      if (auto ok = part.begin(t.response.status, t.response.header("content-range"), *t.url); !ok) {
        t.failure = ok.error();
        return 0;  // anything but `bytes` aborts the transfer
      }
    }
    if (auto ok = part.write(data, bytes); !ok) {
      t.failure = ok.error();
      return 0;
    }
    if (t.spec->on_bytes) t.spec->on_bytes(part.size());
    return bytes;
  }
  if (t.response.body.size() + bytes > t.spec->body_limit) {
    t.failure = Error{ErrorCode::kIo, fmt::format("{}: response larger than {} bytes", display_url(*t.url),
                                                  t.spec->body_limit)};
    return 0;
  }
  t.response.body.append(data, bytes);
  return bytes;
}

struct CurlCleanup {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct SlistCleanup {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

class HubHttp {
 public:
  static Expected<HubHttp> open(const HubOptions& options) {
    // Process-wide and once: curl_global_init is not guaranteed thread-safe on every libcurl build.
    static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (init != CURLE_OK) {
      return make_error(ErrorCode::kIo, fmt::format("libcurl initialisation failed: {}", curl_easy_strerror(init)));
    }
    auto origin = origin_of(options.endpoint);
    if (!origin || (origin->rfind("https://", 0) != 0 && origin->rfind("http://", 0) != 0)) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("hub endpoint \"{}\" (HF_ENDPOINT) is not an http(s) URL", options.endpoint));
    }
    std::unique_ptr<CURL, CurlCleanup> handle(curl_easy_init());
    if (!handle) return make_error(ErrorCode::kIo, "libcurl: cannot create a handle");
    return HubHttp(options, std::move(*origin), std::move(handle));
  }

  Expected<Response> get(std::string url, const GetSpec& spec) {
    for (int hop = 0; hop <= kMaxRedirects; ++hop) {
      Transfer t{.spec = &spec, .url = &url, .response = {}, .failure = std::nullopt};
      t.response.url = url;
      CURL* h = handle_.get();
      curl_easy_reset(h);  // keeps the connection cache, drops the previous request's options
      error_text_.fill('\0');
      curl_easy_setopt(h, CURLOPT_URL, url.c_str());
      curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_text_.data());
      curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
      curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
      curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
      curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, options_.connect_timeout_seconds);
      curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
      curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, options_.stall_timeout_seconds);
      curl_easy_setopt(h, CURLOPT_USERAGENT, "semspace/0.1.0");
      curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
      curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
      curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
      curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
      std::unique_ptr<curl_slist, SlistCleanup> headers;
      auto add_header = [&](const std::string& line) {
        curl_slist* list = curl_slist_append(headers.get(), line.c_str());
        SEMSPACE_CHECK(list != nullptr, "curl_slist_append: out of memory");
        (void)headers.release();  // the same list, grown (or a new one when it was empty)
        headers.reset(list);
      };
      if (!options_.token.empty() && origin_of(url) == endpoint_origin_) {
        add_header("Authorization: Bearer " + options_.token);
      }
      if (spec.json) {
        add_header("Accept: application/json");
        curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // listings compress well; files are fetched as stored
      }
      const std::string range = fmt::format("{}-", spec.range_from);
      if (spec.range_from > 0) curl_easy_setopt(h, CURLOPT_RANGE, range.c_str());
      if (headers) curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

      const CURLcode rc = curl_easy_perform(h);
      curl_easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);  // the list dies with this iteration; the handle lives on
      if (t.failure) return tl::unexpected(*t.failure);
      if (rc != CURLE_OK) {
        return make_error(ErrorCode::kIo, fmt::format("{}: network error: {}", display_url(url),
                                                      error_text_[0] != '\0' ? error_text_.data()
                                                                              : curl_easy_strerror(rc)));
      }
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &t.response.status);
      const long status = t.response.status;
      if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
        char* next = nullptr;
        curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &next);  // absolute, even for a relative Location
        if (next == nullptr) {
          return make_error(ErrorCode::kIo, fmt::format("{}: HTTP {} redirect without a Location", display_url(url),
                                                        status));
        }
        url = next;
        continue;
      }
      // An empty 200/206 body never reaches on_body; the part file must still be created or truncated.
      if (t.to_part() && !spec.part->started()) {
        if (auto ok = spec.part->begin(status, t.response.header("content-range"), url); !ok) {
          return tl::unexpected(ok.error());
        }
      }
      return std::move(t.response);
    }
    return make_error(ErrorCode::kIo, fmt::format("{}: more than {} redirects", display_url(url), kMaxRedirects));
  }

  bool has_token() const noexcept { return !options_.token.empty(); }

 private:
  HubHttp(const HubOptions& options, std::string endpoint_origin, std::unique_ptr<CURL, CurlCleanup> handle)
      : options_(options), endpoint_origin_(std::move(endpoint_origin)), handle_(std::move(handle)) {}

  HubOptions options_;
  std::string endpoint_origin_;
  std::unique_ptr<CURL, CurlCleanup> handle_;
  std::array<char, CURL_ERROR_SIZE> error_text_{};  // libcurl's detail of a failure; set on the handle per request
};

// ---------------------------------------------------------------------------------------------------------------
// HTTP errors in the user's terms.

struct What {
  std::string_view repo, revision, file;  // file empty: the listing
};

std::string server_message(const Response& r) {
  std::string message = r.header("x-error-message");
  if (message.empty()) {
    const auto doc = nlohmann::json::parse(r.body, nullptr, false);
    if (doc.is_object() && doc.contains("error") && doc["error"].is_string()) message = doc["error"].get<std::string>();
  }
  if (message.size() > 300) message = message.substr(0, 300) + "...";
  return message.empty() ? "" : fmt::format(" (hub says: {})", message);
}

Error http_error(const Response& r, const What& what, bool has_token) {
  const std::string url = display_url(r.url);
  const std::string code = r.header("x-error-code");
  const std::string said = server_message(r);
  switch (r.status) {
    case 401:
      if (has_token) {
        return {ErrorCode::kIo, fmt::format("{}: HTTP 401: the hub rejected the token (HF_TOKEN or the token file); "
                                            "check that it is valid{}", url, said)};
      }
      return {ErrorCode::kIo, fmt::format("{}: HTTP 401: {} is private or gated, or does not exist; if it exists, set "
                                          "HF_TOKEN to an access token of an account that can read it{}",
                                          url, what.repo, said)};
    case 403:
      return {ErrorCode::kIo, fmt::format("{}: HTTP 403: no access to {}{}; if it is gated, accept its conditions on "
                                          "its hub page and set HF_TOKEN to a token of that account{}",
                                          url, what.repo, has_token ? " with this token" : "", said)};
    case 404: {
      std::string which;
      if (code == "RepoNotFound") {
        which = fmt::format("no model repo {}", what.repo);
      } else if (code == "RevisionNotFound") {
        which = fmt::format("no revision \"{}\" in {}", what.revision, what.repo);
      } else if (code == "EntryNotFound" || !what.file.empty()) {
        which = what.file.empty() ? "no such file" : fmt::format("no file {} in {}", what.file, what.repo);
      } else {
        which = fmt::format("no model repo {} with revision \"{}\"", what.repo, what.revision);
      }
      return {ErrorCode::kNotFound, fmt::format("{}: HTTP 404: {}{}", url, which, said)};
    }
    case 429:
      return {ErrorCode::kIo, fmt::format("{}: HTTP 429: rate limited by the hub; wait and pull again{}", url, said)};
    default:
      return {ErrorCode::kIo, fmt::format("{}: HTTP {}{}", url, r.status, said)};
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Files on disk.

Status sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return make_error(ErrorCode::kIo, fmt::format("{}: cannot open: {}", dir.string(), std::strerror(errno)));
  const bool ok = ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok) return make_error(ErrorCode::kIo, fmt::format("{}: cannot fsync: {}", dir.string(), std::strerror(err)));
  return {};
}

fs::path part_path(const fs::path& final_path) {
  fs::path part = final_path;
  part += ".part";
  return part;
}

std::uint64_t size_or_zero(const fs::path& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

bool is_complete(const fs::path& path, const RepoFile& file) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  // Only a verified download is ever renamed to the final name, so presence plus the listed size means complete.
  return !file.size || fs::file_size(path, ec) == *file.size;
}

// Holds an exclusive flock on <model>/.lock: two pulls of one model would append to the same .part files.
class PullLock {
 public:
  static Expected<PullLock> take(const fs::path& path, std::string_view repo) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return make_error(ErrorCode::kIo, fmt::format("{}: cannot create: {}", path.string(), std::strerror(errno)));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      return make_error(ErrorCode::kIo,
                        fmt::format("another pull of {} is running (it holds {})", repo, path.string()));
    }
    return PullLock(fd);
  }
  PullLock(PullLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  PullLock& operator=(PullLock&&) = delete;
  PullLock(const PullLock&) = delete;
  PullLock& operator=(const PullLock&) = delete;
  ~PullLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
  }

 private:
  explicit PullLock(int fd) : fd_(fd) {}
  int fd_;
};

std::string human_bytes(std::uint64_t bytes) {
  if (bytes >= (1ull << 30)) return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / (1ull << 30));
  if (bytes >= (1ull << 20)) return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1ull << 20));
  return fmt::format("{} bytes", bytes);
}

class Puller {
 public:
  Puller(HubHttp& http, const HubOptions& hub, std::string_view repo, fs::path snapshot, const PullProgress& progress)
      : http_(http), hub_(hub), repo_(repo), snapshot_(std::move(snapshot)), progress_(progress) {}

  // Fails early, before any byte arrives, when the files still missing cannot fit.
  Status check_space(const std::vector<RepoFile>& files) const {
    std::uint64_t needed = 0;
    for (const auto& f : files) {
      const fs::path final_path = snapshot_ / f.name;
      if (!f.size || is_complete(final_path, f)) continue;
      const std::uint64_t have = size_or_zero(part_path(final_path));
      needed += have < *f.size ? *f.size - have : 0;
    }
    struct statvfs info {};
    if (needed == 0 || ::statvfs(snapshot_.c_str(), &info) != 0) return {};
    const std::uint64_t free_bytes = static_cast<std::uint64_t>(info.f_bavail) * info.f_frsize;
    if (needed > free_bytes) {
      return make_error(ErrorCode::kIo, fmt::format("{}: not enough disk space for {}: needs {}, {} free",
                                                    snapshot_.string(), repo_, human_bytes(needed),
                                                    human_bytes(free_bytes)));
    }
    return {};
  }

  Expected<PulledFile> fetch(const RepoFile& file, const std::string& commit) {
    const fs::path final_path = snapshot_ / file.name;
    if (is_complete(final_path, file)) {
      return PulledFile{.name = file.name, .size = size_or_zero(final_path), .downloaded = false};
    }
    std::error_code ec;
    fs::remove(final_path, ec);  // a final file of the wrong size was damaged after the pull; fetch it again
    fs::create_directories(final_path.parent_path(), ec);
    if (ec) {
      return make_error(ErrorCode::kIo, fmt::format("{}: cannot create: {}", final_path.parent_path().string(),
                                                    ec.message()));
    }
    const fs::path part = part_path(final_path);
    const std::string url =
        fmt::format("{}/{}/resolve/{}/{}", hub_.endpoint, repo_, commit, url_encode(file.name, true));
    std::uint64_t have = size_or_zero(part);
    if (file.size && have > *file.size) {  // longer than the file can be: not a prefix of it
      fs::remove(part, ec);
      have = 0;
    }
    std::uint64_t fetched = 0;
    const std::uint64_t total = file.size.value_or(0);
    if (progress_) progress_(file.name, have, total, false);
    // A .part already as long as the file needs no request, only the checks.
    if (!file.size || have < *file.size || have == 0) {
      auto got = download(url, file, part, have);
      if (!got) return tl::unexpected(got.error());
      fetched = *got;
    }
    const std::uint64_t size = size_or_zero(part);
    if (file.size && size != *file.size) {
      fs::remove(part, ec);
      return make_error(ErrorCode::kCorrupt,
                        fmt::format("{}: received {} bytes but the hub lists {} for {}; deleted the download, pull again",
                                    display_url(url), size, *file.size, file.name));
    }
    if (!file.sha256.empty()) {
      auto digest = sha256_file(part);
      if (!digest) return tl::unexpected(digest.error());
      if (*digest != file.sha256) {
        fs::remove(part, ec);
        return make_error(ErrorCode::kCorrupt,
                          fmt::format("{}: checksum mismatch for {}: SHA-256 {} but the hub lists {}; deleted the "
                                      "download, pull again",
                                      display_url(url), file.name, *digest, file.sha256));
      }
    }
    if (::rename(part.c_str(), final_path.c_str()) != 0) {
      return make_error(ErrorCode::kIo, fmt::format("{}: cannot rename to {}: {}", part.string(), final_path.string(),
                                                    std::strerror(errno)));
    }
    if (auto ok = sync_directory(final_path.parent_path()); !ok) return tl::unexpected(ok.error());
    if (progress_) progress_(file.name, size, size, true);
    bytes_downloaded_ += fetched;
    return PulledFile{.name = file.name, .size = size, .downloaded = true};
  }

  std::uint64_t bytes_downloaded() const noexcept { return bytes_downloaded_; }

 private:
  // One GET (with its redirects) appending to `part`; returns the bytes received. Retries once from byte 0 when the
  // server cannot serve the range we asked for (416: the .part is not a prefix of this file).
  Expected<std::uint64_t> download(const std::string& url, const RepoFile& file, const fs::path& part,
                                   std::uint64_t have) {
    PartFile writer(part, have);
    const std::uint64_t total = file.size.value_or(0);
    GetSpec spec{.part = &writer, .range_from = have, .body_limit = kErrorBodyLimit, .json = false,
                 .on_bytes = [&](std::uint64_t done) {
                   if (progress_) progress_(file.name, done, total, false);
                 }};
    auto response = http_.get(url, spec);
    // Keep what arrived before a network failure: the next pull resumes from it.
    auto finished = writer.finish();
    if (!response) return tl::unexpected(response.error());
    if (!finished) return tl::unexpected(finished.error());
    if (response->status == 416 && have > 0) {
      std::error_code ec;
      fs::remove(part, ec);
      return download(url, file, part, 0);
    }
    if (response->status != 200 && response->status != 206) {
      return tl::unexpected(http_error(*response, What{repo_, "", file.name}, http_.has_token()));
    }
    return response->status == 206 ? writer.size() - have : writer.size();
  }

  HubHttp& http_;
  const HubOptions& hub_;
  std::string_view repo_;
  fs::path snapshot_;
  const PullProgress& progress_;
  std::uint64_t bytes_downloaded_ = 0;
};

bool valid_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

bool is_commit_hash(std::string_view s) {
  return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

fs::path repo_folder(const fs::path& models_root, std::string_view repo) {
  const auto slash = repo.find('/');
  return models_root / std::string(repo.substr(0, slash)) / std::string(repo.substr(slash + 1));
}

}  // namespace

HubOptions HubOptions::from_environment() {
  HubOptions options;
  if (std::string endpoint = env("HF_ENDPOINT"); !endpoint.empty()) {
    while (endpoint.size() > 1 && endpoint.back() == '/') endpoint.pop_back();
    options.endpoint = endpoint;
  }
  options.token = trim(env("HF_TOKEN"));
  if (options.token.empty()) {
    fs::path token_file = env("HF_TOKEN_PATH");
    if (token_file.empty()) {
      fs::path hf_home = env("HF_HOME");
      if (hf_home.empty()) {
        const std::string xdg = env("XDG_CACHE_HOME");
        hf_home = !xdg.empty() ? fs::path(xdg) / "huggingface" : fs::path(env("HOME")) / ".cache" / "huggingface";
      }
      token_file = hf_home / "token";
    }
    options.token = read_token_file(token_file);
  }
  return options;
}

Status check_repo_id(std::string_view repo) {
  const auto slash = repo.find('/');
  auto segment_ok = [](std::string_view s) {
    return !s.empty() && s.size() <= 96 && s != "." && s != ".." && std::all_of(s.begin(), s.end(), valid_name_char);
  };
  if (slash == std::string_view::npos || !segment_ok(repo.substr(0, slash)) || !segment_ok(repo.substr(slash + 1))) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("\"{}\" is not a hub model id: expected ORG/NAME (letters, digits, '-', '_', '.')",
                                  repo));
  }
  return {};
}

Status check_revision(std::string_view revision) {
  bool ok = !revision.empty() && revision.size() <= 256 && is_safe_repo_path(revision);
  ok = ok && std::all_of(revision.begin(), revision.end(), [](char c) { return valid_name_char(c) || c == '/'; });
  if (!ok) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("\"{}\" is not a revision: expected a branch, tag or commit hash", revision));
  }
  return {};
}

Expected<PullResult> pull_model(const fs::path& models_root, std::string_view repo, std::string_view revision,
                                const HubOptions& hub, const PullProgress& progress) {
  if (auto ok = check_repo_id(repo); !ok) return tl::unexpected(ok.error());
  if (auto ok = check_revision(revision); !ok) return tl::unexpected(ok.error());
  auto http = HubHttp::open(hub);
  if (!http) return tl::unexpected(http.error());

  const std::string listing_url =
      fmt::format("{}/api/models/{}/revision/{}?blobs=true", hub.endpoint, repo, url_encode(revision, false));
  auto response = http->get(listing_url, GetSpec{.part = nullptr, .range_from = 0, .body_limit = kListingLimit,
                                                 .json = true, .on_bytes = {}});
  if (!response) return tl::unexpected(response.error());
  if (response->status != 200) {
    return tl::unexpected(http_error(*response, What{repo, revision, ""}, http->has_token()));
  }
  auto listing = parse_repo_listing(response->body, display_url(listing_url));
  if (!listing) return tl::unexpected(listing.error());
  auto files = select_model_files(*listing, repo);
  if (!files) return tl::unexpected(files.error());

  const fs::path model_dir = repo_folder(models_root, repo);
  const fs::path snapshot = model_dir / "snapshots" / listing->commit;
  std::error_code ec;
  fs::create_directories(snapshot, ec);
  if (ec) return make_error(ErrorCode::kIo, fmt::format("{}: cannot create: {}", snapshot.string(), ec.message()));
  auto lock = PullLock::take(model_dir / ".lock", repo);
  if (!lock) return tl::unexpected(lock.error());

  PullResult result{.repo = std::string(repo), .revision = std::string(revision), .commit = listing->commit,
                    .folder = snapshot, .files = {}, .bytes_downloaded = 0};
  Puller puller(*http, hub, repo, snapshot, progress);
  auto fetch_all = [&](const std::vector<RepoFile>& batch) -> Status {
    if (auto ok = puller.check_space(batch); !ok) return ok;
    for (const auto& file : batch) {
      auto pulled = puller.fetch(file, listing->commit);
      if (!pulled) return tl::unexpected(pulled.error());
      result.files.push_back(std::move(*pulled));
    }
    return {};
  };
  if (auto ok = fetch_all(*files); !ok) return tl::unexpected(ok.error());

  // Sharded weights: the index, fetched above, names the shards.
  if (files->back().name == "model.safetensors.index.json") {
    const fs::path index_path = snapshot / files->back().name;
    std::ifstream in(index_path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto shard_names = safetensors_shards(text.str(), index_path.string());
    if (!shard_names) return tl::unexpected(shard_names.error());
    std::vector<RepoFile> shards;
    for (const auto& name : *shard_names) {
      auto it = std::find_if(listing->files.begin(), listing->files.end(),
                             [&](const RepoFile& f) { return f.name == name; });
      if (it == listing->files.end()) {
        return make_error(ErrorCode::kCorrupt, fmt::format("{}: names shard {} which {}@{} does not have",
                                                           index_path.string(), name, repo, listing->commit));
      }
      shards.push_back(*it);
    }
    if (auto ok = fetch_all(shards); !ok) return tl::unexpected(ok.error());
  }
  result.bytes_downloaded = puller.bytes_downloaded();

  // Last: the ref makes the snapshot visible to resolve_pulled_model only once every file is in place.
  const fs::path ref = model_dir / "refs" / std::string(revision);
  fs::create_directories(ref.parent_path(), ec);
  if (ec) {
    return make_error(ErrorCode::kIo, fmt::format("{}: cannot create: {}", ref.parent_path().string(), ec.message()));
  }
  auto writer = AtomicFileWriter::create(ref);
  if (!writer) return tl::unexpected(writer.error());
  if (auto ok = writer->write(listing->commit); !ok) return tl::unexpected(ok.error());
  if (auto ok = writer->commit(); !ok) return tl::unexpected(ok.error());
  return result;
}

Expected<fs::path> resolve_pulled_model(const fs::path& models_root, std::string_view repo, std::string_view revision) {
  if (auto ok = check_repo_id(repo); !ok) return tl::unexpected(ok.error());
  if (auto ok = check_revision(revision); !ok) return tl::unexpected(ok.error());
  const fs::path model_dir = repo_folder(models_root, repo);
  const fs::path ref = model_dir / "refs" / std::string(revision);
  const std::string commit = read_token_file(ref);  // one trimmed line
  const std::string pull_hint = revision == "main"
                                    ? fmt::format("semspace model pull {}", repo)
                                    : fmt::format("semspace model pull {} --revision {}", repo, revision);
  if (!is_commit_hash(commit)) {
    return make_error(ErrorCode::kNotFound, fmt::format("model {} (revision {}) is not pulled into {}; run `{}`", repo,
                                                        revision, models_root.string(), pull_hint));
  }
  const fs::path snapshot = model_dir / "snapshots" / commit;
  std::error_code ec;
  if (!fs::is_directory(snapshot, ec)) {
    return make_error(ErrorCode::kNotFound, fmt::format("{} names commit {} but {} is missing; run `{}`", ref.string(),
                                                        commit, snapshot.string(), pull_hint));
  }
  return snapshot;
}

}  // namespace semspace::io
