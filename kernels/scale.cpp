#include "kernels/scale.hpp"

#include "kernels/detail/args.hpp"
#include "kernels/detail/fp32_rows.hpp"

namespace tg::kernels {

void scale(const View& x, const View& row_scale, const View& col_scale, const View& y, const ScaleOptions& options) {
  constexpr const char* kernel = "scale";
  using detail::Optional;
  const auto mx = detail::matrix_arg(kernel, "x", x, {DType::FP32, DType::BF16, DType::INT32});
  const auto my = detail::matrix_arg(kernel, "y", y, {DType::FP32, DType::BF16});
  detail::require_same_shape(kernel, "x", x, mx, "y", y, my);
  const auto rs = detail::row_vector_arg(kernel, "row_scale", row_scale, mx.rows, {DType::FP32}, Optional::yes);
  const auto cs =
      detail::col_vector_arg(kernel, "col_scale", col_scale, mx.cols, {DType::FP32, DType::BF16}, Optional::yes);
  if (options.accumulate && my.dtype != DType::FP32)
    detail::fail(kernel, "accumulate needs an fp32 y, got " + y.describe() + " (" +
                             std::string(name_of(my.dtype)) + "); accumulate into an fp32 staging tile");
  const auto& ops = detail::row_ops();
  const float* col = detail::fp32_cols(ops, cs, 2);
  for (std::int64_t r = 0; r < mx.rows; ++r) {
    const float* xr = detail::fp32_row(ops, mx, r, 0);
    float* yr = detail::fp32_out_row(my, r, 1);
    const float row_factor = rs.present() ? *rs.fp32_at(r) : 1.0f;  // *1 is exact: same bits as no factor
    ops.scale(xr, options.multiplier, row_factor, col, yr, mx.cols, options.round_operand_to_bf16, options.accumulate);
    detail::store_row(ops, yr, my, r);
  }
}

}  // namespace tg::kernels
