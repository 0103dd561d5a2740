#pragma once
// Softmax pieces for tiled (flash-style) attention, all fp32:
//   row_max, exp_rows (p = exp(x - m), optionally rounded to bf16 for the PV matmul, with the
//   row sum taken from the unrounded fp32 exps), row_sum, online_softmax_merge, divide_rows.
// exp is the kernels' own fp32 exp (range reduction + degree-6 polynomial, no FMA): within
// 2 ulp of exp in fp64 for results >= 2^-126, 0 below (no subnormal results), +inf above
// ~88.72, and bit-identical on every CPU path. Cost: O(rows * cols) each.
//
// Sums use the lane order of rmsnorm.hpp: 16 lane sums over columns l, l+16, ..., combined as
// a tree; max is exact in any order.
#include <limits>

#include "runtime/view.hpp"

namespace tg::kernels {

// m[r] = max over c of x[r, c]. x: [rows, cols] fp32; m: fp32 [rows] or [rows, 1].
void row_max(const View& x, const View& m);

// l[r] (+)= sum over c of x[r, c]. x: fp32; l: fp32 [rows] or [rows, 1].
void row_sum(const View& x, const View& l, bool accumulate = false);

struct ExpOptions {
  // Scores at or below this value are masked: their p is exactly 0 (spec: masked to -1e20).
  float masked_at_or_below = -std::numeric_limits<float>::infinity();
};

// p[r, c] = exp(x[r, c] - m[r]) (0 where masked). x: [rows, cols] fp32; m: fp32 [rows] or
// [rows, 1]; p: fp32 | bf16 [rows, cols] (bf16: each exp rounded half-even, as the V4 spec
// rounds scores before PV); p may be x itself when fp32. row_sum: fp32 [rows] or [rows, 1]
// receiving the sum of the fp32 (unrounded) exps, or View{}.
void exp_rows(const View& x, const View& m, const View& p, const View& row_sum = View{},
              const ExpOptions& options = {});

// Merge a block's softmax state into the running one (InOut m, l, o; In m_block, l_block,
// o_block), all fp32, m/l [rows] or [rows, 1], o [rows, D]:
//   m' = max(m, m_block); alpha = exp(m - m'); beta = exp(m_block - m')
//   l  = alpha*l + beta*l_block;   o = alpha*o + beta*o_block   (two products, one sum)
// alpha (beta) is exactly 1 when m (m_block) already equals m', so -inf states (empty rows)
// merge without NaN. Start a running state with m = -inf, l = 0, o = 0.
void online_softmax_merge(const View& m, const View& l, const View& o, const View& m_block,
                          const View& l_block, const View& o_block);

// y[r, c] = x[r, c] / denominator[r] in fp32 (y fp32 | bf16, may be x); a row whose
// denominator is 0 gives 0 (attention rows with no valid slot).
void divide_rows(const View& x, const View& denominator, const View& y);

// The kernels' exp on one value (bit-identical to what exp_rows computes).
float exp_fp32(float x);

}  // namespace tg::kernels
