#include "io/npy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "io_test_util.hpp"

namespace semspace::io {
namespace {

using testing_util::bytes_of;
using ::testing::HasSubstr;

class NpyTest : public testing_util::TempDirTest {
 protected:
  bool have_numpy() { return std::system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0; }
  std::string read_error(std::string_view content) {
    auto result = read_npy_matrix(bytes_of(content), "a.npy");
    if (result) return "<no error>";
    return result.error().message;
  }
  static std::string header(std::string_view dict, char major = 1) {
    std::string out = "\x93NUMPY";
    out.push_back(major);
    out.push_back(0);
    auto length = static_cast<std::uint32_t>(dict.size());
    out.append(reinterpret_cast<const char*>(&length), major == 1 ? 2 : 4);
    out.append(dict);
    return out;
  }
};

TEST_F(NpyTest, MatrixRoundTripIsBitExactAndAligned) {
  auto vectors = testing_util::random_vectors(3, 7, 5);
  ASSERT_TRUE(write_npy(vectors.input().view(), path("a.npy")));
  std::string content = testing_util::read_file(path("a.npy"));
  // The 59-byte dict plus the 10-byte prefix and '\n' is padded to 128, keeping the data 64-byte aligned.
  EXPECT_EQ(content.size(), 128 + 7 * 5 * 4u);
  EXPECT_EQ(content.substr(10, 59), "{'descr': '<f4', 'fortran_order': False, 'shape': (7, 5), }");
  EXPECT_EQ(content.substr(69, 59), std::string(58, ' ') + "\n");
  auto back = read_npy_matrix(path("a.npy"));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(testing_util::same_bits(*back, vectors.input()));
}

TEST_F(NpyTest, Int64RoundTrip) {
  std::vector<std::int64_t> values = {0, -1, 1ll << 40, 7};
  ASSERT_TRUE(write_npy(std::span<const std::int64_t>(values), path("i.npy")));
  auto back = read_npy_int64(path("i.npy"));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, values);
  std::vector<std::int64_t> none;
  ASSERT_TRUE(write_npy(std::span<const std::int64_t>(none), path("e.npy")));
  auto empty = read_npy_int64(path("e.npy"));
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_TRUE(empty->empty());
}

TEST_F(NpyTest, Int64MatrixRoundTrip) {
  std::vector<std::int64_t> values = {0, -1, 1ll << 40, 7, 8, 9};
  ASSERT_TRUE(write_npy(std::span<const std::int64_t>(values), 2, 3, path("m.npy")));
  auto back = read_npy_int64_matrix(path("m.npy"));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->rows, 2u);
  EXPECT_EQ(back->cols, 3u);
  EXPECT_EQ(back->values, values);
  EXPECT_FALSE(read_npy_int64(path("m.npy")));  // rank 2 is not a 1-D array
  EXPECT_FALSE(read_npy_int64_matrix(path("nope.npy")));
}

TEST_F(NpyTest, ReadsVersion2Headers) {
  std::string content = header("{'shape': (1, 2), 'fortran_order': False, 'descr': '<f4'}\n", 2);
  float values[2] = {1.5f, -2.0f};
  content.append(reinterpret_cast<const char*>(values), 8);
  auto m = read_npy_matrix(bytes_of(content), "a.npy");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->row(0)[1], -2.0f);
}

TEST_F(NpyTest, InteroperatesWithNumpy) {
  if (!have_numpy()) GTEST_SKIP() << "Debian python3-numpy is not installed";
  auto vectors = testing_util::random_vectors(4, 6, 3);
  ASSERT_TRUE(write_npy(vectors.input().view(), path("ours.npy")));
  std::vector<std::int64_t> ids = {5, -6, 7};
  ASSERT_TRUE(write_npy(std::span<const std::int64_t>(ids), path("ids.npy")));
  std::string script = fmt::format(
      "import numpy as np\n"
      "a = np.load('{0}/ours.npy'); assert a.shape == (6, 3) and a.dtype == np.float32\n"
      "assert list(np.load('{0}/ids.npy')) == [5, -6, 7]\n"
      "np.save('{0}/theirs.npy', a)\n"
      "np.lib.format.write_array(open('{0}/v2.npy', 'wb'), a, version=(2, 0))\n"
      "np.save('{0}/fortran.npy', np.asfortranarray(np.ones((3, 2), dtype=np.float32)))\n"
      "np.save('{0}/f8.npy', np.ones((3, 2)))\n",
      dir_.string());
  testing_util::write_file(path("check.py"), script);
  ASSERT_EQ(std::system(("/usr/bin/python3 " + path("check.py").string()).c_str()), 0);
  for (const char* name : {"theirs.npy", "v2.npy"}) {
    auto back = read_npy_matrix(path(name));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_TRUE(testing_util::same_bits(*back, vectors.input())) << name;
  }
  auto fortran = read_npy_matrix(path("fortran.npy"));
  ASSERT_FALSE(fortran);
  EXPECT_EQ(fortran.error().message, path("fortran.npy").string() + ": Fortran-order arrays are not supported");
  auto f8 = read_npy_matrix(path("f8.npy"));
  ASSERT_FALSE(f8);
  EXPECT_EQ(f8.error().message, path("f8.npy").string() + ": dtype '<f8' is not supported (expected '<f4')");
}

TEST_F(NpyTest, Errors) {
  EXPECT_EQ(read_error(""), "a.npy: file is empty");
  EXPECT_EQ(read_error("\x93NUMPZ\x01\x00"), "a.npy: not a .npy file (bad magic)");
  EXPECT_EQ(read_error("\x93NU"), "a.npy: truncated at byte 0 while reading the .npy magic (need 6 bytes, 3 left)");
  EXPECT_EQ(read_error(header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", 7)),
            "a.npy: .npy format version 7.0 is not supported");
  EXPECT_EQ(read_error(header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }") + "12345678"),
            "a.npy: shape (2, 2) needs 16 data bytes but the file has 8 after the header");
  EXPECT_EQ(read_error(header("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }")),
            "a.npy: shape (4294967296, 4294967296) needs more than 2^64 data bytes but the file has 0 after the "
            "header");
  EXPECT_EQ(read_error(header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }") + "12345678"),
            "a.npy: array has 1 dimensions, expected 2");
  EXPECT_EQ(read_error(header("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 2), }")),
            "a.npy: malformed .npy header \"{'descr': '<f4', 'fortran_order': Maybe,...(59 bytes)\"");
  EXPECT_EQ(read_error(header("{'descr': '<f4', 'shape': (2, 2), }")),
            "a.npy: the .npy header lacks one of 'descr', 'fortran_order' and 'shape'");
  EXPECT_EQ(read_error(header("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'x': 1}")),
            "a.npy: unexpected key \"x\" in .npy header");
  std::string lying = "\x93NUMPY\x01";
  lying.push_back('\0');
  lying += "\xff\xff{'descr'";
  EXPECT_EQ(read_error(lying), "a.npy: truncated at byte 10 while reading .npy header (need 65535 bytes, 8 left)");
}

}  // namespace
}  // namespace semspace::io
