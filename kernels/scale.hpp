#pragma once
// Elementwise scaling by a scalar, a per-row and a per-column factor:
//   y[r, c] (+)= x'[r, c] * multiplier * row_scale[r] * col_scale[c]
// multiplied left to right in fp32 (no FMA), with x' = fp32(x), or fp32(bf16(x)) when
// round_operand_to_bf16. A missing factor multiplies by nothing (bit-identical to 1).
// This is the second pass of RMSNorm (inv_rms, gamma) and the int32 dequant (row scale,
// channel scale). Cost: O(rows * cols), memory bound.
#include "runtime/view.hpp"

namespace tg::kernels {

struct ScaleOptions {
  float multiplier = 1.0f;
  // Multiply bf16(x) instead of x (V3.2 q_lora_rmsnorm rounds its fp32 operand first).
  bool round_operand_to_bf16 = false;
  // y += product instead of y = product (y must be fp32).
  bool accumulate = false;
};

// x: [rows, cols] fp32 | bf16 | int32 (int32 converted to fp32 with rint).
// row_scale: fp32 [rows] or [rows, 1], or an invalid View{} for none.
// col_scale: fp32 | bf16 [cols] or [1, cols], or View{} for none.
// y: [rows, cols] fp32 | bf16 (rounded half-even once, at the end). y may be x itself.
void scale(const View& x, const View& row_scale, const View& col_scale, const View& y,
           const ScaleOptions& options = {});

}  // namespace tg::kernels
