#pragma once
// The transposed bf16 matmul (C = A @ Bt^T, kernels/matmul.hpp's transposed order) on weights
// packed once as the order's 16 lane segments (WeightPacks::add_lane_segments): lane l of a C
// element sums the k-pairs 16j + l, odd element then even, from +0, which is exactly a
// row-major matmul over those pairs; the lanes are then combined in the documented tree
// (l + l^8, +4, +2, +1). So each lane is one call of the packed row-major kernel, B read in
// sequential runs, where the view form reads 12 Bt rows at their row stride at once.
// Same bits as kernels::matmul(a, bt, c, {.b_layout = transposed}) (test: lane_matmul_test).
// Cost: 16 packed calls of M x K/16 x N, plus O(M * K) to regroup A's pairs and O(16 M N) for
// the tree; scratch 16 M N floats + M K bf16 per thread.
#include <cstddef>

#include "models/common/weight_packs.hpp"
#include "runtime/view.hpp"

namespace tg::models {

// a [M, K] bf16, K a multiple of 32; bt [N, K] bf16, the view registered with
// add_lane_segments (its first slot `first_slot`); c [M, N] fp32, written (not accumulated).
void matmul_lane_segments(const View& a, const WeightPacks& packs, std::size_t first_slot, const View& bt, const View& c);

}  // namespace tg::models
