#pragma once
// Rotary position embedding on a column range of each row (partial RoPE: pass x.cols(start, R)).
// Every product and sum is one fp32 operation (no FMA), in the order written below, so a
// plain fp32 golden written the same way matches bit for bit. Cost: O(rows * R).
//
// half_split ("rotate_half", V3.2): lo = x[0:R/2], hi = x[R/2:R]; the table row holds
// cos_lo = cos[0:R/2], cos_hi = cos[R/2:R] (both halves are read as stored), same for sin:
//   forward: y_lo = lo*cos_lo - hi*sin_lo      y_hi = hi*cos_hi + lo*sin_hi
//   inverse: y_lo = lo*cos_lo + hi*sin_lo      y_hi = hi*cos_hi - lo*sin_hi
// interleaved (V4): pair j = (even, odd) = (x[2j], x[2j+1]); c = cos[j], s = sin[j] from the
// FIRST R/2 columns of the table row only:
//   forward: y_even = even*c - odd*s           y_odd = even*s + odd*c
//   inverse: y_even = even*c + odd*s           y_odd = odd*c - even*s
#include "runtime/view.hpp"

namespace tg::kernels {

enum class RopeLayout : unsigned char { half_split, interleaved };
enum class RopeDirection : unsigned char { forward, inverse };

struct RopeOptions {
  RopeLayout layout = RopeLayout::half_split;
  RopeDirection direction = RopeDirection::forward;
};

// x: [rows, R] fp32 | bf16 with R even; y: [rows, R] fp32 | bf16 (bf16 rounded half-even);
// y may be x itself (in place). cos, sin: fp32 | bf16 [rows, >= R] (half_split) or
// [rows, >= R/2] (interleaved): row r of x uses row r of the tables; a table with one row
// is used for every row.
void rope(const View& x, const View& cos, const View& sin, const View& y, const RopeOptions& options);

}  // namespace tg::kernels
