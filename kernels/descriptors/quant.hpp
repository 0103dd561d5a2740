#pragma once
// Descriptors of int8 quantization (kernels/quant.hpp), VECTOR tasks:
//   quantize_int8_rows(eps)         x [R, C] fp32|bf16 -> q int8, scale fp32 [R] (dequant scale)
//   quantize_int8_groups(g, eps)    one scale per row and run of g columns: scale [R, C / g]
//   quantize_int8_columns(eps)      a weight w [K, N] -> q, scale [N]
//   dequantize_int32()              acc int32 -> y fp32|bf16, row_scale / col_scale optional
// Cost of one block: flops = 3 R C for the quantizers (|x| and max, x * s, round), 2 R C for
// dequantize (two scale products); bytes = every bound view once; working set the same.
#include <tuple>

#include "kernels/quant.hpp"
#include "tasks/typed_kernel.hpp"

namespace tg::kernels::descriptors {

template <template <Access> class F> struct QuantParams {
  F<Access::In> x;
  F<Access::Out> q;
  F<Access::Out> scale;
  auto fields() { return std::tie(x, q, scale); }
};
template <template <Access> class F> struct DequantParams {
  F<Access::In> acc;
  F<Access::In> row_scale{};  // optional
  F<Access::In> col_scale{};  // optional
  F<Access::Out> y;
  auto fields() { return std::tie(acc, row_scale, col_scale, y); }
};

TypedKernel<QuantParams> quantize_int8_rows(float amax_eps = kInt8AmaxEps);
TypedKernel<QuantParams> quantize_int8_groups(std::int64_t group_cols, float amax_eps = kInt8AmaxEps);
TypedKernel<QuantParams> quantize_int8_columns(float amax_eps = kInt8AmaxEps);
TypedKernel<DequantParams> dequantize_int32();

}  // namespace tg::kernels::descriptors
