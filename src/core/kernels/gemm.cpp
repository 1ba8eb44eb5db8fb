// Many queries against many rows as one matrix product: OpenBLAS sgemm reaches close to peak FLOPs through
// cache blocking that a per-pair kernel cannot. Its own thread pool is switched off: FlatIndex and the
// transformer encoder split work across threads themselves, and two pools on the same cores would
// oversubscribe them.
#include <cblas.h>

#include <mutex>

#include "core/kernels/distance.hpp"
#include "core/kernels/gemm.hpp"

namespace semspace::kernels {
namespace {
void single_threaded_blas() {
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}
int as_int(std::size_t v) { return static_cast<int>(v); }
}  // namespace

void dot_f32_gemm(MatrixView queries, MatrixView rows, float* out, std::size_t ld_out) noexcept {
  single_threaded_blas();
  if (queries.rows == 0 || rows.rows == 0) return;
  // out (nq x nr) = queries (nq x d) * rows^T (d x nr)
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(queries.rows), static_cast<int>(rows.rows),
              static_cast<int>(queries.cols), 1.0f, queries.data, static_cast<int>(queries.stride), rows.data,
              static_cast<int>(rows.stride), 0.0f, out, static_cast<int>(ld_out));
}

void gemm_f32_nt(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a, std::size_t lda,
                 const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) noexcept {
  single_threaded_blas();
  if (m == 0 || n == 0) return;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, as_int(m), as_int(n), as_int(k), alpha, a, as_int(lda), b,
              as_int(ldb), beta, c, as_int(ldc));
}

void gemm_f32_nn(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a, std::size_t lda,
                 const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) noexcept {
  single_threaded_blas();
  if (m == 0 || n == 0) return;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, as_int(m), as_int(n), as_int(k), alpha, a, as_int(lda), b,
              as_int(ldb), beta, c, as_int(ldc));
}

}  // namespace semspace::kernels
