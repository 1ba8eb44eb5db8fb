#include "io/checksummed_file.hpp"

#include <xxhash.h>

namespace semspace::io {

struct ChecksummedFileWriter::HashState {
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state{XXH3_createState(), &XXH3_freeState};
};

Expected<ChecksummedFileWriter> ChecksummedFileWriter::create(const std::filesystem::path& path) {
  auto file = AtomicFileWriter::create(path);
  if (!file) return tl::unexpected(file.error());
  auto hash = std::make_unique<HashState>();
  SEMSPACE_CHECK(hash->state != nullptr, "XXH3_createState failed");
  XXH3_64bits_reset(hash->state.get());
  return ChecksummedFileWriter(std::move(*file), std::move(hash));
}

ChecksummedFileWriter::ChecksummedFileWriter(AtomicFileWriter file, std::unique_ptr<HashState> hash)
    : file_(std::move(file)), hash_(std::move(hash)) {}
ChecksummedFileWriter::ChecksummedFileWriter(ChecksummedFileWriter&&) noexcept = default;
ChecksummedFileWriter::~ChecksummedFileWriter() = default;

Status ChecksummedFileWriter::write(std::span<const std::byte> bytes) {
  if (bytes.empty()) return {};
  XXH3_64bits_update(hash_->state.get(), bytes.data(), bytes.size());
  return file_.write(bytes);
}

Status ChecksummedFileWriter::commit() {
  const std::uint64_t checksum = XXH3_64bits_digest(hash_->state.get());
  if (auto written = file_.write(std::as_bytes(std::span(&checksum, 1))); !written) return written;
  return file_.commit();
}

}  // namespace semspace::io
