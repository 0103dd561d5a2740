#include "kernels/descriptors/rmsnorm.hpp"

#include "kernels/descriptors/rows.hpp"

namespace tg::kernels::descriptors {

TypedKernel<RmsNormParams> rmsnorm(const RmsNormOptions& options) {
  using V = RmsNormParams<BlockView>;
  return {"rmsnorm", TaskKind::Vector,
          {{"x", {DType::FP32, DType::BF16}}, {"gamma", {DType::FP32, DType::BF16}, true}, {"y", {DType::FP32, DType::BF16}},
           {"inv_rms", {DType::FP32}, true}},
          [options](const V& v, const TaskContext&) {
            kernels::rmsnorm(v.x.view(), v.gamma.view(), v.y.view(), options, v.inv_rms.view());
          },
          [](const V& v) { return streaming_cost_of(v, 4.0 * detail::elements(v.x.view())); }};
}

TypedKernel<RmsInvParams> rms_inv(const RmsNormOptions& options) {
  using V = RmsInvParams<BlockView>;
  return {"rms_inv", TaskKind::Vector, {{"x", {DType::FP32, DType::BF16}}, {"inv_rms", {DType::FP32}}},
          [options](const V& v, const TaskContext&) { kernels::rms_inv(v.x.view(), v.inv_rms.view(), options); },
          [](const V& v) { return streaming_cost_of(v, 2.0 * detail::elements(v.x.view())); }};
}

}  // namespace tg::kernels::descriptors
