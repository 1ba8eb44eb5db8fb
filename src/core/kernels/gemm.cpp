// Many queries against many rows as one matrix product: OpenBLAS sgemm reaches close to peak FLOPs through
// cache blocking that a per-pair kernel cannot. Its own thread pool is switched off: FlatIndex splits work
// across threads itself, and two pools on the same cores would oversubscribe them.
#include <cblas.h>

#include <mutex>

#include "core/kernels/distance.hpp"

namespace semspace::kernels {

void dot_f32_gemm(MatrixView queries, MatrixView rows, float* out, std::size_t ld_out) noexcept {
  static std::once_flag single_threaded;
  std::call_once(single_threaded, [] { openblas_set_num_threads(1); });
  if (queries.rows == 0 || rows.rows == 0) return;
  // out (nq x nr) = queries (nq x d) * rows^T (d x nr)
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(queries.rows), static_cast<int>(rows.rows),
              static_cast<int>(queries.cols), 1.0f, queries.data, static_cast<int>(queries.stride), rows.data,
              static_cast<int>(rows.stride), 0.0f, out, static_cast<int>(ld_out));
}

}  // namespace semspace::kernels
