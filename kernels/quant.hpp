#pragma once
// Symmetric int8 quantization, the model specs' rule everywhere:
//   amax = max(max |x| over the group, amax_eps); s = 127 / amax (fp32)
//   q = clamp(rint(x * s), -127, 127)  -- x*s rounded to fp32, then half-even straight to an
//                                         integer (no fp16/bf16 hop); dequant_scale = 1 / s
// Groups are rows (activations), runs of group_cols columns (per-group), or columns
// (per-output-channel weights). Cost: O(rows * cols), two passes over each group.
#include <cstdint>

#include "runtime/view.hpp"

namespace tg::kernels {

inline constexpr float kInt8AmaxEps = 1e-4f;  // INT8_AMAX_EPS of the V4 spec

// x: [rows, cols] fp32 | bf16; q: [rows, cols] int8; dequant_scale: fp32 [rows] or [rows, 1].
void quantize_int8_rows(const View& x, const View& q, const View& dequant_scale,
                        float amax_eps = kInt8AmaxEps);

// One scale per run of group_cols columns; cols % group_cols == 0;
// dequant_scale: fp32 [rows, cols / group_cols].
void quantize_int8_groups(const View& x, std::int64_t group_cols, const View& q, const View& dequant_scale,
                          float amax_eps = kInt8AmaxEps);

// Per output channel of a weight w [K, N]: one scale per column, amax over the K rows;
// dequant_scale: fp32 [N] or [1, N].
void quantize_int8_columns(const View& w, const View& q, const View& dequant_scale,
                           float amax_eps = kInt8AmaxEps);

// y[r, c] (+)= fp32(acc[r, c]) * row_scale[r] * col_scale[c] (left to right, fp32), acc int32;
// either scale may be View{}. The same as kernels::scale on an int32 x.
void dequantize_int32(const View& acc, const View& row_scale, const View& col_scale, const View& y,
                      bool accumulate = false);

}  // namespace tg::kernels
