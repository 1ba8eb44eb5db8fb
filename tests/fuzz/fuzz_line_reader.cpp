// Arbitrary bytes as a corpus file, read with a small max_line_bytes: no crash, pieces within the limit,
// and for plain input the pieces reassemble to the input's lines. The first byte picks the mode: odd means
// "gzip the rest" (split into one or two members), so the decoder is exercised with valid streams too;
// even means the rest is the file as is (raw bytes, including corrupt gzip).
#include <unistd.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "io/corpus_reader.hpp"

namespace {

std::string gzip_member(std::string_view text) {
  z_stream zs{};
  if (deflateInit2(&zs, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) __builtin_trap();
  std::string out(deflateBound(&zs, static_cast<uLong>(text.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) __builtin_trap();
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// The lines of `text` as the reader defines them, joined with '\n' after each.
std::string expected_lines(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t newline = text.find('\n', start);
    std::string_view line = text.substr(start, newline == std::string_view::npos ? std::string_view::npos
                                                                                  : newline - start);
    if (newline != std::string_view::npos && !line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.append(line);
    out.push_back('\n');
    if (newline == std::string_view::npos) break;
    start = newline + 1;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const bool make_gzip = data[0] & 1;
  const std::size_t max_line = 4 + data[1] % 64;
  const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
  std::string file_bytes;
  if (make_gzip) {
    const std::size_t split = data[0] >> 1 < text.size() ? data[0] >> 1 : text.size();
    file_bytes = gzip_member(text.substr(0, split)) + gzip_member(text.substr(split));
  } else {
    file_bytes.assign(text);
  }
  static const std::string path = "/dev/shm/semspace_fuzz_line_reader_" + std::to_string(::getpid());
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return 0;
  std::fwrite(file_bytes.data(), 1, file_bytes.size(), file);
  std::fclose(file);

  auto reader = semspace::LineReader::open(path, {.max_line_bytes = max_line});
  if (!reader) __builtin_trap();
  std::string reassembled;
  std::string_view piece;
  while (reader->next(piece)) {
    if (piece.size() > max_line) __builtin_trap();
    reassembled.append(piece);
    if (!reader->continues()) reassembled.push_back('\n');
  }
  const bool gzip_input = file_bytes.size() >= 2 && static_cast<unsigned char>(file_bytes[0]) == 0x1F &&
                          static_cast<unsigned char>(file_bytes[1]) == 0x8B;
  if (make_gzip || !gzip_input) {
    if (!reader->status()) __builtin_trap();
    if (reassembled != expected_lines(text)) __builtin_trap();
  }
  if (reader->fraction_read() < 0.0 || reader->fraction_read() > 1.0) __builtin_trap();
  std::remove(path.c_str());
  return 0;
}
