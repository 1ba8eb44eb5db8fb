// Distance kernels over f32, f16, int8 and bit vectors: one pair, and one query against many rows.
// Each call dispatches at run time to the best code path the CPU supports (see active_simd_target()), so one
// binary is fast on the machine it runs on and correct everywhere. Kernels take pointers and sizes or spans,
// never containers. Conventions: dot and squared L2 are plain sums; cosine is dot / (|a| |b|) and 0 when
// either vector is zero; f16 is IEEE binary16 stored as uint16_t bits; bit vectors are packed in uint64_t
// words, and hamming counts differing bits over `words` words.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "semspace/matrix.hpp"

namespace semspace::kernels {

// ---- one pair ----
float dot_f32(const float* a, const float* b, std::size_t n) noexcept;
float l2sq_f32(const float* a, const float* b, std::size_t n) noexcept;
float cosine_f32(const float* a, const float* b, std::size_t n) noexcept;

float dot_f16(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) noexcept;
float l2sq_f16(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) noexcept;
float cosine_f16(const std::uint16_t* a, const std::uint16_t* b, std::size_t n) noexcept;

/// Exact integer results (|sum| < 2^31 for n <= 2^16).
std::int32_t dot_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept;
std::int32_t l2sq_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept;
float cosine_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n) noexcept;

std::uint64_t hamming_bits(const std::uint64_t* a, const std::uint64_t* b, std::size_t words) noexcept;

// ---- one query against many rows: out[r] = f(query, rows.row(r)) ----
void dot_f32_rows(std::span<const float> query, MatrixView rows, std::span<float> out) noexcept;
void l2sq_f32_rows(std::span<const float> query, MatrixView rows, std::span<float> out) noexcept;
// Only the rows named by `ids`: out[j] = f(query, rows.row(ids[j])). For filtered scans.
void dot_f32_ids(std::span<const float> query, MatrixView rows, std::span<const std::uint32_t> ids,
                 std::span<float> out) noexcept;
void l2sq_f32_ids(std::span<const float> query, MatrixView rows, std::span<const std::uint32_t> ids,
                  std::span<float> out) noexcept;

// ---- many queries against many rows (OpenBLAS sgemm, single-threaded: callers split the work) ----
/// out[q * ld_out + r] = dot(queries.row(q), rows.row(r)); needs queries.cols == rows.cols, ld_out >= rows.rows.
void dot_f32_gemm(MatrixView queries, MatrixView rows, float* out, std::size_t ld_out) noexcept;

// ---- float weights against uint8 codes (SQ8 scoring; see index/sq8.hpp) ----
/// sum_i w[i] * code[i]
float dot_f32_u8(const float* w, const std::uint8_t* code, std::size_t n) noexcept;
/// sum_i (q[i] - scale[i] * code[i])^2
float l2sq_f32_u8(const float* q, const float* scale, const std::uint8_t* code, std::size_t n) noexcept;

// ---- conversions ----
void f32_to_f16(const float* in, std::uint16_t* out, std::size_t n) noexcept;
void f16_to_f32(const std::uint16_t* in, float* out, std::size_t n) noexcept;

/// The code path chosen for this CPU, e.g. "AVX3" (AVX-512), "AVX2", "SSE4", "EMU128"/"SCALAR".
const char* active_simd_target() noexcept;

}  // namespace semspace::kernels
