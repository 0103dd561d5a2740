#pragma once
// Descriptors of the softmax pieces (kernels/softmax.hpp), VECTOR tasks, fp32 unless said:
//   softmax()               y = softmax(x) over each row (max, exp, sum, divide); y fp32|bf16
//   row_max()               m[r] = max of row r
//   row_sum() / row_sum_acc()  l[r] (+)= sum of row r (l Out / InOut)
//   exp_rows(options)       p = exp(x - m) (fp32|bf16), row_sum (optional) = sum of the exps
//   online_softmax_merge()  (m, l, o) InOut merged with (m_block, l_block, o_block) In
//   divide_rows()           y = x / denominator[r]
// Cost of one block, [R, C] = x (o for the merge): flops = 5 R C for softmax (max, subtract,
// exp, sum, divide), R C for row_max, row_sum and divide_rows, 2 R C for exp_rows (3 R C with
// row_sum), 3 R C + 8 R for the merge (alpha o + beta o_block; per row two exps, the max and
// l); bytes = every bound view once (InOut twice); working set = the same bytes.
#include <tuple>

#include "kernels/softmax.hpp"
#include "tasks/typed_kernel.hpp"

namespace tg::kernels::descriptors {

template <template <Access> class F> struct SoftmaxParams {
  F<Access::In> x;
  F<Access::Out> y;
  auto fields() { return std::tie(x, y); }
};
template <template <Access> class F> struct RowMaxParams {
  F<Access::In> x;
  F<Access::Out> m;
  auto fields() { return std::tie(x, m); }
};
template <template <Access> class F> struct RowSumParams {
  F<Access::In> x;
  F<Access::Out> l;
  auto fields() { return std::tie(x, l); }
};
template <template <Access> class F> struct RowSumAccParams {
  F<Access::In> x;
  F<Access::InOut> l;
  auto fields() { return std::tie(x, l); }
};
template <template <Access> class F> struct ExpRowsParams {
  F<Access::In> x;
  F<Access::In> m;
  F<Access::Out> p;
  F<Access::Out> row_sum{};  // optional
  auto fields() { return std::tie(x, m, p, row_sum); }
};
template <template <Access> class F> struct SoftmaxMergeParams {
  F<Access::InOut> m;
  F<Access::InOut> l;
  F<Access::InOut> o;
  F<Access::In> m_block;
  F<Access::In> l_block;
  F<Access::In> o_block;
  auto fields() { return std::tie(m, l, o, m_block, l_block, o_block); }
};
template <template <Access> class F> struct DivideRowsParams {
  F<Access::In> x;
  F<Access::In> denominator;
  F<Access::Out> y;
  auto fields() { return std::tie(x, denominator, y); }
};

TypedKernel<SoftmaxParams> softmax();
TypedKernel<RowMaxParams> row_max();
TypedKernel<RowSumParams> row_sum();
TypedKernel<RowSumAccParams> row_sum_acc();
TypedKernel<ExpRowsParams> exp_rows(const ExpOptions& options = {});
TypedKernel<SoftmaxMergeParams> online_softmax_merge();
TypedKernel<DivideRowsParams> divide_rows();

}  // namespace tg::kernels::descriptors
