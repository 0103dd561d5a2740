#pragma once
// Descriptors of the elementwise kernels (kernels/scale.hpp, kernels/cast.hpp), VECTOR tasks:
//   scale(options)      y = x * multiplier * row_scale[r] * col_scale[c] (scales optional)
//   scale_acc(options)  y += the same (y InOut, fp32)
//   cast(rounding)      dst = src converted (kernels::cast's pairs)
// Cost of one block: flops = 3 R C for scale (three products per element), R C for cast (one
// conversion); bytes = every bound view once (InOut twice); working set = the same bytes.
#include <tuple>

#include "kernels/cast.hpp"
#include "kernels/scale.hpp"
#include "tasks/typed_kernel.hpp"

namespace tg::kernels::descriptors {

template <template <Access> class F> struct ScaleParams {
  F<Access::In> x;
  F<Access::In> row_scale{};  // optional
  F<Access::In> col_scale{};  // optional
  F<Access::Out> y;
  auto fields() { return std::tie(x, row_scale, col_scale, y); }
};
template <template <Access> class F> struct ScaleAccParams {
  F<Access::In> x;
  F<Access::In> row_scale{};  // optional
  F<Access::In> col_scale{};  // optional
  F<Access::InOut> y;
  auto fields() { return std::tie(x, row_scale, col_scale, y); }
};
template <template <Access> class F> struct CastParams {
  F<Access::In> src;
  F<Access::Out> dst;
  auto fields() { return std::tie(src, dst); }
};

TypedKernel<ScaleParams> scale(const ScaleOptions& options = {});
TypedKernel<ScaleAccParams> scale_acc(ScaleOptions options = {});
TypedKernel<CastParams> cast(Rounding rounding = Rounding::rint);

}  // namespace tg::kernels::descriptors
