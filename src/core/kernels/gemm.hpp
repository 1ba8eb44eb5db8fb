// General single-precision matrix products (OpenBLAS sgemm / ssyrk), for code that needs more than the
// queries-times-rows product of distance.hpp: PCA's Gram matrix and sketches, k-means' point-centre dots.
// Like dot_f32_gemm these run on the calling thread only: callers split the work across their own threads,
// and a second pool inside BLAS would oversubscribe the cores.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace semspace::kernels {

enum class Transpose { kNo, kYes };

/// Row-major C (m x n, leading dimension ldc) = alpha * op(A) * op(B) + beta * C, where op(A) is m x k and op(B)
/// is k x n. A is m x k (lda >= k) when not transposed, k x m (lda >= m) when transposed; likewise B.
/// Sizes of zero are allowed and do nothing (beyond scaling C by beta when k == 0).
void gemm_f32(Transpose trans_a, Transpose trans_b, std::size_t m, std::size_t n, std::size_t k, float alpha,
              const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
              std::size_t ldc) noexcept;

/// gemm_f32 in double precision, for optimisers whose gradients must be exact to many digits (logistic regression).
void gemm_f64(Transpose trans_a, Transpose trans_b, std::size_t m, std::size_t n, std::size_t k, double alpha,
              const double* a, std::size_t lda, const double* b, std::size_t ldb, double beta, double* c,
              std::size_t ldc) noexcept;

/// Row-major Gram matrix: the upper triangle (col >= row) of C (n x n, ldc) = alpha * A^T A + beta * C, A being
/// k x n (lda >= n). The strictly lower triangle of C is left untouched. Half the work of the full product.
void gram_upper_f32(std::size_t n, std::size_t k, float alpha, const float* a, std::size_t lda, float beta, float* c,
                    std::size_t ldc) noexcept;

/// Pins BLAS (and the LAPACK built on it) to the calling thread. Every wrapper here calls it; code that calls
/// LAPACK directly calls it first.
void use_single_threaded_blas() noexcept;

/// Lets BLAS use `threads` threads of its own, for code whose matrix products are not split by us (libtorch
/// training, whose products run on the same OpenBLAS).
void set_blas_threads(int threads) noexcept;

/// The name of the kernel set OpenBLAS chose for this CPU (e.g. "SkylakeX", "Haswell", "Prescott").
std::string blas_core_name();

/// OpenBLAS 0.3.21 (Debian 12) does not know CPUs newer than it (Emerald Rapids, model 0xCF, among them) and falls
/// back to its Prescott kernels: SSE3 only, 3x slower matrix products than its AVX-512 ones on the same machine
/// (measured: a MiniLM-shaped encoder embedding 2,000 texts took 38.7 s instead of 12.8 s). The core is picked
/// when the library loads, from OPENBLAS_CORETYPE, so the fix has to happen before the process starts: this
/// returns the core to ask for ("SkylakeX" with AVX-512 F/BW/VL/DQ, "Haswell" with AVX2 + FMA) when OpenBLAS fell
/// back to Prescott on a CPU that has better, and nullopt otherwise (including when OPENBLAS_CORETYPE is set).
std::optional<std::string> better_blas_core();

/// For a program's main(): when better_blas_core() names a core, sets OPENBLAS_CORETYPE and execs the program again
/// with the same arguments (at most once: the variable is set then). Returns only when no restart happened.
void restart_with_better_blas_kernels(char** argv) noexcept;

}  // namespace semspace::kernels
