// The saved classifier, file format SSCLF001 (docs/formats/classifier.md): header, class names, the k-NN
// reference rows or the logistic weights, XXH3-64 checksum. Written atomically.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string_view>

#include "analysis/classify/classifier.hpp"
#include "semspace/status.hpp"

namespace semspace {

Status save_classifier(const Classifier& classifier, const std::filesystem::path& path);

/// kCorrupt naming the file and the field for a bad magic or version, sizes that disagree with the file,
/// a checksum mismatch, or impossible contents (unsorted class names, k beyond the rows, non-finite weights);
/// kIo when the file cannot be read.
Expected<Classifier> load_classifier(const std::filesystem::path& path);
Expected<Classifier> load_classifier(std::span<const std::byte> data, std::string_view name);

}  // namespace semspace
