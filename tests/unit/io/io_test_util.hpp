// Helpers for the io tests: a unique temporary directory per test, file helpers and random models.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "semspace/word_vectors.hpp"

namespace semspace::io::testing_util {

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("semspace_io_") + info->test_suite_name() + "_" + info->name() + "_" + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::filesystem::path path(const std::string& name) const { return dir_ / name; }

  std::filesystem::path dir_;
};

inline void write_file(const std::filesystem::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline std::span<const std::byte> bytes_of(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }

/// n words (ASCII and multi-byte UTF-8), dim values each, including awkward floats (subnormal, -0, huge).
inline WordVectors random_vectors(std::uint32_t seed, std::size_t n, std::size_t dim, bool with_counts = false,
                                  SubwordOptions subwords = {0, 0, 0}) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(-2.0f, 2.0f);
  const char* stems[] = {"w", "é", "日本", "naïve", "Ωmega", "a"};
  std::vector<std::string> words;
  std::vector<std::uint64_t> counts;
  for (std::size_t i = 0; i < n; ++i) {
    words.push_back(std::string(stems[i % 6]) + std::to_string(i));
    if (with_counts) counts.push_back(1000 - i);
  }
  std::size_t rows = n + (subwords.enabled() ? subwords.buckets : 0);
  Matrix input(rows, dim);
  const float specials[] = {-0.0f, 1e-40f, 3.4e38f, -1.17549435e-38f, 1e-7f, 123456789.0f};
  for (std::size_t i = 0; i < input.size(); ++i) {
    input.data()[i] = (i % 17 == 5 && !subwords.enabled()) ? specials[(i / 17) % 6] : uniform(rng);
  }
  return WordVectors(std::move(words), std::move(counts), std::move(input), subwords);
}

/// Bit-exact comparison of two matrices.
inline bool same_bits(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

}  // namespace semspace::io::testing_util
