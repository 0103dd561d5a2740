#include "kernels/descriptors/softmax.hpp"

#include "kernels/descriptors/rows.hpp"
#include "runtime/tensor.hpp"

namespace tg::kernels::descriptors {

namespace {
const std::vector<DType> kFp32{DType::FP32};
}

TypedKernel<SoftmaxParams> softmax() {
  using V = SoftmaxParams<BlockView>;
  return {"softmax", TaskKind::Vector, {{"x", kFp32}, {"y", {DType::FP32, DType::BF16}}},
          [](const V& v, const TaskContext&) {
            // The row statistics live in the block's own scratch (the UB on the device).
            const std::int64_t rows = detail::rows_of(v.x.view());
            Tensor max("softmax_max", DType::FP32, {rows}), sum("softmax_sum", DType::FP32, {rows});
            Tensor p("softmax_p", DType::FP32, v.x.sizes());
            kernels::row_max(v.x.view(), max.view());
            kernels::exp_rows(v.x.view(), max.view(), p.view(), sum.view());
            kernels::divide_rows(p.view(), sum.view(), v.y.view());
          },
          [](const V& v) { return streaming_cost_of(v, 5.0 * detail::elements(v.x.view())); }};
}

TypedKernel<RowMaxParams> row_max() {
  using V = RowMaxParams<BlockView>;
  return {"row_max", TaskKind::Vector, {{"x", kFp32}, {"m", kFp32}},
          [](const V& v, const TaskContext&) { kernels::row_max(v.x.view(), v.m.view()); },
          [](const V& v) { return streaming_cost_of(v, detail::elements(v.x.view())); }};
}

TypedKernel<RowSumParams> row_sum() {
  using V = RowSumParams<BlockView>;
  return {"row_sum", TaskKind::Vector, {{"x", kFp32}, {"l", kFp32}},
          [](const V& v, const TaskContext&) { kernels::row_sum(v.x.view(), v.l.view()); },
          [](const V& v) { return streaming_cost_of(v, detail::elements(v.x.view())); }};
}

TypedKernel<RowSumAccParams> row_sum_acc() {
  using V = RowSumAccParams<BlockView>;
  return {"row_sum_acc", TaskKind::Vector, {{"x", kFp32}, {"l", kFp32}},
          [](const V& v, const TaskContext&) { kernels::row_sum(v.x.view(), v.l.view(), true); },
          [](const V& v) { return streaming_cost_of(v, detail::elements(v.x.view())); }};
}

TypedKernel<ExpRowsParams> exp_rows(const ExpOptions& options) {
  using V = ExpRowsParams<BlockView>;
  return {"exp_rows", TaskKind::Vector, {{"x", kFp32}, {"m", kFp32}, {"p", {DType::FP32, DType::BF16}}, {"row_sum", kFp32, true}},
          [options](const V& v, const TaskContext&) {
            kernels::exp_rows(v.x.view(), v.m.view(), v.p.view(), v.row_sum.view(), options);
          },
          [](const V& v) { return streaming_cost_of(v, (v.row_sum.valid() ? 3.0 : 2.0) * detail::elements(v.x.view())); }};
}

TypedKernel<SoftmaxMergeParams> online_softmax_merge() {
  using V = SoftmaxMergeParams<BlockView>;
  return {"online_softmax_merge", TaskKind::Vector,
          {{"m", kFp32}, {"l", kFp32}, {"o", kFp32}, {"m_block", kFp32}, {"l_block", kFp32}, {"o_block", kFp32}},
          [](const V& v, const TaskContext&) {
            kernels::online_softmax_merge(v.m.view(), v.l.view(), v.o.view(), v.m_block.view(), v.l_block.view(), v.o_block.view());
          },
          [](const V& v) {
            return streaming_cost_of(v, 3.0 * detail::elements(v.o.view()) + 8.0 * static_cast<double>(detail::rows_of(v.o.view())));
          }};
}

TypedKernel<DivideRowsParams> divide_rows() {
  using V = DivideRowsParams<BlockView>;
  return {"divide_rows", TaskKind::Vector, {{"x", kFp32}, {"denominator", kFp32}, {"y", {DType::FP32, DType::BF16}}},
          [](const V& v, const TaskContext&) { kernels::divide_rows(v.x.view(), v.denominator.view(), v.y.view()); },
          [](const V& v) { return streaming_cost_of(v, detail::elements(v.x.view())); }};
}

}  // namespace tg::kernels::descriptors
