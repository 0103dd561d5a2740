#pragma once
// What the fusion tests share: the a2a3 preset, and small fp32 row kernels with descriptors
// (y = x * k, and y = x + k).
#include "runtime/machine.hpp"
#include "tasks/kernel_descriptor.hpp"

namespace tg::tuning::test {

inline const Machine& a2a3() {
  static const Machine m = load_machine("a2a3");
  return m;
}

inline KernelRef row_kernel(const std::string& name, float k, bool multiply, TaskKind kind = TaskKind::Vector) {
  std::vector<ParamSpec> params{{"x", Access::In, {FP32}, false}, {"y", Access::Out, {FP32}, false}};
  return make_kernel(KernelDescriptor{
      name, kind, params,
      [k, multiply](const TaskContext& ctx) {
        const View x = ctx.param(0), y = ctx.param(1);
        for (std::int64_t r = 0; r < x.size(0); ++r)
          for (std::int64_t c = 0; c < x.size(1); ++c) {
            const float v = x.at<float>({r, c});
            y.at<float>({r, c}) = multiply ? v * k : v + k;
          }
      },
      [params](const ParamViews& views) { return streaming_cost(params, views, static_cast<double>(views[0].numel())); }});
}

}  // namespace tg::tuning::test
