// The weights of a model folder as one lookup: a single model.safetensors, or the shards a
// model.safetensors.index.json names (HF writes large models that way: `weight_map` from tensor name to shard file).
// Each shard is memory-mapped on its own; a tensor is found through the index, so loaders never care how the
// weights were split.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/safetensors.hpp"
#include "semspace/status.hpp"

namespace semspace::io {

/// One tensor and the file that holds it.
struct SafetensorsRef {
  const SafetensorsFile* file = nullptr;
  const SafetensorsTensor* tensor = nullptr;
  explicit operator bool() const noexcept { return tensor != nullptr; }
};

class SafetensorsSet {
 public:
  /// The weights of `folder`: model.safetensors when present, else model.safetensors.index.json and its shards.
  /// kNotFound when the folder has neither (naming what it has instead: a pytorch_model.bin, which is not read).
  /// Errors of the index (kCorrupt, naming it): malformed JSON, no weight_map, a shard name that leaves the folder
  /// or is not a .safetensors file, a tensor the index maps to a shard that does not hold it; a missing shard is
  /// kNotFound naming it. Errors of each shard as SafetensorsFile::open.
  static Expected<SafetensorsSet> open_folder(const std::filesystem::path& folder);
  /// One file, every tensor of it.
  static SafetensorsSet single(SafetensorsFile file);

  SafetensorsSet(SafetensorsSet&&) noexcept = default;
  SafetensorsSet& operator=(SafetensorsSet&&) noexcept = default;

  /// For messages: the file, or the index for a sharded set.
  const std::string& name() const noexcept { return name_; }
  /// The files whose bytes are the weights (the index first when sharded), in a fixed order.
  const std::vector<std::filesystem::path>& paths() const noexcept { return paths_; }
  /// The tensor called `tensor_name`; a null ref when absent.
  SafetensorsRef find(std::string_view tensor_name) const noexcept;

 private:
  SafetensorsSet() = default;

  std::string name_;
  std::vector<std::filesystem::path> paths_;
  std::vector<SafetensorsFile> files_;
  std::map<std::string, SafetensorsRef, std::less<>> tensors_;
};

}  // namespace semspace::io
