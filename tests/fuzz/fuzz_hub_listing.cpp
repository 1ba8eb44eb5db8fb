// A hub's repo listing and a model.safetensors.index.json come from the network: any byte string must give a
// listing or an error naming the URL, never a crash, and whatever is accepted must be safe to use as paths.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/hub_files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace semspace::io;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto listing = parse_repo_listing(text, "http://hub/api/models/o/m/revision/main");
  if (!listing) {
    if (listing.error().message.find("http://hub/api/models/o/m/revision/main") != 0) __builtin_trap();
  } else {
    // The commit names a folder and every file a path below it.
    if (listing->commit.size() != 40 || listing->commit.find_first_not_of("0123456789abcdef") != std::string::npos) {
      __builtin_trap();
    }
    for (const auto& f : listing->files) {
      if (!is_safe_repo_path(f.name)) __builtin_trap();
    }
    if (auto chosen = select_model_files(*listing, "o/m")) {
      for (const auto& f : *chosen) {
        auto same = [&](const RepoFile& g) { return g.name == f.name; };
        if (std::none_of(listing->files.begin(), listing->files.end(), same)) __builtin_trap();
      }
    }
  }
  if (auto shards = safetensors_shards(text, "index.json")) {
    for (const auto& name : *shards) {
      if (!is_safe_repo_path(name)) __builtin_trap();
    }
  }
  return 0;
}
