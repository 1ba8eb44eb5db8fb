#include "semspace/matrix.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

namespace semspace {
namespace {
constexpr std::size_t kAlignment = 64;  // one cache line; also what AVX-512 loads like
}

Matrix::Matrix(std::size_t rows, std::size_t cols) : Matrix(uninitialized(rows, cols)) {
  if (!empty()) std::memset(data_, 0, size() * sizeof(float));
}

Matrix Matrix::uninitialized(std::size_t rows, std::size_t cols) {
  Matrix m;
  m.rows_ = rows;
  m.cols_ = cols;
  std::size_t bytes = rows * cols * sizeof(float);
  if (bytes == 0) return m;
  std::size_t padded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  void* block = std::aligned_alloc(kAlignment, padded);
  if (block == nullptr) throw std::bad_alloc();
  m.data_ = static_cast<float*>(block);
  m.owner_ = std::shared_ptr<void>(block, [](void* p) { std::free(p); });
  return m;
}

Matrix Matrix::wrap(float* data, std::size_t rows, std::size_t cols, std::shared_ptr<void> owner) {
  Matrix m;
  m.rows_ = rows;
  m.cols_ = cols;
  m.data_ = data;
  m.owner_ = std::move(owner);
  return m;
}

Matrix Matrix::clone() const {
  Matrix copy(rows_, cols_);
  if (size() != 0) std::memcpy(copy.data_, data_, size() * sizeof(float));
  return copy;
}

}  // namespace semspace
