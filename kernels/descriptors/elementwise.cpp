#include "kernels/descriptors/elementwise.hpp"

#include "kernels/descriptors/rows.hpp"

namespace tg::kernels::descriptors {

namespace {
const std::vector<DType> kFloat{DType::FP32, DType::BF16};
}

TypedKernel<ScaleParams> scale(const ScaleOptions& options) {
  using V = ScaleParams<BlockView>;
  return {"scale", TaskKind::Vector,
          {{"x", {DType::FP32, DType::BF16, DType::INT32}}, {"row_scale", {DType::FP32}, true}, {"col_scale", kFloat, true}, {"y", kFloat}},
          [options](const V& v, const TaskContext&) {
            kernels::scale(v.x.view(), v.row_scale.view(), v.col_scale.view(), v.y.view(), options);
          },
          [](const V& v) { return streaming_cost_of(v, 3.0 * detail::elements(v.x.view())); }};
}

TypedKernel<ScaleAccParams> scale_acc(ScaleOptions options) {
  using V = ScaleAccParams<BlockView>;
  options.accumulate = true;
  return {"scale_acc", TaskKind::Vector,
          {{"x", {DType::FP32, DType::BF16, DType::INT32}}, {"row_scale", {DType::FP32}, true}, {"col_scale", kFloat, true}, {"y", {DType::FP32}}},
          [options](const V& v, const TaskContext&) {
            kernels::scale(v.x.view(), v.row_scale.view(), v.col_scale.view(), v.y.view(), options);
          },
          [](const V& v) { return streaming_cost_of(v, 3.0 * detail::elements(v.x.view())); }};
}

TypedKernel<CastParams> cast(Rounding rounding) {
  using V = CastParams<BlockView>;
  return {"cast", TaskKind::Vector, {{"src", {}}, {"dst", {}}},
          [rounding](const V& v, const TaskContext&) { kernels::cast(v.src.view(), v.dst.view(), rounding); },
          [](const V& v) { return streaming_cost_of(v, detail::elements(v.src.view())); }};
}

}  // namespace tg::kernels::descriptors
