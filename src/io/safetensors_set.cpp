#include "io/safetensors_set.hpp"

#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "core/mapped_file.hpp"
#include "io/hub_files.hpp"

namespace semspace::io {
namespace fs = std::filesystem;

namespace {
constexpr const char* kSingleFile = "model.safetensors";
constexpr const char* kShardIndex = "model.safetensors.index.json";
}  // namespace

SafetensorsSet SafetensorsSet::single(SafetensorsFile file) {
  SafetensorsSet set;
  set.name_ = file.name();
  set.paths_.emplace_back(file.name());
  set.files_.push_back(std::move(file));
  const SafetensorsFile& held = set.files_.back();  // the vector keeps its elements in place from here on
  for (const auto& tensor : held.tensors()) set.tensors_.emplace(tensor.name, SafetensorsRef{&held, &tensor});
  return set;
}

Expected<SafetensorsSet> SafetensorsSet::open_folder(const fs::path& folder) {
  std::error_code ec;
  if (fs::exists(folder / kSingleFile, ec)) {
    auto file = SafetensorsFile::open(folder / kSingleFile);
    if (!file) return tl::unexpected(file.error());
    return single(std::move(*file));
  }
  const fs::path index_path = folder / kShardIndex;
  if (!fs::exists(index_path, ec)) {
    const std::string instead = fs::exists(folder / "pytorch_model.bin", ec)
                                    ? " (it has pytorch_model.bin; only safetensors weights are read)"
                                    : "";
    return make_error(ErrorCode::kNotFound, fmt::format("{}: no {} or {} in the model folder{}", folder.string(),
                                                        kSingleFile, kShardIndex, instead));
  }
  auto index_file = core::MappedFile::open(index_path);
  if (!index_file) return tl::unexpected(index_file.error());
  const std::string_view index_text(reinterpret_cast<const char*>((*index_file)->data()), (*index_file)->size());
  auto entries = safetensors_weight_map(index_text, index_path.string());
  if (!entries) return tl::unexpected(entries.error());

  SafetensorsSet set;
  set.name_ = index_path.string();
  set.paths_.push_back(index_path);
  std::map<std::string, std::size_t, std::less<>> shard_of_name;  // shard file -> position in files_
  for (const auto& entry : *entries) {
    if (shard_of_name.contains(entry.shard)) continue;
    const fs::path shard_path = folder / entry.shard;
    if (!fs::exists(shard_path, ec)) {
      return make_error(ErrorCode::kNotFound,
                        fmt::format("{}: names shard {}, which is not in the folder", index_path.string(), entry.shard));
    }
    auto shard = SafetensorsFile::open(shard_path);
    if (!shard) return tl::unexpected(shard.error());
    shard_of_name.emplace(entry.shard, set.files_.size());
    set.paths_.push_back(shard_path);
    set.files_.push_back(std::move(*shard));
  }
  // Only now are the files in place: references into them stay valid for the set's life (moves keep the buffer).
  for (const auto& entry : *entries) {
    const SafetensorsFile& shard = set.files_[shard_of_name.at(entry.shard)];
    const SafetensorsTensor* tensor = shard.find(entry.tensor);
    if (tensor == nullptr) {
      return make_error(ErrorCode::kCorrupt, fmt::format("{}: maps tensor '{}' to {}, which does not hold it",
                                                         index_path.string(), entry.tensor, entry.shard));
    }
    set.tensors_.insert_or_assign(entry.tensor, SafetensorsRef{&shard, tensor});
  }
  return set;
}

SafetensorsRef SafetensorsSet::find(std::string_view tensor_name) const noexcept {
  auto it = tensors_.find(tensor_name);
  return it == tensors_.end() ? SafetensorsRef{} : it->second;
}

}  // namespace semspace::io
