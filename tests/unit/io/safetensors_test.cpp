#include "io/safetensors.hpp"

#include <unistd.h>

#include <cstring>

#include <gtest/gtest.h>

#include "io_test_util.hpp"
#include "safetensors_test_util.hpp"

namespace semspace::io {
namespace {

using testing_util::bytes_of;
using testing_util::f32_bytes;
using testing_util::RawTensor;
using testing_util::safetensors_bytes;

Expected<SafetensorsFile> parse(const std::string& bytes) { return SafetensorsFile::parse(bytes_of(bytes), "m.safetensors"); }

void expect_error(const std::string& bytes, ErrorCode code, const std::string& fragment) {
  auto file = parse(bytes);
  ASSERT_FALSE(file) << fragment;
  EXPECT_EQ(file.error().code, code) << file.error().message;
  EXPECT_NE(file.error().message.find("m.safetensors: "), std::string::npos) << file.error().message;
  EXPECT_NE(file.error().message.find(fragment), std::string::npos) << file.error().message;
}

TEST(Safetensors, ReadsF32F16Bf16AndMetadata) {
  // 1.5 = 0x3e00 in binary16, 0x3fc0 in bfloat16; -2 = 0xc000 / 0xc000.
  std::string half("\x00\x3e\x00\xc0", 4), bf16("\xc0\x3f\x00\xc0", 4);
  std::string bytes = safetensors_bytes({{"a", "F32", {2, 2}, f32_bytes({1, 2, 3, 4})},
                                         {"h", "F16", {2}, half},
                                         {"b", "BF16", {2}, bf16},
                                         {"ids", "I64", {1}, std::string(8, '\0')}});
  auto file = parse(bytes);
  ASSERT_TRUE(file) << file.error().message;
  ASSERT_EQ(file->tensors().size(), 4u);
  const auto* a = file->find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->shape, (std::vector<std::size_t>{2, 2}));
  std::vector<float> out(4);
  ASSERT_TRUE(file->to_f32(*a, out));
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3, 4}));
  std::vector<float> two(2);
  ASSERT_TRUE(file->to_f32(*file->find("h"), two));
  EXPECT_EQ(two, (std::vector<float>{1.5f, -2.0f}));
  ASSERT_TRUE(file->to_f32(*file->find("b"), two));
  EXPECT_EQ(two, (std::vector<float>{1.5f, -2.0f}));
  auto refused = file->to_f32(*file->find("ids"), std::span<float>(out.data(), 1));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(refused.error().message.find("tensor 'ids' has dtype I64"), std::string::npos);
  EXPECT_EQ(file->find("missing"), nullptr);
}

TEST(Safetensors, Metadata) {
  std::string header = R"({"__metadata__":{"format":"pt"},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})";
  std::uint64_t length = header.size();
  std::string bytes(8, '\0');
  std::memcpy(bytes.data(), &length, 8);
  bytes += header + f32_bytes({7});
  auto file = parse(bytes);
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(file->metadata().at("format"), "pt");
  std::string bad = bytes;
  bad.replace(bad.find("\"pt\""), 4, "1234");
  expect_error(bad, ErrorCode::kCorrupt, "__metadata__ value of 'format' is not a string");
}

TEST(Safetensors, CorruptFilesNameFileAndTensor) {
  const std::string good = safetensors_bytes({{"w", "F32", {2, 3}, f32_bytes({1, 2, 3, 4, 5, 6})}});
  ASSERT_TRUE(parse(good));
  expect_error(good.substr(0, 5), ErrorCode::kCorrupt, "too short");
  expect_error(good.substr(0, good.size() - 1), ErrorCode::kCorrupt, "tensor 'w': data_offsets [0, 24] are not within the 23");
  expect_error(good.substr(0, 20), ErrorCode::kCorrupt, "runs past the end of the file");
  std::string huge = good;
  std::uint64_t big = 1ull << 40;
  std::memcpy(huge.data(), &big, 8);
  expect_error(huge, ErrorCode::kCorrupt, "header length 1099511627776");
  std::string broken = good;
  broken[8] = '[';
  expect_error(broken, ErrorCode::kCorrupt, "header is not valid JSON");
  expect_error(safetensors_bytes({{"w", "F32", {2, 2}, f32_bytes({1, 2, 3, 4, 5, 6})}}), ErrorCode::kCorrupt,
               "tensor 'w': shape [2, 2] of F32 needs 16 bytes but data_offsets [0, 24] hold 24");
  expect_error(safetensors_bytes({{"w", "Q4", {1}, "a"}}), ErrorCode::kCorrupt, "tensor 'w': unknown dtype 'Q4'");
  // Overlap and holes: hand-written offsets.
  auto with_header = [](const std::string& header, std::size_t data_bytes) {
    std::uint64_t length = header.size();
    std::string bytes(8, '\0');
    std::memcpy(bytes.data(), &length, 8);
    return bytes + header + std::string(data_bytes, '\0');
  };
  expect_error(with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8),
               ErrorCode::kCorrupt, "overlap the previous tensor");
  expect_error(with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8), ErrorCode::kCorrupt,
               "tensor 'a': data_offsets [4, 8] leave a hole after byte 0");
  expect_error(with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 8), ErrorCode::kCorrupt,
               "tensors cover 4 of the 8 data bytes");
  expect_error(with_header(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4), ErrorCode::kCorrupt,
               "tensor 'a': shape holds a value");
  expect_error(with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", 4), ErrorCode::kCorrupt,
               "tensor 'a': missing field 'data_offsets'");
  expect_error(with_header(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,4]}})", 4),
               ErrorCode::kCorrupt, "needs too many bytes");
}

TEST(Safetensors, OpenNamesPathAndViewsAlignedF32) {
  auto path = std::filesystem::temp_directory_path() / ("semspace_st_" + std::to_string(::getpid()) + ".safetensors");
  testing_util::write_file(path, safetensors_bytes({{"w", "F32", {3}, f32_bytes({1, 2, 3})}}));
  auto file = SafetensorsFile::open(path);
  ASSERT_TRUE(file) << file.error().message;
  auto view = file->view_f32(*file->find("w"));
  ASSERT_EQ(view.size(), 3u);
  EXPECT_EQ(view[2], 3.0f);
  std::filesystem::remove(path);
  auto missing = SafetensorsFile::open(path);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
  EXPECT_NE(missing.error().message.find(path.string()), std::string::npos);
}

TEST(Safetensors, WrittenFilesReadBackAligned) {
  auto path = std::filesystem::temp_directory_path() / ("semspace_stw_" + std::to_string(::getpid()) + ".safetensors");
  const std::vector<float> a = {1, -2, 3.5f, 4, 5, 6}, b = {0.25f};
  const std::vector<SafetensorsF32> tensors = {{"layer.a", {2, 3}, a}, {"b", {1}, b}};
  ASSERT_TRUE(write_safetensors(path, tensors, {{"format", "pt"}}));
  auto file = SafetensorsFile::open(path);
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(file->metadata().at("format"), "pt");
  ASSERT_EQ(file->tensors().size(), 2u);
  EXPECT_EQ(file->tensors()[0].name, "layer.a") << "data in the order given";
  EXPECT_EQ(file->find("layer.a")->shape, (std::vector<std::size_t>{2, 3}));
  auto view = file->view_f32(*file->find("layer.a"));
  ASSERT_EQ(view.size(), 6u) << "the data section starts 8-byte aligned, so F32 maps in place";
  EXPECT_EQ(std::vector<float>(view.begin(), view.end()), a);
  std::vector<float> got(1);
  ASSERT_TRUE(file->to_f32(*file->find("b"), got));
  EXPECT_EQ(got[0], 0.25f);

  const std::vector<SafetensorsF32> repeated = {{"x", {1}, b}, {"x", {1}, b}};
  EXPECT_EQ(write_safetensors(path, repeated).error().code, ErrorCode::kInvalidArgument);
  const std::vector<SafetensorsF32> short_values = {{"x", {2}, b}};
  EXPECT_NE(write_safetensors(path, short_values).error().message.find("'x' has 1 values for shape [2]"),
            std::string::npos);
  auto again = SafetensorsFile::open(path);
  ASSERT_TRUE(again) << "a refused write leaves the previous file";
  EXPECT_EQ(again->tensors().size(), 2u);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace semspace::io
