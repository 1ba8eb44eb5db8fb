#include "io/hub_files.hpp"

#include <algorithm>
#include <array>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace semspace::io {
namespace {

using nlohmann::json;

bool is_lower_hex(std::string_view s, std::size_t length) {
  return s.size() == length && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::optional<std::uint64_t> unsigned_field(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<std::uint64_t>();
}

// Root files a sentence-embedding model may need besides its weights, small ones first. Everything else in the
// repo (README, pickle/ONNX/TF/Flax/OpenVINO exports, training logs) is left on the hub.
constexpr std::array kRootFiles = {
    "config.json",          "tokenizer.json",          "vocab.txt",           "tokenizer_config.json",
    "special_tokens_map.json", "added_tokens.json",    "modules.json",        "sentence_bert_config.json",
    "config_sentence_transformers.json",
};
constexpr std::string_view kWeights = "model.safetensors";
constexpr std::string_view kShardIndex = "model.safetensors.index.json";
// Named in the refusal so the user knows why a popular repo is not pullable.
constexpr std::array kOtherWeights = {"pytorch_model.bin", "pytorch_model.bin.index.json", "tf_model.h5",
                                      "flax_model.msgpack", "onnx/model.onnx", "model.onnx", "rust_model.ot"};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// sentence-transformers keeps each module after the transformer in a folder named "<index>_<Kind>".
bool is_module_folder(std::string_view folder) {
  const auto underscore = folder.find('_');
  if (underscore == 0 || underscore == std::string_view::npos || underscore + 1 == folder.size()) return false;
  const auto digits = folder.substr(0, underscore);
  const auto kind = folder.substr(underscore + 1);
  return std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
         std::all_of(kind.begin(), kind.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
         });
}

}  // namespace

bool is_safe_repo_path(std::string_view name) {
  if (name.empty() || name.size() > 1024 || name.front() == '/') return false;
  for (char c : name) {
    if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  std::size_t start = 0;
  while (true) {
    const auto slash = name.find('/', start);
    const auto segment = name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

Expected<RepoListing> parse_repo_listing(std::string_view text, std::string_view where) {
  auto bad = [&](std::string_view what) {
    return make_error(ErrorCode::kCorrupt, fmt::format("{}: unexpected repo listing: {}", where, what));
  };
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return bad("not JSON");
  if (!doc.is_object()) return bad("not a JSON object");
  auto sha = doc.find("sha");
  if (sha == doc.end() || !sha->is_string() || !is_lower_hex(sha->get_ref<const std::string&>(), 40)) {
    return bad("\"sha\" is not a 40-digit commit hash");
  }
  auto siblings = doc.find("siblings");
  if (siblings == doc.end() || !siblings->is_array()) return bad("no \"siblings\" array");
  RepoListing listing{.commit = sha->get<std::string>(), .files = {}};
  for (const auto& sibling : *siblings) {
    if (!sibling.is_object()) return bad("a sibling is not an object");
    auto name = sibling.find("rfilename");
    if (name == sibling.end() || !name->is_string()) return bad("a sibling has no \"rfilename\"");
    const auto& file_name = name->get_ref<const std::string&>();
    if (!is_safe_repo_path(file_name)) return bad(fmt::format("unsafe file name \"{}\"", file_name));
    RepoFile file{.name = file_name, .size = unsigned_field(sibling, "size"), .sha256 = {}};
    if (auto lfs = sibling.find("lfs"); lfs != sibling.end() && lfs->is_object()) {
      auto digest = lfs->find("sha256");
      if (digest == lfs->end() || !digest->is_string() || !is_lower_hex(digest->get_ref<const std::string&>(), 64)) {
        return bad(fmt::format("{}: \"lfs.sha256\" is not 64 hex digits", file_name));
      }
      file.sha256 = digest->get<std::string>();
      if (auto lfs_size = unsigned_field(*lfs, "size")) {
        if (file.size && *file.size != *lfs_size) {
          return bad(fmt::format("{}: size {} disagrees with lfs.size {}", file_name, *file.size, *lfs_size));
        }
        file.size = lfs_size;
      }
    }
    listing.files.push_back(std::move(file));
  }
  return listing;
}

Expected<std::vector<RepoFile>> select_model_files(const RepoListing& listing, std::string_view repo) {
  auto find = [&](std::string_view name) -> const RepoFile* {
    auto it = std::find_if(listing.files.begin(), listing.files.end(),
                           [&](const RepoFile& f) { return f.name == name; });
    return it == listing.files.end() ? nullptr : &*it;
  };
  if (find("config.json") == nullptr) {
    return make_error(ErrorCode::kUnsupported,
                      fmt::format("{}@{} has no config.json: not a transformers model", repo, listing.commit));
  }
  const RepoFile* weights = find(kWeights);
  if (weights == nullptr) weights = find(kShardIndex);
  if (weights == nullptr) {
    std::vector<std::string> others;
    for (const char* other : kOtherWeights) {
      if (find(other) != nullptr) others.emplace_back(other);
    }
    return make_error(ErrorCode::kUnsupported,
                      fmt::format("{}@{} has no safetensors weights (model.safetensors or {}){}; semspace reads only "
                                  "safetensors, never pickled PyTorch weights",
                                  repo, listing.commit, kShardIndex,
                                  others.empty() ? "" : fmt::format(", only {}", fmt::join(others, ", "))));
  }

  std::vector<RepoFile> chosen;
  for (const char* name : kRootFiles) {
    if (const RepoFile* f = find(name)) chosen.push_back(*f);
  }
  // Module folders in listing order; a folder that has pickled weights but no safetensors cannot be loaded.
  std::set<std::string> folders_with_safetensors, folders_with_pickle;
  for (const auto& f : listing.files) {
    const auto slash = f.name.find('/');
    if (slash == std::string::npos || f.name.find('/', slash + 1) != std::string::npos) continue;
    const std::string folder = f.name.substr(0, slash);
    if (!is_module_folder(folder)) continue;
    if (ends_with(f.name, ".safetensors")) folders_with_safetensors.insert(folder);
    if (ends_with(f.name, ".bin")) folders_with_pickle.insert(folder);
    if (ends_with(f.name, ".json") || ends_with(f.name, ".txt") || ends_with(f.name, ".safetensors")) {
      chosen.push_back(f);
    }
  }
  for (const auto& folder : folders_with_pickle) {
    if (!folders_with_safetensors.contains(folder)) {
      return make_error(ErrorCode::kUnsupported,
                        fmt::format("{}@{}: module {}/ has only pickled PyTorch weights; semspace reads only "
                                    "safetensors",
                                    repo, listing.commit, folder));
    }
  }
  chosen.push_back(*weights);
  return chosen;
}

Expected<std::vector<ShardedTensor>> safetensors_weight_map(std::string_view index_json, std::string_view where) {
  auto bad = [&](std::string_view what) {
    return make_error(ErrorCode::kCorrupt, fmt::format("{}: {}", where, what));
  };
  const json doc = json::parse(index_json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return bad("not a JSON object");
  auto map = doc.find("weight_map");
  if (map == doc.end() || !map->is_object() || map->empty()) return bad("no \"weight_map\" object");
  std::vector<ShardedTensor> entries;
  for (const auto& [tensor, file] : map->items()) {
    if (!file.is_string()) return bad(fmt::format("weight_map[\"{}\"] is not a file name", tensor));
    const auto& name = file.get_ref<const std::string&>();
    if (!is_safe_repo_path(name) || !ends_with(name, ".safetensors")) {
      return bad(fmt::format("weight_map[\"{}\"] names \"{}\", not a .safetensors file inside the repo", tensor, name));
    }
    entries.push_back({tensor, name});
  }
  return entries;
}

Expected<std::vector<std::string>> safetensors_shards(std::string_view index_json, std::string_view where) {
  auto entries = safetensors_weight_map(index_json, where);
  if (!entries) return tl::unexpected(entries.error());
  std::vector<std::string> shards;
  for (const auto& entry : *entries) {
    if (std::find(shards.begin(), shards.end(), entry.shard) == shards.end()) shards.push_back(entry.shard);
  }
  return shards;
}

}  // namespace semspace::io
