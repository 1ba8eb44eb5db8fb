// Many queries against many rows as one matrix product: OpenBLAS sgemm reaches close to peak FLOPs through
// cache blocking that a per-pair kernel cannot. Its own thread pool is switched off: FlatIndex, the transformer
// encoder, PCA and k-means split work across threads themselves, and two pools on the same cores would
// oversubscribe them.
#include <cblas.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

#include "core/kernels/distance.hpp"
#include "core/kernels/gemm.hpp"

namespace semspace::kernels {

void use_single_threaded_blas() noexcept {
  static std::once_flag single_threaded;
  std::call_once(single_threaded, [] { openblas_set_num_threads(1); });
}

void dot_f32_gemm(MatrixView queries, MatrixView rows, float* out, std::size_t ld_out) noexcept {
  use_single_threaded_blas();
  if (queries.rows == 0 || rows.rows == 0) return;
  // out (nq x nr) = queries (nq x d) * rows^T (d x nr)
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(queries.rows), static_cast<int>(rows.rows),
              static_cast<int>(queries.cols), 1.0f, queries.data, static_cast<int>(queries.stride), rows.data,
              static_cast<int>(rows.stride), 0.0f, out, static_cast<int>(ld_out));
}

namespace {
CBLAS_TRANSPOSE cblas(Transpose t) { return t == Transpose::kYes ? CblasTrans : CblasNoTrans; }
int to_int(std::size_t n) { return static_cast<int>(n); }
}  // namespace

void gemm_f32(Transpose trans_a, Transpose trans_b, std::size_t m, std::size_t n, std::size_t k, float alpha,
              const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
              std::size_t ldc) noexcept {
  use_single_threaded_blas();
  if (m == 0 || n == 0) return;
  cblas_sgemm(CblasRowMajor, cblas(trans_a), cblas(trans_b), to_int(m), to_int(n), to_int(k), alpha, a, to_int(lda), b,
              to_int(ldb), beta, c, to_int(ldc));
}

void gemm_f64(Transpose trans_a, Transpose trans_b, std::size_t m, std::size_t n, std::size_t k, double alpha,
              const double* a, std::size_t lda, const double* b, std::size_t ldb, double beta, double* c,
              std::size_t ldc) noexcept {
  use_single_threaded_blas();
  if (m == 0 || n == 0) return;
  cblas_dgemm(CblasRowMajor, cblas(trans_a), cblas(trans_b), to_int(m), to_int(n), to_int(k), alpha, a, to_int(lda), b,
              to_int(ldb), beta, c, to_int(ldc));
}

void gram_upper_f32(std::size_t n, std::size_t k, float alpha, const float* a, std::size_t lda, float beta, float* c,
                    std::size_t ldc) noexcept {
  use_single_threaded_blas();
  if (n == 0) return;
  cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, to_int(n), to_int(k), alpha, a, to_int(lda), beta, c, to_int(ldc));
}

void set_blas_threads(int threads) noexcept { openblas_set_num_threads(threads); }

std::string blas_core_name() {
  const char* name = openblas_get_corename();
  return name != nullptr ? name : "";
}

std::optional<std::string> better_blas_core() {
  if (const char* forced = std::getenv("OPENBLAS_CORETYPE"); forced != nullptr && *forced != '\0') return std::nullopt;
  if (blas_core_name() != "Prescott") return std::nullopt;
#if defined(__x86_64__)
  __builtin_cpu_init();
  // libgcc's checks include the OS's support for the register state (XCR0), not only CPUID.
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq")) {
    return "SkylakeX";
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
  return std::nullopt;
}

void restart_with_better_blas_kernels(char** argv) noexcept {
  const auto core = better_blas_core();
  if (!core) return;
  if (::setenv("OPENBLAS_CORETYPE", core->c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);  // returns only on failure: carry on with the kernels we have
}

}  // namespace semspace::kernels
