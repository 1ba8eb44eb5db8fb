// `semspace model pull`: downloads the files a sentence-embedding model needs from the Hugging Face hub (or any
// server speaking its HTTP API, e.g. a mirror named by HF_ENDPOINT) over HTTPS with libcurl, into a local cache
// that pins each pull to a commit, and finds pulled models again. Cache layout: docs/formats/model-cache.md.
//
// HTTP API used (facts of the hub's public API):
//   GET {endpoint}/api/models/{repo}/revision/{revision}?blobs=true   -> {"sha", "siblings": [{"rfilename", "size",
//                                                                         "lfs": {"sha256", "size"}}]}
//   GET {endpoint}/{repo}/resolve/{commit}/{file}                     -> the bytes, often via a redirect to a CDN
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "semspace/status.hpp"

namespace semspace::io {

/// Where the hub is and who we are. Plain values; from_environment() reads them the way huggingface_hub does.
struct HubOptions {
  std::string endpoint = "https://huggingface.co";  // no trailing '/'
  std::string token;                                // sent as "Authorization: Bearer" to the endpoint only; empty: none
  long connect_timeout_seconds = 30;
  long stall_timeout_seconds = 60;  // a transfer that moves no byte for this long fails (and can be resumed)

  /// endpoint: $HF_ENDPOINT (default https://huggingface.co). token: $HF_TOKEN, else the first line of the token
  /// file $HF_TOKEN_PATH, else $HF_HOME/token (HF_HOME defaulting to $XDG_CACHE_HOME/huggingface, then
  /// ~/.cache/huggingface). An unreadable or missing token file means no token.
  static HubOptions from_environment();
};

/// "ORG/NAME": two segments of letters, digits, '-', '_', '.', neither "." nor ".." (so the id is also a safe
/// relative path). kInvalidArgument naming the id otherwise.
Status check_repo_id(std::string_view repo);
/// A branch, tag or commit hash: letters, digits, '-', '_', '.', '/' (as in "refs/pr/1"), no ".." or empty segment.
Status check_revision(std::string_view revision);

/// Bytes of one file arriving: done (including bytes already on disk from an earlier attempt) of total (0: unknown).
/// Called with complete = false at the start of a download and as data arrives, then once with complete = true
/// (done == total == the file's size) after the file passed its checks. Not called for files already in the cache.
using PullProgress =
    std::function<void(const std::string& file, std::uint64_t done, std::uint64_t total, bool complete)>;

struct PulledFile {
  std::string name;         // path inside the repo
  std::uint64_t size = 0;   // bytes on disk
  bool downloaded = false;  // false: it was already complete in the cache and nothing was fetched
};

struct PullResult {
  std::string repo;      // ORG/NAME
  std::string revision;  // as asked, e.g. "main"
  std::string commit;    // the 40-hex commit the revision resolved to
  std::filesystem::path folder;  // <models_root>/ORG/NAME/snapshots/<commit>: a HuggingFace model folder
  std::vector<PulledFile> files;
  std::uint64_t bytes_downloaded = 0;  // fetched by this call (a resumed file counts only its new bytes)
};

/// Resolves `revision` of `repo` to a commit, chooses the files a sentence-embedding model needs (see
/// select_model_files), and downloads each missing one into <models_root>/ORG/NAME/snapshots/<commit>/ via
/// "<file>.part": a .part left by an interrupted pull is resumed with a Range request; sizes, and the SHA-256 of LFS
/// files, are checked before the atomic rename to the final name. Files already complete are not fetched again.
/// When every file is in place, refs/<revision> is pointed at the commit, so resolve_pulled_model finds only complete
/// models. Network use: one listing request plus one request (and its redirects) per missing file.
///
/// Errors name the URL or file: kInvalidArgument (bad repo id or revision), kNotFound (no such repo, revision or
/// file: HTTP 404), kIo (401/403 with a hint to set HF_TOKEN, other HTTP errors, network failures, a full disk,
/// another pull of the same model running), kCorrupt (size or checksum mismatch: the .part is deleted; a malformed
/// listing), kUnsupported (no safetensors weights). Blocking; safe to call from several threads for different models.
Expected<PullResult> pull_model(const std::filesystem::path& models_root, std::string_view repo,
                                std::string_view revision, const HubOptions& hub, const PullProgress& progress = {});

/// The local folder of a pulled model: <models_root>/ORG/NAME/snapshots/<commit named by refs/<revision>>.
/// kInvalidArgument for a malformed id or revision; kNotFound (message says how to pull it) when it was never
/// pulled completely or its snapshot folder is gone. No network.
Expected<std::filesystem::path> resolve_pulled_model(const std::filesystem::path& models_root, std::string_view repo,
                                                     std::string_view revision = "main");

}  // namespace semspace::io
