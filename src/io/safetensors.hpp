// HuggingFace safetensors files, read through a memory map: an 8-byte little-endian header length, a JSON header
// mapping tensor names to {dtype, shape, data_offsets} (plus an optional "__metadata__" of string pairs), then the
// raw little-endian tensor bytes. Every size and offset is checked against the file before anything is read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "semspace/status.hpp"

namespace semspace::io {

/// One tensor's header entry. `dtype` is the file's spelling ("F32", "BF16", "I64", ...); offsets are relative
/// to the start of the data section.
struct SafetensorsTensor {
  std::string name;
  std::string dtype;
  std::vector<std::size_t> shape;
  std::size_t begin = 0;
  std::size_t end = 0;

  std::size_t elements() const noexcept;
};

/// A parsed safetensors file. Immutable after open(); const methods are thread-safe.
class SafetensorsFile {
 public:
  /// Maps and validates `path`. Errors (kCorrupt unless stated) name the file, and the tensor when one is at
  /// fault: file shorter than 8 bytes; header length 0, above 100 MB or past the end of the file; header not a
  /// JSON object; an entry without a string dtype, an array shape of non-negative integers or two data_offsets;
  /// an unknown dtype; shape product times dtype size different from the byte length; offsets past the data;
  /// tensors overlapping, out of order or leaving holes (the format stores them back to back, as the
  /// safetensors library checks); a non-string metadata value. kIo when the file cannot be opened.
  static Expected<SafetensorsFile> open(const std::filesystem::path& path);
  /// As open(), over bytes held by the caller (kept alive by `owner`, may be null); `name` prefixes errors.
  static Expected<SafetensorsFile> parse(std::span<const std::byte> bytes, std::string name,
                                         std::shared_ptr<const void> owner = nullptr);

  const std::string& name() const noexcept { return name_; }
  /// In the order of their data offsets.
  const std::vector<SafetensorsTensor>& tensors() const noexcept { return tensors_; }
  const std::map<std::string, std::string>& metadata() const noexcept { return metadata_; }
  /// nullptr when absent.
  const SafetensorsTensor* find(std::string_view tensor_name) const noexcept;
  /// The raw bytes of a tensor.
  std::span<const std::byte> bytes(const SafetensorsTensor& tensor) const noexcept;

  /// Converts F32, F16 or BF16 to f32 into `out` (exactly tensor.elements() floats). kUnsupported for any other
  /// dtype, naming file, tensor and dtype; kInvalidArgument when `out` has the wrong size.
  Status to_f32(const SafetensorsTensor& tensor, std::span<float> out) const;
  /// The tensor's floats in place, without a copy, when it is F32 and 4-byte aligned in memory; empty otherwise.
  std::span<const float> view_f32(const SafetensorsTensor& tensor) const noexcept;

 private:
  std::string name_;
  std::span<const std::byte> data_;  // the data section
  std::shared_ptr<const void> owner_;
  std::vector<SafetensorsTensor> tensors_;
  std::map<std::string, std::size_t, std::less<>> index_;
  std::map<std::string, std::string> metadata_;
};

/// One f32 tensor to write: its name, shape and values (row-major, as many as the shape's product).
struct SafetensorsF32 {
  std::string name;
  std::vector<std::size_t> shape;
  std::span<const float> values;
};

/// Writes `tensors` as F32 in the given order, back to back, with `metadata` as "__metadata__" (HF writes
/// {"format": "pt"}), the header padded with spaces to a multiple of 8 bytes as the reference writer does, so the
/// data section starts aligned. Atomic (io/atomic_file.hpp). kInvalidArgument for duplicate or empty names or values
/// that do not fill their shape; kIo naming the file.
Status write_safetensors(const std::filesystem::path& path, std::span<const SafetensorsF32> tensors,
                         const std::map<std::string, std::string>& metadata = {});

}  // namespace semspace::io
