#pragma once
// Descriptors of RMSNorm (kernels/rmsnorm.hpp), VECTOR tasks:
//   rmsnorm(options)  x [R, C] fp32|bf16 -> y [R, C] fp32|bf16, gamma [C] (optional),
//                     inv_rms [R] fp32 (optional output)
//   rms_inv(options)  x -> inv_rms [R] fp32
// Cost of one block: flops = 4 R C for rmsnorm (square, sum, * inv_rms, * gamma), 2 R C for
// rms_inv; bytes = every bound view once; working set = the same bytes (the UB holds the tile).
#include <tuple>

#include "kernels/rmsnorm.hpp"
#include "tasks/typed_kernel.hpp"

namespace tg::kernels::descriptors {

template <template <Access> class F> struct RmsNormParams {
  F<Access::In> x;
  F<Access::In> gamma{};  // optional
  F<Access::Out> y;
  F<Access::Out> inv_rms{};  // optional
  auto fields() { return std::tie(x, gamma, y, inv_rms); }
};
template <template <Access> class F> struct RmsInvParams {
  F<Access::In> x;
  F<Access::Out> inv_rms;
  auto fields() { return std::tie(x, inv_rms); }
};

TypedKernel<RmsNormParams> rmsnorm(const RmsNormOptions& options = {});
TypedKernel<RmsInvParams> rms_inv(const RmsNormOptions& options = {});

}  // namespace tg::kernels::descriptors
