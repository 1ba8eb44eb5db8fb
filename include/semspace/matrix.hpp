// Dense row-major float32 matrices: an owning Matrix (64-byte aligned, or backed by a memory-mapped file)
// and a borrowing MatrixView. Kernels take views and spans, never containers.
#pragma once

#include <cstddef>
#include <memory>
#include <span>

namespace semspace {

/// A read-only window on rows x cols floats; row r starts at data + r * stride.
struct MatrixView {
  const float* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::size_t stride = 0;

  std::span<const float> row(std::size_t r) const noexcept { return {data + r * stride, cols}; }
};

/// Owning row-major float32 matrix. Move-only; `clone()` copies. Not thread-safe for concurrent writes to the
/// same row (Hogwild trainers do that on purpose and accept the races).
class Matrix {
 public:
  Matrix() = default;
  /// Zero-filled rows x cols, each row contiguous, the block 64-byte aligned.
  Matrix(std::size_t rows, std::size_t cols);
  /// rows x cols like the constructor, but with the contents left as the allocator gave them: for scratch buffers
  /// that are written in full before they are read, where zero-filling would be a wasted pass over memory.
  static Matrix uninitialized(std::size_t rows, std::size_t cols);
  /// Wraps memory owned elsewhere (a mapped file); `owner` keeps it alive. The memory must be writable
  /// (a private copy-on-write mapping is fine).
  static Matrix wrap(float* data, std::size_t rows, std::size_t cols, std::shared_ptr<void> owner);

  Matrix(Matrix&&) noexcept = default;
  Matrix& operator=(Matrix&&) noexcept = default;
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;

  Matrix clone() const;

  std::size_t rows() const noexcept { return rows_; }
  std::size_t cols() const noexcept { return cols_; }
  std::size_t size() const noexcept { return rows_ * cols_; }
  bool empty() const noexcept { return size() == 0; }
  float* data() noexcept { return data_; }
  const float* data() const noexcept { return data_; }
  std::span<float> row(std::size_t r) noexcept { return {data_ + r * cols_, cols_}; }
  std::span<const float> row(std::size_t r) const noexcept { return {data_ + r * cols_, cols_}; }
  MatrixView view() const noexcept { return {data_, rows_, cols_, cols_}; }

 private:
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  float* data_ = nullptr;
  std::shared_ptr<void> owner_;
};

}  // namespace semspace
