// SHA-256 of files and bytes (OpenSSL libcrypto EVP): the hub names each large (LFS) file by its SHA-256, so a
// downloaded file is checked against it before it is trusted.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "semspace/status.hpp"

namespace semspace::io {

/// Lowercase hex SHA-256 of the whole file, read in 1 MiB blocks. kIo naming the file when it cannot be read.
Expected<std::string> sha256_file(const std::filesystem::path& path);

/// Lowercase hex SHA-256 of bytes in memory.
std::string sha256_hex(std::string_view bytes);

}  // namespace semspace::io
