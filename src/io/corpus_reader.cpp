#include "io/corpus_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace semspace {
namespace {

constexpr std::size_t kReadChunk = std::size_t{256} << 10;
constexpr std::size_t kMaxLineLimit = std::size_t{1} << 30;

bool is_cut_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0u) == 0x80u; }

// read(2) until at least one byte, the end, or a real error (EINTR is retried).
ssize_t read_some(int fd, char* data, std::size_t size) {
  for (;;) {
    const ssize_t n = ::read(fd, data, size);
    if (n >= 0 || errno != EINTR) return n;
  }
}

}  // namespace

Status LineReaderOptions::validate() const {
  if (max_line_bytes < 4 || max_line_bytes > kMaxLineLimit) {
    return make_error(ErrorCode::kInvalidArgument,
                      fmt::format("max_line_bytes must be in [4, {}], got {}", kMaxLineLimit, max_line_bytes));
  }
  return {};
}

struct LineReader::State {
  std::string name;
  int fd = -1;
  bool owns_fd = false;
  std::uint64_t file_size = 0;
  std::uint64_t raw_read = 0;  // bytes read from fd
  bool raw_eof = false;
  LineReaderOptions options;

  // gzip: raw bytes go through `in` and inflate; plain: read() fills `buffer` directly.
  bool gzip = false;
  bool inflate_ready = false;
  bool member_done = false;
  z_stream zs{};
  std::vector<char> in;

  // Decoded text: [begin, end) not yet returned; '\n' is known to be absent from [begin, begin + scanned).
  std::vector<char> buffer;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t scanned = 0;
  bool eof = false;  // no decoded text beyond `end`

  Status error;
  std::uint64_t line_number = 0;
  std::uint64_t bytes_read = 0;
  bool continues = false;

  State() = default;
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ~State() {
    if (inflate_ready) inflateEnd(&zs);
    if (owns_fd && fd >= 0) ::close(fd);
  }

  Status fail(ErrorCode code, const std::string& what) {
    error = make_error(code, fmt::format("{}:{}: {}", name, line_number + (continues ? 0 : 1), what));
    return error;
  }

  Status read_raw(char* data, std::size_t size, std::size_t& got) {
    const ssize_t n = read_some(fd, data, size);
    if (n < 0) return fail(ErrorCode::kIo, fmt::format("read failed: {}", std::strerror(errno)));
    got = static_cast<std::size_t>(n);
    raw_read += got;
    if (got == 0) raw_eof = true;
    return {};
  }

  // Makes room at the end of `buffer` for at least one read chunk by moving the pending text to the front.
  void make_room() {
    if (buffer.size() - end >= kReadChunk || begin == 0) return;
    std::memmove(buffer.data(), buffer.data() + begin, end - begin);
    end -= begin;
    begin = 0;
  }

  Status refill() {
    make_room();
    return gzip ? refill_gzip() : refill_plain();
  }

  Status refill_plain() {
    std::size_t got = 0;
    if (auto status = read_raw(buffer.data() + end, buffer.size() - end, got); !status) return status;
    end += got;
    if (got == 0) eof = true;
    return {};
  }

  Status refill_gzip() {
    for (;;) {
      if (zs.avail_in == 0 && !raw_eof) {
        std::size_t got = 0;
        if (auto status = read_raw(in.data(), in.size(), got); !status) return status;
        zs.next_in = reinterpret_cast<Bytef*>(in.data());
        zs.avail_in = static_cast<uInt>(got);
      }
      if (zs.avail_in == 0 && raw_eof) {
        if (member_done) {
          eof = true;
          return {};
        }
        return fail(ErrorCode::kCorrupt, "gzip data ends unexpectedly (truncated file?)");
      }
      if (member_done) {
        // Another member follows (`cat a.gz b.gz`, pigz, bgzip): decode it as a continuation of the text.
        inflateReset(&zs);
        member_done = false;
      }
      const std::size_t room = buffer.size() - end;
      zs.next_out = reinterpret_cast<Bytef*>(buffer.data() + end);
      zs.avail_out = static_cast<uInt>(room);
      const int result = inflate(&zs, Z_NO_FLUSH);
      const std::size_t produced = room - zs.avail_out;
      end += produced;
      if (result == Z_STREAM_END) {
        member_done = true;
      } else if (result != Z_OK && result != Z_BUF_ERROR) {
        // Z_BUF_ERROR only means "needs more input", which the loop provides or reports as truncation.
        return fail(ErrorCode::kCorrupt,
                    fmt::format("gzip data is corrupt: {}", zs.msg ? zs.msg : zError(result)));
      }
      if (produced > 0) return {};
    }
  }

  // Returns the next piece of an over-long line from [begin, begin + max_line_bytes).
  std::string_view cut_piece() {
    const std::size_t max = options.max_line_bytes;
    const char* data = buffer.data();
    std::size_t cut = begin + max;
    std::size_t space = cut;
    while (space > begin && !is_cut_space(data[space - 1])) --space;
    if (space > begin) {
      cut = space;  // just after the whitespace, so concatenated pieces give the line back
    } else {
      // No whitespace: step back over at most 3 continuation bytes to the start of the character.
      std::size_t back = cut;
      while (back > cut - 3 && is_continuation(data[back])) --back;
      if (!is_continuation(data[back])) cut = back;
    }
    const std::string_view piece(data + begin, cut - begin);
    const std::size_t consumed = cut - begin;
    begin = cut;
    scanned = scanned > consumed ? scanned - consumed : 0;
    bytes_read += consumed;
    return piece;
  }
};

LineReader::LineReader(std::unique_ptr<State> state) : state_(std::move(state)) {}
LineReader::LineReader(LineReader&&) noexcept = default;
LineReader& LineReader::operator=(LineReader&&) noexcept = default;
LineReader::~LineReader() = default;

Expected<LineReader> LineReader::open(const std::filesystem::path& path, LineReaderOptions options) {
  if (auto valid = options.validate(); !valid) {
    return make_error(ErrorCode::kInvalidArgument, fmt::format("{}: {}", path.string(), valid.error().message));
  }
  auto state = std::make_unique<State>();
  state->options = options;
  if (path == "-") {
    state->name = "<stdin>";
    state->fd = STDIN_FILENO;
  } else {
    state->name = path.string();
    state->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (state->fd < 0) {
      return make_error(ErrorCode::kIo, fmt::format("cannot open {}: {}", state->name, std::strerror(errno)));
    }
    state->owns_fd = true;
  }
  struct stat info {};
  if (::fstat(state->fd, &info) == 0) {
    if (S_ISDIR(info.st_mode)) {
      return make_error(ErrorCode::kIo, fmt::format("cannot read {}: it is a directory", state->name));
    }
    if (S_ISREG(info.st_mode)) {
      state->file_size = static_cast<std::uint64_t>(info.st_size);
      ::posix_fadvise(state->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
  }
  // Room for a whole window (max + "\r\n") plus a full read after it.
  state->buffer.resize(options.max_line_bytes + 2 + kReadChunk);

  // Sniff the format from the first two bytes; a pipe may deliver them one at a time.
  while (state->end < 2 && !state->raw_eof) {
    std::size_t got = 0;
    // At most one chunk, so that a gzip head fits the raw input buffer it is moved to.
    auto status = state->read_raw(state->buffer.data() + state->end, kReadChunk - state->end, got);
    if (!status) return tl::unexpected(status.error());
    state->end += got;
  }
  const auto* head = reinterpret_cast<const unsigned char*>(state->buffer.data());
  if (state->end >= 2 && head[0] == 0x1F && head[1] == 0x8B) {
    state->gzip = true;
    state->in.resize(kReadChunk);
    std::memcpy(state->in.data(), state->buffer.data(), state->end);
    state->zs.next_in = reinterpret_cast<Bytef*>(state->in.data());
    state->zs.avail_in = static_cast<uInt>(state->end);
    state->end = 0;
    // 16 + MAX_WBITS: gzip wrapper only (a zlib or raw deflate stream is not a .gz file).
    if (inflateInit2(&state->zs, 16 + MAX_WBITS) != Z_OK) {
      return make_error(ErrorCode::kIo, fmt::format("{}: cannot initialize zlib", state->name));
    }
    state->inflate_ready = true;
  } else if (state->raw_eof) {
    state->eof = true;
  }
  return LineReader(std::move(state));
}

bool LineReader::next(std::string_view& line) {
  State& s = *state_;
  if (!s.error) return false;
  const std::size_t max = s.options.max_line_bytes;
  // Returns [s.begin, content_end) and consumes through `consume_end` (the terminator, if any).
  auto emit_line = [&](std::size_t content_end, std::size_t consume_end) {
    if (!s.continues) ++s.line_number;
    line = std::string_view(s.buffer.data() + s.begin, content_end - s.begin);
    s.bytes_read += consume_end - s.begin;
    s.begin = consume_end;
    s.scanned = 0;
    s.continues = false;
    return true;
  };
  auto emit_piece = [&] {
    if (!s.continues) ++s.line_number;
    line = s.cut_piece();
    s.continues = true;
    return true;
  };
  for (;;) {
    const std::size_t window = s.end - s.begin;
    // A line of max bytes plus "\r\n" fits in max + 2; no '\n' there means the line is too long.
    const std::size_t limit = std::min(window, max + 2);
    const char* data = s.buffer.data();
    const void* newline =
        s.scanned < limit ? std::memchr(data + s.begin + s.scanned, '\n', limit - s.scanned) : nullptr;
    if (newline != nullptr) {
      const auto newline_at = static_cast<std::size_t>(static_cast<const char*>(newline) - data);
      std::size_t content_end = newline_at;
      if (content_end > s.begin && data[content_end - 1] == '\r') --content_end;
      if (content_end - s.begin <= max) return emit_line(content_end, newline_at + 1);
      return emit_piece();
    }
    s.scanned = limit;
    if (window >= max + 2 || (s.eof && window > max)) return emit_piece();
    if (s.eof) return window == 0 ? false : emit_line(s.end, s.end);
    if (!s.refill()) return false;
  }
}

bool LineReader::continues() const noexcept { return state_->continues; }
Status LineReader::status() const { return state_->error; }
std::uint64_t LineReader::line_number() const noexcept { return state_->line_number; }
std::uint64_t LineReader::bytes_read() const noexcept { return state_->bytes_read; }
std::uint64_t LineReader::file_size() const noexcept { return state_->file_size; }
bool LineReader::compressed() const noexcept { return state_->gzip; }
const std::string& LineReader::name() const noexcept { return state_->name; }

double LineReader::fraction_read() const noexcept {
  const State& s = *state_;
  if (s.file_size == 0) return 0.0;
  const std::uint64_t position = s.gzip ? s.raw_read - s.zs.avail_in : s.bytes_read;
  return std::min(1.0, static_cast<double>(position) / static_cast<double>(s.file_size));
}

}  // namespace semspace
