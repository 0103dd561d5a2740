#include "kernels/softmax.hpp"

#include <string>

#include "kernels/detail/args.hpp"
#include "kernels/detail/fp32_rows.hpp"

namespace tg::kernels {

using detail::Optional;

void row_max(const View& x, const View& m) {
  const auto mx = detail::matrix_arg("row_max", "x", x, {DType::FP32});
  const auto vm = detail::row_vector_arg("row_max", "m", m, mx.rows, {DType::FP32});
  const auto& ops = detail::row_ops();
  for (std::int64_t r = 0; r < mx.rows; ++r) *vm.fp32_at(r) = ops.max(mx.row<float>(r), mx.cols);
}

void row_sum(const View& x, const View& l, bool accumulate) {
  const auto mx = detail::matrix_arg("row_sum", "x", x, {DType::FP32});
  const auto vl = detail::row_vector_arg("row_sum", "l", l, mx.rows, {DType::FP32});
  const auto& ops = detail::row_ops();
  for (std::int64_t r = 0; r < mx.rows; ++r) {
    const float s = ops.sum(mx.row<float>(r), mx.cols);
    *vl.fp32_at(r) = accumulate ? *vl.fp32_at(r) + s : s;
  }
}

void exp_rows(const View& x, const View& m, const View& p, const View& row_sum, const ExpOptions& options) {
  constexpr const char* kernel = "exp_rows";
  const auto mx = detail::matrix_arg(kernel, "x", x, {DType::FP32});
  const auto mp = detail::matrix_arg(kernel, "p", p, {DType::FP32, DType::BF16});
  detail::require_same_shape(kernel, "x", x, mx, "p", p, mp);
  const auto vm = detail::row_vector_arg(kernel, "m", m, mx.rows, {DType::FP32});
  const auto vl = detail::row_vector_arg(kernel, "row_sum", row_sum, mx.rows, {DType::FP32}, Optional::yes);
  const auto& ops = detail::row_ops();
  for (std::int64_t r = 0; r < mx.rows; ++r) {
    float* pr = detail::fp32_out_row(mp, r, 1);
    ops.exp_sub(mx.row<float>(r), *vm.fp32_at(r), pr, mx.cols, options.masked_at_or_below);
    if (vl.present()) *vl.fp32_at(r) = ops.sum(pr, mx.cols);  // from the fp32 exps, before rounding
    detail::store_row(ops, pr, mp, r);
  }
}

void online_softmax_merge(const View& m, const View& l, const View& o, const View& m_block, const View& l_block,
                          const View& o_block) {
  constexpr const char* kernel = "online_softmax_merge";
  const auto mo = detail::matrix_arg(kernel, "o", o, {DType::FP32});
  const auto mob = detail::matrix_arg(kernel, "o_block", o_block, {DType::FP32});
  detail::require_same_shape(kernel, "o", o, mo, "o_block", o_block, mob);
  const auto vm = detail::row_vector_arg(kernel, "m", m, mo.rows, {DType::FP32});
  const auto vl = detail::row_vector_arg(kernel, "l", l, mo.rows, {DType::FP32});
  const auto vmb = detail::row_vector_arg(kernel, "m_block", m_block, mo.rows, {DType::FP32});
  const auto vlb = detail::row_vector_arg(kernel, "l_block", l_block, mo.rows, {DType::FP32});
  const auto& ops = detail::row_ops();
  for (std::int64_t r = 0; r < mo.rows; ++r) {
    const float m_old = *vm.fp32_at(r), m_blk = *vmb.fp32_at(r);
    const float m_new = m_old > m_blk ? m_old : m_blk;
    const float alpha = m_old == m_new ? 1.0f : ops.exp1(m_old - m_new);
    const float beta = m_blk == m_new ? 1.0f : ops.exp1(m_blk - m_new);
    *vm.fp32_at(r) = m_new;
    *vl.fp32_at(r) = alpha * *vl.fp32_at(r) + beta * *vlb.fp32_at(r);
    ops.axpby(alpha, mo.row<float>(r), beta, mob.row<float>(r), mo.cols);
  }
}

void divide_rows(const View& x, const View& denominator, const View& y) {
  constexpr const char* kernel = "divide_rows";
  const auto mx = detail::matrix_arg(kernel, "x", x, {DType::FP32});
  const auto my = detail::matrix_arg(kernel, "y", y, {DType::FP32, DType::BF16});
  detail::require_same_shape(kernel, "x", x, mx, "y", y, my);
  const auto vd = detail::row_vector_arg(kernel, "denominator", denominator, mx.rows, {DType::FP32});
  const auto& ops = detail::row_ops();
  for (std::int64_t r = 0; r < mx.rows; ++r) {
    float* yr = detail::fp32_out_row(my, r, 1);
    const float d = *vd.fp32_at(r);
    if (d == 0.0f)
      for (std::int64_t c = 0; c < mx.cols; ++c) yr[c] = 0.0f;
    else
      ops.divide(mx.row<float>(r), d, yr, mx.cols);
    detail::store_row(ops, yr, my, r);
  }
}

float exp_fp32(float x) { return detail::row_ops_scalar().exp1(x); }

}  // namespace tg::kernels
