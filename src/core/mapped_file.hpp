// Read-only access to a whole file through mmap, for model files that are mapped rather than read.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>

#include "semspace/status.hpp"

namespace semspace::core {

/// A private (copy-on-write) mapping of a whole file: writes through data() never reach the file.
/// Movable, not copyable; the mapping lives as long as the object (share it through shared_ptr).
class MappedFile {
 public:
  static Expected<std::shared_ptr<MappedFile>> open(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::byte* data() noexcept { return data_; }
  const std::byte* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  std::span<const std::byte> bytes() const noexcept { return {data_, size_}; }

 private:
  MappedFile(std::byte* data, std::size_t size) : data_(data), size_(size) {}
  std::byte* data_;
  std::size_t size_;
};

}  // namespace semspace::core
