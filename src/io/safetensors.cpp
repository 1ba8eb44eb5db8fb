#include "io/safetensors.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "core/kernels/half.hpp"
#include "core/mapped_file.hpp"
#include "io/atomic_file.hpp"

namespace semspace::io {
namespace {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

// The reference implementation refuses headers above 100 MB; a larger length is a corrupt or hostile file.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

// Bytes per element of every dtype the format defines; sizes must be known to validate a tensor we never read.
std::size_t dtype_size(std::string_view dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL" || dtype == "F8_E4M3" || dtype == "F8_E5M2") return 1;
  return 0;
}

tl::unexpected<Error> corrupt(const std::string& file, const std::string& message) {
  return make_error(ErrorCode::kCorrupt, fmt::format("{}: {}", file, message));
}

// A JSON value as a size_t, or false when it is not a non-negative integer.
bool as_size(const nlohmann::json& value, std::size_t& out) {
  if (value.is_number_unsigned()) {
    out = value.get<std::uint64_t>();
    return true;
  }
  if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
    out = static_cast<std::size_t>(value.get<std::int64_t>());
    return true;
  }
  return false;
}

}  // namespace

std::size_t SafetensorsTensor::elements() const noexcept {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;  // validated against the byte length (without overflow) on open
  return n;
}

Expected<SafetensorsFile> SafetensorsFile::open(const std::filesystem::path& path) {
  auto mapped = core::MappedFile::open(path);
  if (!mapped) return tl::unexpected(mapped.error());
  std::span<const std::byte> bytes = (*mapped)->bytes();
  return parse(bytes, path.string(), std::shared_ptr<const void>(*mapped));
}

Expected<SafetensorsFile> SafetensorsFile::parse(std::span<const std::byte> bytes, std::string name,
                                                 std::shared_ptr<const void> owner) {
  if (bytes.size() < 8) {
    return corrupt(name, fmt::format("{} bytes is too short for a safetensors file (8-byte header length first)",
                                     bytes.size()));
  }
  std::uint64_t header_length;
  std::memcpy(&header_length, bytes.data(), 8);
  if (header_length == 0 || header_length > kMaxHeaderBytes) {
    return corrupt(name, fmt::format("header length {} is not in 1..{}", header_length, kMaxHeaderBytes));
  }
  if (header_length > bytes.size() - 8) {
    return corrupt(name, fmt::format("header length {} runs past the end of the file ({} bytes after the length)",
                                     header_length, bytes.size() - 8));
  }
  const auto* header_begin = reinterpret_cast<const char*>(bytes.data() + 8);
  auto header = nlohmann::json::parse(header_begin, header_begin + header_length, nullptr, false);
  if (header.is_discarded()) return corrupt(name, "header is not valid JSON");
  if (!header.is_object()) return corrupt(name, "header is not a JSON object");

  SafetensorsFile file;
  file.name_ = std::move(name);
  file.owner_ = std::move(owner);
  file.data_ = bytes.subspan(8 + header_length);
  const std::string& fname = file.name_;
  for (const auto& [key, entry] : header.items()) {
    if (key == "__metadata__") {
      if (!entry.is_object()) return corrupt(fname, "__metadata__ is not a JSON object");
      for (const auto& [meta_key, meta_value] : entry.items()) {
        if (!meta_value.is_string()) {
          return corrupt(fname, fmt::format("__metadata__ value of '{}' is not a string", meta_key));
        }
        file.metadata_[meta_key] = meta_value.get<std::string>();
      }
      continue;
    }
    const std::string& tensor_name = key;  // clang 14 cannot capture a structured binding (C++20 allows it)
    auto bad = [&](const std::string& what) {
      return corrupt(fname, fmt::format("tensor '{}': {}", tensor_name, what));
    };
    if (!entry.is_object()) return bad("entry is not a JSON object");
    SafetensorsTensor tensor;
    tensor.name = key;
    auto dtype = entry.find("dtype");
    if (dtype == entry.end() || !dtype->is_string()) return bad("missing string field 'dtype'");
    tensor.dtype = dtype->get<std::string>();
    const std::size_t element_size = dtype_size(tensor.dtype);
    if (element_size == 0) return bad(fmt::format("unknown dtype '{}'", tensor.dtype));
    auto shape = entry.find("shape");
    if (shape == entry.end() || !shape->is_array()) return bad("missing array field 'shape'");
    std::size_t byte_length = element_size;
    bool overflow = false;
    for (const auto& dim_value : *shape) {
      std::size_t dim;
      if (!as_size(dim_value, dim)) return bad("shape holds a value that is not a non-negative integer");
      tensor.shape.push_back(dim);
      if (dim != 0 && byte_length > std::numeric_limits<std::size_t>::max() / dim) overflow = true;
      byte_length *= dim;
    }
    auto offsets = entry.find("data_offsets");
    if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2 ||
        !as_size((*offsets)[0], tensor.begin) || !as_size((*offsets)[1], tensor.end)) {
      return bad("missing field 'data_offsets' of two non-negative integers");
    }
    if (tensor.begin > tensor.end || tensor.end > file.data_.size()) {
      return bad(fmt::format("data_offsets [{}, {}] are not within the {} data bytes", tensor.begin, tensor.end,
                             file.data_.size()));
    }
    if (overflow || byte_length != tensor.end - tensor.begin) {
      return bad(fmt::format("shape [{}] of {} needs {} bytes but data_offsets [{}, {}] hold {}",
                             fmt::join(tensor.shape, ", "), tensor.dtype,
                             overflow ? std::string("too many") : std::to_string(byte_length), tensor.begin,
                             tensor.end, tensor.end - tensor.begin));
    }
    file.tensors_.push_back(std::move(tensor));
  }
  std::sort(file.tensors_.begin(), file.tensors_.end(), [](const auto& a, const auto& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  std::size_t expected_begin = 0;
  for (const auto& tensor : file.tensors_) {
    if (tensor.begin < expected_begin) {
      return corrupt(fname, fmt::format("tensor '{}': data_offsets [{}, {}] overlap the previous tensor, which ends "
                                        "at {}", tensor.name, tensor.begin, tensor.end, expected_begin));
    }
    if (tensor.begin > expected_begin) {
      return corrupt(fname, fmt::format("tensor '{}': data_offsets [{}, {}] leave a hole after byte {}", tensor.name,
                                        tensor.begin, tensor.end, expected_begin));
    }
    expected_begin = tensor.end;
  }
  if (expected_begin != file.data_.size()) {
    return corrupt(fname, fmt::format("tensors cover {} of the {} data bytes", expected_begin, file.data_.size()));
  }
  for (std::size_t i = 0; i < file.tensors_.size(); ++i) file.index_.emplace(file.tensors_[i].name, i);
  return file;
}

const SafetensorsTensor* SafetensorsFile::find(std::string_view tensor_name) const noexcept {
  auto it = index_.find(tensor_name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

std::span<const std::byte> SafetensorsFile::bytes(const SafetensorsTensor& tensor) const noexcept {
  return data_.subspan(tensor.begin, tensor.end - tensor.begin);
}

std::span<const float> SafetensorsFile::view_f32(const SafetensorsTensor& tensor) const noexcept {
  auto raw = bytes(tensor);
  if (tensor.dtype != "F32" || reinterpret_cast<std::uintptr_t>(raw.data()) % alignof(float) != 0) return {};
  return {reinterpret_cast<const float*>(raw.data()), raw.size() / sizeof(float)};
}

Status SafetensorsFile::to_f32(const SafetensorsTensor& tensor, std::span<float> out) const {
  const std::size_t n = tensor.elements();
  if (out.size() != n) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("{}: tensor '{}' has {} elements, output holds {}", name_, tensor.name, n, out.size()));
  }
  const std::byte* raw = bytes(tensor).data();
  if (tensor.dtype == "F32") {
    if (n > 0) std::memcpy(out.data(), raw, n * sizeof(float));
  } else if (tensor.dtype == "F16") {
    for (std::size_t i = 0; i < n; ++i) {
      std::uint16_t h;
      std::memcpy(&h, raw + 2 * i, 2);
      out[i] = kernels::half_to_float(h);
    }
  } else if (tensor.dtype == "BF16") {
    // bfloat16 is the upper half of a binary32: widening is exact.
    for (std::size_t i = 0; i < n; ++i) {
      std::uint16_t h;
      std::memcpy(&h, raw + 2 * i, 2);
      out[i] = std::bit_cast<float>(static_cast<std::uint32_t>(h) << 16);
    }
  } else {
    return make_error(ErrorCode::kUnsupported,
                      fmt::format("{}: tensor '{}' has dtype {}; only F32, F16 and BF16 convert to float", name_,
                                  tensor.name, tensor.dtype));
  }
  return {};
}

Status write_safetensors(const std::filesystem::path& path, std::span<const SafetensorsF32> tensors,
                         const std::map<std::string, std::string>& metadata) {
  static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");
  // nlohmann::ordered_json keeps the tensors in data order, as a reader scanning the header expects to see them.
  nlohmann::ordered_json header;
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::size_t offset = 0;
  for (const SafetensorsF32& t : tensors) {
    std::size_t elements = 1;
    for (std::size_t d : t.shape) elements *= d;
    if (t.name.empty() || t.name == "__metadata__" || header.contains(t.name)) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("{}: tensor name '{}' is empty, reserved or repeated", path.string(), t.name));
    }
    if (elements != t.values.size()) {
      return make_error(ErrorCode::kInvalidArgument,
                        fmt::format("{}: tensor '{}' has {} values for shape [{}]", path.string(), t.name,
                                    t.values.size(), fmt::join(t.shape, ", ")));
    }
    header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + elements * 4}}};
    offset += elements * 4;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  auto writer = AtomicFileWriter::create(path);
  if (!writer) return tl::unexpected(writer.error());
  std::uint64_t length = text.size();
  Status ok = writer->write(std::as_bytes(std::span(&length, 1)));
  if (ok) ok = writer->write(text);
  for (std::size_t i = 0; ok && i < tensors.size(); ++i) ok = writer->write(std::as_bytes(tensors[i].values));
  if (ok) ok = writer->commit();
  return ok;
}

}  // namespace semspace::io
