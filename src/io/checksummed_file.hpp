// ChecksummedFileWriter: an AtomicFileWriter that hashes everything written with XXH3-64 and, on commit,
// appends that hash (8 bytes, native byte order) before replacing the file. The layout every checksummed
// semspace file shares: native models, flat and HNSW index snapshots.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

#include "io/atomic_file.hpp"
#include "semspace/status.hpp"

namespace semspace::io {

class ChecksummedFileWriter {
 public:
  static Expected<ChecksummedFileWriter> create(const std::filesystem::path& path);
  ChecksummedFileWriter(ChecksummedFileWriter&&) noexcept;
  ChecksummedFileWriter& operator=(ChecksummedFileWriter&&) = delete;
  ~ChecksummedFileWriter();

  /// Hashes and writes; an empty span (whose data() may be null) writes nothing.
  Status write(std::span<const std::byte> bytes);
  /// Bytes written so far, the checksum not included.
  std::size_t size() const noexcept { return file_.size(); }
  /// Appends the checksum of everything written, then commits the file (see AtomicFileWriter::commit).
  Status commit();

 private:
  struct HashState;
  ChecksummedFileWriter(AtomicFileWriter file, std::unique_ptr<HashState> hash);
  AtomicFileWriter file_;
  std::unique_ptr<HashState> hash_;
};

}  // namespace semspace::io
