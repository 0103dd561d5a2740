#pragma once
// Descriptors of the tile matmul (kernels/matmul.hpp, kernels/packed_weights.hpp), CUBE tasks:
//   matmul      c = a @ b          a [M, K], b [K, N], c [M, N]
//   matmul_acc  c += a @ b         (c InOut)
//   matmul_bt   c = a @ b^T        b given as [N, K] (attention scores q @ k^T)
//   matmul_packed(packed_of)       c = a @ b with b's packed form (b stays the weight view:
//                                  dependencies and cost come from it)
// dtypes: bf16 x bf16 -> fp32 (int8 = false) or int8 x int8 -> int32 (int8 = true).
// Cost of one block (logical: the rows it has, never padded to the cube's box):
//   flops = 2 M N K; bytes = a + b + c (c twice for matmul_acc);
//   working set (AIC L1) = A and B streamed in K steps of kMatmulKStep, double-buffered,
//   plus the fp32 | int32 c tile: 2 (M + N) min(K, kMatmulKStep) size(a) + M N size(c).
#include <cstdint>
#include <functional>
#include <tuple>

#include "kernels/packed_weights.hpp"
#include "tasks/typed_kernel.hpp"

namespace tg::kernels::descriptors {

inline constexpr std::int64_t kMatmulKStep = 128;

template <template <Access> class F> struct MatmulParams {
  F<Access::In> a;
  F<Access::In> b;
  F<Access::Out> c;
  auto fields() { return std::tie(a, b, c); }
};
template <template <Access> class F> struct MatmulAccParams {
  F<Access::In> a;
  F<Access::In> b;
  F<Access::InOut> c;
  auto fields() { return std::tie(a, b, c); }
};

TypedKernel<MatmulParams> matmul();
TypedKernel<MatmulAccParams> matmul_acc();
TypedKernel<MatmulParams> matmul_bt();
// `packed_of(b)` gives the packed weights of the block's bound b tile (e.g. a WeightPacks
// slot); it is called once per block.
TypedKernel<MatmulParams> matmul_packed(std::function<const PackedWeights&(const View& b)> packed_of);

// The cost above, for a [M, K] a, b of the layout given and c [M, N].
CostHint matmul_cost(const View& a, const View& b, const View& c, bool accumulate);

}  // namespace tg::kernels::descriptors
