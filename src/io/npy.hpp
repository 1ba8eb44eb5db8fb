// NumPy .npy files: 2-D float32 C-order matrices (read and write), 1-D and 2-D int64 arrays (write, and read
// for tests and ground truth). Writers emit format version 1.0 with the header padded to 64 bytes; readers accept 1.0, 2.0 and 3.0.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "semspace/matrix.hpp"
#include "semspace/status.hpp"

namespace semspace::io {

/// Writes `matrix` (rows x cols, any stride) as '<f4' C-order, crash-safely. kIo on file system errors.
Status write_npy(MatrixView matrix, const std::filesystem::path& path);
/// Writes a 1-D '<i8' array of values.size() elements.
Status write_npy(std::span<const std::int64_t> values, const std::filesystem::path& path);
/// Writes a 2-D '<i8' rows x cols array (row-major; values.size() == rows * cols), e.g. neighbour ids.
Status write_npy(std::span<const std::int64_t> values, std::size_t rows, std::size_t cols,
                 const std::filesystem::path& path);

/// A 2-D int64 array, row-major.
struct Int64Matrix {
  std::size_t rows = 0, cols = 0;
  std::vector<std::int64_t> values;
};

/// Reads a 2-D '<f4' C-order array. Errors (kCorrupt) name the file: bad magic or version, a header dict that is
/// malformed or lacks descr/fortran_order/shape, data size not matching the shape; kUnsupported for other dtypes,
/// Fortran order or other ranks.
Expected<Matrix> read_npy_matrix(const std::filesystem::path& path);
Expected<Matrix> read_npy_matrix(std::span<const std::byte> data, std::string_view name);
/// Reads a 1-D '<i8' array; errors as above.
Expected<std::vector<std::int64_t>> read_npy_int64(const std::filesystem::path& path);
Expected<std::vector<std::int64_t>> read_npy_int64(std::span<const std::byte> data, std::string_view name);
/// Reads a 2-D '<i8' C-order array (e.g. ground-truth neighbour ids); errors as above.
Expected<Int64Matrix> read_npy_int64_matrix(const std::filesystem::path& path);
Expected<Int64Matrix> read_npy_int64_matrix(std::span<const std::byte> data, std::string_view name);

}  // namespace semspace::io
