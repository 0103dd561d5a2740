#include "kernels/descriptors/rope.hpp"

#include "kernels/descriptors/rows.hpp"

namespace tg::kernels::descriptors {

namespace {
const std::vector<DType> kFloat{DType::FP32, DType::BF16};
}

TypedKernel<RopeParams> rope(const RopeOptions& options) {
  using V = RopeParams<BlockView>;
  return {"rope", TaskKind::Vector, {{"x", kFloat}, {"cos", kFloat}, {"sin", kFloat}, {"y", kFloat}},
          [options](const V& v, const TaskContext&) { kernels::rope(v.x.view(), v.cos.view(), v.sin.view(), v.y.view(), options); },
          [](const V& v) { return streaming_cost_of(v, 3.0 * detail::elements(v.x.view())); }};
}

TypedKernel<RopeInPlaceParams> rope_inplace(const RopeOptions& options) {
  using V = RopeInPlaceParams<BlockView>;
  return {"rope_inplace", TaskKind::Vector, {{"x", kFloat}, {"cos", kFloat}, {"sin", kFloat}},
          [options](const V& v, const TaskContext&) { kernels::rope(v.x.view(), v.cos.view(), v.sin.view(), v.x.view(), options); },
          [](const V& v) { return streaming_cost_of(v, 3.0 * detail::elements(v.x.view())); }};
}

}  // namespace tg::kernels::descriptors
