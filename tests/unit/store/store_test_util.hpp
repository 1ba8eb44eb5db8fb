// Shared by the store tests: a scratch folder per test and a few points with varied metadata.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "store/collection_store.hpp"

namespace semspace::store::testing {

/// A fresh folder under the system temp dir, removed with everything in it when the test ends.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("semspace-store-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()))) {
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline CollectionStore open_or_die(const std::filesystem::path& path) {
  auto store = CollectionStore::open(path);
  if (!store) throw std::runtime_error(store.error().message);
  return std::move(*store);
}

inline CollectionInfo info_of(const std::string& name, int dim, const std::string& metric = "cosine") {
  CollectionInfo info;
  info.name = name;
  info.dim = dim;
  info.metric = metric;
  return info;
}

inline std::string show(const PointId& id) { return id_to_json(id); }

}  // namespace semspace::store::testing
