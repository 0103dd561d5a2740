#pragma once
// Descriptors of RoPE (kernels/rope.hpp), VECTOR tasks, on a [R, W] column range:
//   rope(options)          x -> y (fp32|bf16), tables cos, sin (fp32|bf16)
//   rope_inplace(options)  x rotated in place (InOut)
// Cost of one block: flops = 3 R W (two products and a sum per element); bytes = every
// bound view once (x twice in place); working set = the same bytes.
#include <tuple>

#include "kernels/rope.hpp"
#include "tasks/typed_kernel.hpp"

namespace tg::kernels::descriptors {

template <template <Access> class F> struct RopeParams {
  F<Access::In> x;
  F<Access::In> cos;
  F<Access::In> sin;
  F<Access::Out> y;
  auto fields() { return std::tie(x, cos, sin, y); }
};
template <template <Access> class F> struct RopeInPlaceParams {
  F<Access::InOut> x;
  F<Access::In> cos;
  F<Access::In> sin;
  auto fields() { return std::tie(x, cos, sin); }
};

TypedKernel<RopeParams> rope(const RopeOptions& options = {});
TypedKernel<RopeInPlaceParams> rope_inplace(const RopeOptions& options = {});

}  // namespace tg::kernels::descriptors
