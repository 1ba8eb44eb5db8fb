#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

namespace semspace::io {
namespace {
constexpr std::size_t kBufferSize = 1 << 20;  // large enough that syscalls do not dominate text output
}

Expected<AtomicFileWriter> AtomicFileWriter::create(const std::filesystem::path& path) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return make_error(ErrorCode::kIo, fmt::format("{}: cannot create: {}", tmp.string(), std::strerror(errno)));
  }
  return AtomicFileWriter(path, std::move(tmp), fd);
}

AtomicFileWriter::AtomicFileWriter(std::filesystem::path path, std::filesystem::path tmp_path, int fd)
    : path_(std::move(path)), tmp_path_(std::move(tmp_path)), fd_(fd) {
  buffer_.reserve(kBufferSize);
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept
    : path_(std::move(other.path_)),
      tmp_path_(std::move(other.tmp_path_)),
      fd_(other.fd_),
      written_(other.written_),
      buffer_(std::move(other.buffer_)) {
  other.fd_ = -1;
}

AtomicFileWriter::~AtomicFileWriter() { discard(); }

void AtomicFileWriter::discard() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
    ::unlink(tmp_path_.c_str());
  }
}

Status AtomicFileWriter::fail(std::string_view what, int err) {
  std::string message = fmt::format("{}: cannot {}: {}", tmp_path_.string(), what, std::strerror(err));
  discard();
  return make_error(ErrorCode::kIo, std::move(message));
}

Status AtomicFileWriter::write_all(const char* p, std::size_t left) {
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write", errno);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
    written_ += static_cast<std::size_t>(n);
  }
  return {};
}

Status AtomicFileWriter::flush() {
  auto s = write_all(buffer_.data(), buffer_.size());
  buffer_.clear();
  return s;
}

Status AtomicFileWriter::write(std::span<const std::byte> bytes) {
  SEMSPACE_CHECK(fd_ >= 0, "write to a finished AtomicFileWriter for {}", path_.string());
  const auto* p = reinterpret_cast<const char*>(bytes.data());
  if (buffer_.size() + bytes.size() <= kBufferSize) {
    buffer_.append(p, bytes.size());
    return {};
  }
  // Large blocks (a whole matrix) go straight to the file instead of growing the buffer.
  if (auto s = flush(); !s) return s;
  if (bytes.size() >= kBufferSize) return write_all(p, bytes.size());
  buffer_.append(p, bytes.size());
  return {};
}

Status AtomicFileWriter::commit() {
  SEMSPACE_CHECK(fd_ >= 0, "commit of a finished AtomicFileWriter for {}", path_.string());
  if (auto s = flush(); !s) return s;
  if (::fsync(fd_) != 0) return fail("fsync", errno);
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp_path_.c_str());
    return make_error(ErrorCode::kIo, fmt::format("{}: cannot close: {}", tmp_path_.string(), std::strerror(err)));
  }
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp_path_.c_str());
    return make_error(ErrorCode::kIo, fmt::format("{}: cannot rename to {}: {}", tmp_path_.string(), path_.string(),
                                                  std::strerror(err)));
  }
  // The rename is durable only once the directory entry is on disk.
  std::filesystem::path dir = path_.parent_path();
  if (dir.empty()) dir = ".";
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) {
    return make_error(ErrorCode::kIo, fmt::format("{}: cannot open directory to fsync: {}", dir.string(), std::strerror(errno)));
  }
  int rc = ::fsync(dir_fd);
  int err = errno;
  ::close(dir_fd);
  if (rc != 0) return make_error(ErrorCode::kIo, fmt::format("{}: cannot fsync directory: {}", dir.string(), std::strerror(err)));
  return {};
}

}  // namespace semspace::io
