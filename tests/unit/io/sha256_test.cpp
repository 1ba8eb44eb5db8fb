// SHA-256 of bytes and files against the FIPS 180-2 example digests.
#include "io/sha256.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include "unit/io/io_test_util.hpp"

namespace semspace::io {
namespace {

namespace fs = std::filesystem;
using testing_util::write_file;

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const fs::path path = fs::temp_directory_path() / ("semspace_sha256_" + std::to_string(::getpid()));
  const std::string big(3 << 20, 'a');  // several read blocks
  write_file(path, big);
  auto digest = sha256_file(path);
  fs::remove(path);
  ASSERT_TRUE(digest) << digest.error().message;
  EXPECT_EQ(*digest, sha256_hex(big));
  auto missing = sha256_file(path);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find(path.string()), std::string::npos);
}

}  // namespace
}  // namespace semspace::io
