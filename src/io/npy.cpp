#include "io/npy.hpp"

#include <cstring>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "core/mapped_file.hpp"
#include "io/atomic_file.hpp"
#include "io/byte_reader.hpp"
#include "io/text_lines.hpp"

namespace semspace::io {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr std::size_t kHeaderAlignment = 64;  // what NumPy >= 1.9 writes, so arrays can be mapped aligned

struct NpyHeader {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::uint64_t> shape;
  std::size_t data_offset = 0;
};

// A cursor over the header dict, which is a Python literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
class DictParser {
 public:
  explicit DictParser(std::string_view text) : text_(text) {}

  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n')) ++pos_;
  }
  bool consume(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool peek(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  std::optional<std::string> string() {
    skip_space();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) return std::nullopt;
    char quote = text_[pos_++];
    std::size_t end = text_.find(quote, pos_);
    if (end == std::string_view::npos) return std::nullopt;
    std::string out(text_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return out;
  }
  bool keyword(std::string_view word) {
    skip_space();
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  std::optional<std::uint64_t> integer() {
    skip_space();
    std::size_t end = pos_;
    while (end < text_.size() && text_[end] >= '0' && text_[end] <= '9') ++end;
    std::uint64_t value = 0;
    if (!parse_count(text_.substr(pos_, end - pos_), value)) return std::nullopt;
    // Python 2 era files may write 3L.
    pos_ = end < text_.size() && text_[end] == 'L' ? end + 1 : end;
    return value;
  }
  bool at_end() {
    skip_space();
    return pos_ == text_.size();
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

Expected<NpyHeader> parse_header(std::span<const std::byte> data, std::string_view name) {
  auto bad = [&](std::string_view message) {
    return make_error(ErrorCode::kCorrupt, fmt::format("{}: {}", name, message));
  };
  if (data.empty()) return bad("file is empty");
  ByteReader reader(data, name);
  auto magic = reader.take(kMagic.size(), "the .npy magic");
  if (!magic) return tl::unexpected(magic.error());
  if (std::memcmp(magic->data(), kMagic.data(), kMagic.size()) != 0) return bad("not a .npy file (bad magic)");
  auto major = reader.read<std::uint8_t>(".npy version");
  if (!major) return tl::unexpected(major.error());
  auto minor = reader.read<std::uint8_t>(".npy version");
  if (!minor) return tl::unexpected(minor.error());
  std::uint64_t header_length = 0;
  if (*major == 1) {
    auto length = reader.read<std::uint16_t>(".npy header length");
    if (!length) return tl::unexpected(length.error());
    header_length = *length;
  } else if (*major == 2 || *major == 3) {
    auto length = reader.read<std::uint32_t>(".npy header length");
    if (!length) return tl::unexpected(length.error());
    header_length = *length;
  } else {
    return make_error(ErrorCode::kUnsupported,
                      fmt::format("{}: .npy format version {}.{} is not supported", name, *major, *minor));
  }
  auto header_bytes = reader.take(static_cast<std::size_t>(std::min<std::uint64_t>(header_length, SIZE_MAX)),
                                  ".npy header");
  if (!header_bytes) return tl::unexpected(header_bytes.error());
  std::string_view text(reinterpret_cast<const char*>(header_bytes->data()), header_bytes->size());

  NpyHeader header;
  bool have_descr = false;
  bool have_order = false;
  bool have_shape = false;
  DictParser p(text);
  auto malformed = [&] {
    return bad(fmt::format("malformed .npy header \"{}\"", display_token(text)));
  };
  if (!p.consume('{')) return malformed();
  while (!p.consume('}')) {
    auto key = p.string();
    if (!key || !p.consume(':')) return malformed();
    if (*key == "descr") {
      auto value = p.string();
      if (!value) return malformed();
      header.descr = *value;
      have_descr = true;
    } else if (*key == "fortran_order") {
      if (p.keyword("False")) {
        header.fortran_order = false;
      } else if (p.keyword("True")) {
        header.fortran_order = true;
      } else {
        return malformed();
      }
      have_order = true;
    } else if (*key == "shape") {
      if (!p.consume('(')) return malformed();
      while (!p.consume(')')) {
        auto dim = p.integer();
        if (!dim || header.shape.size() >= 32) return malformed();
        header.shape.push_back(*dim);
        if (!p.consume(',') && !p.peek(')')) return malformed();
      }
      have_shape = true;
    } else {
      return bad(fmt::format("unexpected key \"{}\" in .npy header", display_token(*key)));
    }
    if (!p.consume(',') && !p.peek('}')) return malformed();
  }
  if (!p.at_end()) return malformed();
  if (!have_descr || !have_order || !have_shape) {
    return bad("the .npy header lacks one of 'descr', 'fortran_order' and 'shape'");
  }
  header.data_offset = reader.offset();
  return header;
}

// Checks dtype, order and rank, and that the data is exactly the shape's size; returns the element count.
Expected<std::uint64_t> check_layout(const NpyHeader& header, std::span<const std::byte> data, std::string_view name,
                                     std::string_view descr, std::size_t rank, std::size_t element_size) {
  if (header.descr != descr) {
    return make_error(ErrorCode::kUnsupported, fmt::format("{}: dtype '{}' is not supported (expected '{}')", name,
                                                           display_token(header.descr), descr));
  }
  if (header.fortran_order) {
    return make_error(ErrorCode::kUnsupported, fmt::format("{}: Fortran-order arrays are not supported", name));
  }
  if (header.shape.size() != rank) {
    return make_error(ErrorCode::kUnsupported,
                      fmt::format("{}: array has {} dimensions, expected {}", name, header.shape.size(), rank));
  }
  std::uint64_t elements = 1;
  std::uint64_t bytes = 0;
  bool representable = true;
  for (std::uint64_t dim : header.shape) representable = representable && checked_mul(elements, dim, elements);
  representable = representable && checked_mul(elements, element_size, bytes);
  const std::size_t available = data.size() - header.data_offset;
  if (!representable || bytes != available) {
    return make_error(ErrorCode::kCorrupt,
                      fmt::format("{}: shape ({}) needs {} data bytes but the file has {} after the header", name,
                                  fmt::join(header.shape, ", "),
                                  representable ? fmt::format("{}", bytes) : std::string("more than 2^64"), available));
  }
  return elements;
}

Status write_with_header(const std::filesystem::path& path, std::string_view dict, std::span<const std::byte> payload,
                         MatrixView matrix) {
  // magic(6) + version(2) + length(2) + dict + padding spaces + '\n', total a multiple of 64.
  std::string header(dict);
  std::size_t total = kMagic.size() + 4 + header.size() + 1;
  header.append((kHeaderAlignment - total % kHeaderAlignment) % kHeaderAlignment, ' ');
  header.push_back('\n');
  SEMSPACE_CHECK(header.size() <= UINT16_MAX, ".npy header of {} bytes", header.size());
  auto file = AtomicFileWriter::create(path);
  if (!file) return tl::unexpected(file.error());
  std::string prefix(kMagic);
  prefix.push_back('\x01');
  prefix.push_back('\x00');
  auto length = static_cast<std::uint16_t>(header.size());
  prefix.append(reinterpret_cast<const char*>(&length), 2);
  if (auto s = file->write(prefix); !s) return s;
  if (auto s = file->write(header); !s) return s;
  if (!payload.empty()) {
    if (auto s = file->write(payload); !s) return s;
  }
  for (std::size_t r = 0; r < matrix.rows; ++r) {
    if (auto s = file->write(std::as_bytes(matrix.row(r))); !s) return s;
  }
  return file->commit();
}

template <class T>
Expected<T> with_mapped(const std::filesystem::path& path,
                        Expected<T> (*read)(std::span<const std::byte>, std::string_view)) {
  auto file = core::MappedFile::open(path);
  if (!file) return tl::unexpected(file.error());
  return read((*file)->bytes(), path.string());
}

}  // namespace

Status write_npy(MatrixView matrix, const std::filesystem::path& path) {
  std::string dict = fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}, {}), }}", matrix.rows,
                                 matrix.cols);
  return write_with_header(path, dict, {}, matrix);
}

Status write_npy(std::span<const std::int64_t> values, const std::filesystem::path& path) {
  std::string dict = fmt::format("{{'descr': '<i8', 'fortran_order': False, 'shape': ({},), }}", values.size());
  return write_with_header(path, dict, std::as_bytes(values), MatrixView{});
}

Status write_npy(std::span<const std::int64_t> values, std::size_t rows, std::size_t cols,
                 const std::filesystem::path& path) {
  SEMSPACE_CHECK(values.size() == rows * cols, "{} values for a {} x {} array", values.size(), rows, cols);
  std::string dict = fmt::format("{{'descr': '<i8', 'fortran_order': False, 'shape': ({}, {}), }}", rows, cols);
  return write_with_header(path, dict, std::as_bytes(values), MatrixView{});
}

Expected<Matrix> read_npy_matrix(std::span<const std::byte> data, std::string_view name) {
  auto header = parse_header(data, name);
  if (!header) return tl::unexpected(header.error());
  auto elements = check_layout(*header, data, name, "<f4", 2, sizeof(float));
  if (!elements) return tl::unexpected(elements.error());
  Matrix matrix(static_cast<std::size_t>(header->shape[0]), static_cast<std::size_t>(header->shape[1]));
  if (matrix.size() > 0) std::memcpy(matrix.data(), data.data() + header->data_offset, matrix.size() * sizeof(float));
  return matrix;
}

Expected<std::vector<std::int64_t>> read_npy_int64(std::span<const std::byte> data, std::string_view name) {
  auto header = parse_header(data, name);
  if (!header) return tl::unexpected(header.error());
  auto elements = check_layout(*header, data, name, "<i8", 1, sizeof(std::int64_t));
  if (!elements) return tl::unexpected(elements.error());
  std::vector<std::int64_t> values(static_cast<std::size_t>(*elements));
  if (!values.empty()) std::memcpy(values.data(), data.data() + header->data_offset, values.size() * 8);
  return values;
}

Expected<Int64Matrix> read_npy_int64_matrix(std::span<const std::byte> data, std::string_view name) {
  auto header = parse_header(data, name);
  if (!header) return tl::unexpected(header.error());
  auto elements = check_layout(*header, data, name, "<i8", 2, sizeof(std::int64_t));
  if (!elements) return tl::unexpected(elements.error());
  Int64Matrix out{static_cast<std::size_t>(header->shape[0]), static_cast<std::size_t>(header->shape[1]), {}};
  out.values.resize(static_cast<std::size_t>(*elements));
  if (!out.values.empty()) std::memcpy(out.values.data(), data.data() + header->data_offset, out.values.size() * 8);
  return out;
}

Expected<Int64Matrix> read_npy_int64_matrix(const std::filesystem::path& path) {
  return with_mapped<Int64Matrix>(path, &read_npy_int64_matrix);
}

Expected<Matrix> read_npy_matrix(const std::filesystem::path& path) {
  return with_mapped<Matrix>(path, &read_npy_matrix);
}

Expected<std::vector<std::int64_t>> read_npy_int64(const std::filesystem::path& path) {
  return with_mapped<std::vector<std::int64_t>>(path, &read_npy_int64);
}

}  // namespace semspace::io
