#pragma once
// RMSNorm over the last dim with fp32 statistics:
//   ss[r]      = sum of x[r, c]^2 over c, in fp32, as a running sum over column chunks in order
//   inv_rms[r] = inv_sqrt(ss[r] / cols + eps)            (mode from InvSqrtMode)
//   y[r, c]    = x'[r, c] * inv_rms[r] * gamma[c]        (fp32, left to right, no FMA)
// with x' = x, or fp32(bf16(x)) when round_operand_to_bf16 (ss always uses the unrounded x).
// Cost: O(rows * cols), two passes over x (L1/L2-resident per row).
//
// Summation order (identical on every CPU path, so results are bit-identical): within a
// chunk, 16 lane sums, lane l adding x^2 of columns l, l+16, l+32, ... in order (x^2 rounded
// to fp32, then added: no FMA); the 16 lanes are combined as a tree (l + l^8, then +4, +2,
// +1); the chunk total is added to the running ss. Differs from a sequential fp32 sum by a
// few ulp of ss, far below one bf16 ulp of y.
#include <cstdint>

#include "kernels/inv_sqrt.hpp"
#include "runtime/view.hpp"

namespace tg::kernels {

struct RmsNormOptions {
  float eps = 1e-6f;
  // Columns per chunk of the running sum of squares (RMSNORM_K); 0 = the whole row.
  std::int64_t chunk_cols = 0;
  InvSqrtMode inv_sqrt = InvSqrtMode::recip_sqrt;
  bool round_operand_to_bf16 = false;
};

// inv_rms[r] for each row of x. x: [rows, cols] fp32 | bf16; inv_rms: fp32 [rows] or [rows, 1].
// (The first pass of a fused two-pass kernel; the second pass is kernels::scale.)
void rms_inv(const View& x, const View& inv_rms, const RmsNormOptions& options = {});

// y = rmsnorm(x) * gamma. gamma: fp32 | bf16 [cols] or [1, cols], or View{} for none.
// y: [rows, cols] fp32 | bf16 (bf16 rounded half-even once). inv_rms_out: fp32 [rows] or
// [rows, 1] to also receive inv_rms, or View{}. y may be x itself.
void rmsnorm(const View& x, const View& gamma, const View& y, const RmsNormOptions& options = {},
             const View& inv_rms_out = View{});

}  // namespace tg::kernels
