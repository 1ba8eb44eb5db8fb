// What a hub repository holds and which of its files a sentence-embedding model needs: the pure part of
// `semspace model pull` (no network), so the choice is testable on its own. The HTTP side is hub_client.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "semspace/status.hpp"

namespace semspace::io {

/// One file of a repo listing. sha256 is set only for LFS files (the hub gives their SHA-256); size whenever the
/// listing carries it (`?blobs=true`).
struct RepoFile {
  std::string name;  // path inside the repo, '/'-separated, checked by is_safe_repo_path
  std::optional<std::uint64_t> size;
  std::string sha256;  // lowercase hex, or empty
};

/// The files of one commit of a repo.
struct RepoListing {
  std::string commit;  // 40 lowercase hex digits
  std::vector<RepoFile> files;
};

/// Parses `GET /api/models/{repo}/revision/{revision}?blobs=true`: `sha`, and `siblings[]` with `rfilename`,
/// optional `size` and `lfs.{sha256,size}`. Errors (kCorrupt) name `where` (the URL) and the bad field. Files whose
/// names could escape the model folder (absolute, "..", backslashes) are rejected, not skipped.
Expected<RepoListing> parse_repo_listing(std::string_view json, std::string_view where);

/// True for a relative '/'-separated path with no empty, "." or ".." segment, no backslash or control characters.
bool is_safe_repo_path(std::string_view name);

/// The files a sentence-embedding model needs, in download order (small files first): config.json, tokenizer and
/// sentence-transformers files when present, `N_Name/` module folders (1_Pooling, 2_Normalize, 2_Dense: their
/// .json/.txt/.safetensors files), and the weights: model.safetensors, or model.safetensors.index.json (whose shards
/// the caller adds with safetensors_shards once it has the index). PyTorch pickle, ONNX, TF, Flax and OpenVINO files
/// are never chosen. Errors: kUnsupported naming `repo` when there is no config.json or no safetensors weights
/// (pickle weights are not read), saying which weight files the repo does have.
Expected<std::vector<RepoFile>> select_model_files(const RepoListing& listing, std::string_view repo);

/// One entry of a model.safetensors.index.json's `weight_map`: a tensor and the shard file that holds it.
struct ShardedTensor {
  std::string tensor;
  std::string shard;
};

/// The `weight_map` of a model.safetensors.index.json, in file order. kCorrupt naming `where` for malformed JSON, a
/// missing or empty weight_map, or a shard name that is not a .safetensors file inside the repo (is_safe_repo_path).
Expected<std::vector<ShardedTensor>> safetensors_weight_map(std::string_view index_json, std::string_view where);

/// The shard file names (unique, in first-seen order) of a model.safetensors.index.json; errors as above.
Expected<std::vector<std::string>> safetensors_shards(std::string_view index_json, std::string_view where);

}  // namespace semspace::io
