// Crash-safe file replacement: write "<path>.tmp", fsync it, rename it over <path>, fsync the directory, so a
// crash leaves either the old file or the complete new one, never a torn mix.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "semspace/status.hpp"

namespace semspace::io {

/// Buffered writer of one new file. Move-only; not thread-safe (one writer per thread). Destroying it without commit() removes the temporary file and
/// leaves <path> untouched. Errors name the file and the failing system call.
class AtomicFileWriter {
 public:
  static Expected<AtomicFileWriter> create(const std::filesystem::path& path);
  AtomicFileWriter(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&&) = delete;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();

  Status write(std::span<const std::byte> bytes);
  Status write(std::string_view text) { return write(std::as_bytes(std::span(text.data(), text.size()))); }
  /// Bytes written so far (buffered or not).
  std::size_t size() const noexcept { return written_ + buffer_.size(); }
  /// Flushes, fsyncs, renames over the target and fsyncs the directory. The writer is finished afterwards.
  Status commit();

 private:
  AtomicFileWriter(std::filesystem::path path, std::filesystem::path tmp_path, int fd);
  Status flush();
  Status write_all(const char* data, std::size_t size);
  Status fail(std::string_view what, int err);
  void discard() noexcept;

  std::filesystem::path path_;
  std::filesystem::path tmp_path_;
  int fd_ = -1;
  std::size_t written_ = 0;
  std::string buffer_;
};

}  // namespace semspace::io
