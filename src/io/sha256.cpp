#include "io/sha256.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include <fmt/format.h>

namespace semspace::io {
namespace {

struct DigestContextFree {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestContextFree>;

struct FileClose {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

DigestContext new_sha256() {
  DigestContext ctx(EVP_MD_CTX_new());
  // Only allocation can fail here: SHA-256 is always present in libcrypto's default provider.
  SEMSPACE_CHECK(ctx != nullptr && EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1, "EVP SHA-256 init failed");
  return ctx;
}

std::string finish_hex(EVP_MD_CTX* ctx) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  SEMSPACE_CHECK(EVP_DigestFinal_ex(ctx, digest, &length) == 1, "EVP SHA-256 final failed");
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace

Expected<std::string> sha256_file(const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, FileClose> file(std::fopen(path.c_str(), "rb"));
  if (!file) return make_error(ErrorCode::kIo, fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  auto ctx = new_sha256();
  std::vector<char> block(1 << 20);
  while (true) {
    const std::size_t n = std::fread(block.data(), 1, block.size(), file.get());
    if (n > 0) SEMSPACE_CHECK(EVP_DigestUpdate(ctx.get(), block.data(), n) == 1, "EVP SHA-256 update failed");
    if (n < block.size()) break;
  }
  if (std::ferror(file.get())) {
    return make_error(ErrorCode::kIo, fmt::format("{}: read error: {}", path.string(), std::strerror(errno)));
  }
  return finish_hex(ctx.get());
}

std::string sha256_hex(std::string_view bytes) {
  auto ctx = new_sha256();
  SEMSPACE_CHECK(EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) == 1, "EVP SHA-256 update failed");
  return finish_hex(ctx.get());
}

}  // namespace semspace::io
