#pragma once
// Tile matmul: C = A @ B or C += A @ B, on views (sub-views such as a column tile of B or a
// K-chunk of A work directly: weights stay where the model put them; packed_weights.hpp has
// the optional packed form, same bits, faster to stream).
//   bf16 x bf16 -> fp32: products are exact in fp32; sums in fp32 in the order below.
//   int8 x int8 -> int32: exact (wraps modulo 2^32 like the hardware; never at model sizes).
// Cost: O(M * N * K) multiply-adds; per call one pass over B (decode, small M) or B tiles
// reused from L1 across 8-row blocks of A (large M).
//
// bf16 summation order (the same on every CPU path, so results are bit-identical; the
// AVX-512 path's vdpbf16ps fixes it):
//   row-major B: for each C element, acc = C (accumulate) or +0, then over k-pairs
//     p = 0, 1, ...: acc += A[m,2p+1]*B[2p+1,n]; acc += A[m,2p]*B[2p,n] (an odd K pads with 0).
//   transposed B: 16 lane sums, lane l taking the pairs (32j+2l, 32j+2l+1), odd then even,
//     j = 0, 1, ...; lanes combined as a tree (l + l^8, +4, +2, +1); then C + sum (accumulate).
// vdpbf16ps flushes subnormal inputs and results to zero (DAZ/FTZ); the other paths do not, so
// paths can differ only when a bf16 input or a partial sum is below 2^-126 in magnitude. The
// AVX2 path adds each product with an FMA (one rounding, like the scalar c + a*b, since a bf16
// product is exact in fp32 — unless the product is below 2^-126 or overflows).
// Against an fp64 reference the error is that of fp32 summation: |d| <= ~K * 2^-24 * sum|a*b|.
#include "runtime/view.hpp"

namespace tg::kernels {

enum class BLayout : unsigned char {
  row_major,   // B is [K, N]
  transposed,  // B is given as Bt [N, K]: C = A @ Bt^T (e.g. attention scores q @ k^T)
};

struct MatmulOptions {
  BLayout b_layout = BLayout::row_major;
  bool accumulate = false;  // C += A @ B (C is read), else C = A @ B
};

// a: [M, K]; b: [K, N] (row_major) or [N, K] (transposed); c: [M, N].
// dtypes (a, b, c): (bf16, bf16, fp32) or (int8, int8, int32). Every view needs a contiguous
// last dim; c must not overlap a or b. Mismatches throw ShapeError naming the views.
void matmul(const View& a, const View& b, const View& c, const MatmulOptions& options = {});

}  // namespace tg::kernels
