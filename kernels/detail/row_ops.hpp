#pragma once
// The per-ISA table of row loops behind the elementwise kernels (casts, rmsnorm, scale, rope,
// quant, softmax). One source (row_ops_body.hpp) is compiled three times with different ISA
// flags (row_ops_scalar.cpp, row_ops_avx2.cpp, row_ops_avx512.cpp): the compiler vectorizes
// the same fp32 operations in the same order, with no FMA contraction and no reassociation,
// so every path gives the same bits. Rows are fp32 here; the public kernels widen bf16/int32
// operands into fp32 scratch rows first (exact) and round on the way out.
#include <cstdint>

#include "kernels/cast.hpp"
#include "kernels/cpu_path.hpp"

namespace tg::kernels::detail {

struct RowOps {
  // Conversions of n elements.
  void (*bf16_to_fp32)(const std::uint16_t* x, float* y, std::int64_t n);
  void (*fp32_to_bf16)(const float* x, std::uint16_t* y, std::int64_t n, Rounding rounding);
  void (*fp32_to_int8)(const float* x, std::int8_t* y, std::int64_t n, Rounding rounding);
  void (*int32_to_fp32)(const std::int32_t* x, float* y, std::int64_t n);

  // Reductions (lane order: see rmsnorm.hpp). chunk_cols <= 0 means one chunk.
  float (*sum_squares)(const float* x, std::int64_t n, std::int64_t chunk_cols);
  float (*sum)(const float* x, std::int64_t n);
  float (*max)(const float* x, std::int64_t n);
  float (*abs_max)(const float* x, std::int64_t n);

  // y (+)= ((x' * a) * b) * col[i]  (col may be null: that factor is skipped);
  // x' = fp32(bf16(x)) when round_operand.
  void (*scale)(const float* x, float a, float b, const float* col, float* y, std::int64_t n, bool round_operand,
                bool accumulate);
  // p = exp(x - m), 0 where x <= masked_at_or_below.
  void (*exp_sub)(const float* x, float m, float* p, std::int64_t n, float masked_at_or_below);
  // q = clamp(rint(x * s), -127, 127).
  void (*quantize)(const float* x, float s, std::int8_t* q, std::int64_t n);
  // Half-split RoPE on half = R/2 columns of each half (see rope.hpp); y must not alias x.
  void (*rope_half_split)(const float* lo, const float* hi, const float* cos_lo, const float* cos_hi,
                          const float* sin_lo, const float* sin_hi, float* y_lo, float* y_hi, std::int64_t half,
                          bool inverse);
  // Interleaved RoPE on `pairs` (even, odd) pairs; y must not alias x.
  void (*rope_interleaved)(const float* x, const float* cos, const float* sin, float* y, std::int64_t pairs,
                           bool inverse);
  // o = alpha*o + beta*x.
  void (*axpby)(float alpha, float* o, float beta, const float* x, std::int64_t n);
  // y = x / d.
  void (*divide)(const float* x, float d, float* y, std::int64_t n);
  // The kernels' exp of one value.
  float (*exp1)(float x);

  // rmsnorm of a bf16 row into a bf16 row without fp32 scratch rows: sum_squares of the
  // widened row, and y = bf16_rint(((x' * 1) * inv) * col[i]) (scale, then fp32_to_bf16 rint);
  // the same operations in the same order as the unfused passes. y may be x.
  float (*sum_squares_bf16)(const std::uint16_t* x, std::int64_t n, std::int64_t chunk_cols);
  void (*scale_bf16_to_bf16)(const std::uint16_t* x, float inv, const float* col, std::uint16_t* y, std::int64_t n,
                             bool round_operand);
};

const RowOps& row_ops_scalar();
const RowOps& row_ops_avx2();    // only call when cpu_path_supported(CpuPath::avx2)
const RowOps& row_ops_avx512();  // only call when cpu_path_supported(CpuPath::avx512)

const RowOps& row_ops(CpuPath path);
inline const RowOps& row_ops() { return row_ops(active_cpu_path()); }

}  // namespace tg::kernels::detail
