// General f32 matrix products on OpenBLAS, single-threaded: callers split work across their own threads (see
// gemm.cpp for why OpenBLAS's pool is off). Row-major; leading dimensions are row strides in floats.
#pragma once

#include <cstddef>

namespace semspace::kernels {

/// C (m x n) = alpha * A (m x k) * B^T + beta * C, where B is stored n x k (a linear layer's weight).
void gemm_f32_nt(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a, std::size_t lda,
                 const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) noexcept;
/// C (m x n) = alpha * A (m x k) * B (k x n) + beta * C.
void gemm_f32_nn(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a, std::size_t lda,
                 const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) noexcept;

}  // namespace semspace::kernels
