#include "kernels/descriptors/quant.hpp"

#include "kernels/descriptors/rows.hpp"

namespace tg::kernels::descriptors {

namespace {

using V = QuantParams<BlockView>;
const std::vector<DType> kFloat{DType::FP32, DType::BF16};

TypedKernel<QuantParams> quantizer(std::string name, TypedKernel<QuantParams>::Body body) {
  return {std::move(name), TaskKind::Vector, {{"x", kFloat}, {"q", {DType::INT8}}, {"scale", {DType::FP32}}}, std::move(body),
          [](const V& v) { return streaming_cost_of(v, 3.0 * detail::elements(v.x.view())); }};
}

}  // namespace

TypedKernel<QuantParams> quantize_int8_rows(float amax_eps) {
  return quantizer("quantize_int8_rows", [amax_eps](const V& v, const TaskContext&) {
    kernels::quantize_int8_rows(v.x.view(), v.q.view(), v.scale.view(), amax_eps);
  });
}

TypedKernel<QuantParams> quantize_int8_groups(std::int64_t group_cols, float amax_eps) {
  return quantizer("quantize_int8_groups", [group_cols, amax_eps](const V& v, const TaskContext&) {
    kernels::quantize_int8_groups(v.x.view(), group_cols, v.q.view(), v.scale.view(), amax_eps);
  });
}

TypedKernel<QuantParams> quantize_int8_columns(float amax_eps) {
  return quantizer("quantize_int8_columns", [amax_eps](const V& v, const TaskContext&) {
    kernels::quantize_int8_columns(v.x.view(), v.q.view(), v.scale.view(), amax_eps);
  });
}

TypedKernel<DequantParams> dequantize_int32() {
  using D = DequantParams<BlockView>;
  return {"dequantize_int32", TaskKind::Vector,
          {{"acc", {DType::INT32}}, {"row_scale", {DType::FP32}, true}, {"col_scale", kFloat, true}, {"y", kFloat}},
          [](const D& v, const TaskContext&) {
            kernels::dequantize_int32(v.acc.view(), v.row_scale.view(), v.col_scale.view(), v.y.view());
          },
          [](const D& v) { return streaming_cost_of(v, 2.0 * detail::elements(v.acc.view())); }};
}

}  // namespace tg::kernels::descriptors
