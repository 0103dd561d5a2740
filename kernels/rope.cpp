#include "kernels/rope.hpp"

#include <cstring>
#include <string>

#include "kernels/detail/args.hpp"
#include "kernels/detail/fp32_rows.hpp"

namespace tg::kernels {

void rope(const View& x, const View& cos, const View& sin, const View& y, const RopeOptions& options) {
  constexpr const char* kernel = "rope";
  const auto mx = detail::matrix_arg(kernel, "x", x, {DType::FP32, DType::BF16});
  const auto my = detail::matrix_arg(kernel, "y", y, {DType::FP32, DType::BF16});
  detail::require_same_shape(kernel, "x", x, mx, "y", y, my);
  const auto mc = detail::matrix_arg(kernel, "cos", cos, {DType::FP32, DType::BF16});
  const auto ms = detail::matrix_arg(kernel, "sin", sin, {DType::FP32, DType::BF16});
  const std::int64_t width = mx.cols;
  if (width % 2 != 0)
    detail::fail(kernel, "x (" + x.describe() + ") has " + std::to_string(width) +
                             " columns; RoPE rotates pairs, pass an even column range");
  const bool half_split = options.layout == RopeLayout::half_split;
  const std::int64_t table_cols = half_split ? width : width / 2;
  for (const auto* t : {&mc, &ms}) {
    const View& v = t == &mc ? cos : sin;
    const char* name = t == &mc ? "cos" : "sin";
    if (t->rows != 1 && t->rows != mx.rows)
      detail::fail(kernel, std::string(name) + " (" + v.describe() + ") has " + std::to_string(t->rows) +
                               " rows; pass one table row per row of x (" + std::to_string(mx.rows) + ") or a single row");
    if (t->cols < table_cols)
      detail::fail(kernel, std::string(name) + " (" + v.describe() + ") has " + std::to_string(t->cols) +
                               " columns; " + (half_split ? "half_split" : "interleaved") + " RoPE over " +
                               std::to_string(width) + " columns reads " + std::to_string(table_cols));
  }
  const auto& ops = detail::row_ops();
  const bool inverse = options.direction == RopeDirection::inverse;
  const std::int64_t half = width / 2;
  for (std::int64_t r = 0; r < mx.rows; ++r) {
    const float* xr = detail::fp32_row(ops, mx, r, 0);
    // Table rows are narrowed to the columns read before widening, so a long table costs nothing.
    detail::Matrix cr = mc, sr = ms;
    cr.cols = sr.cols = table_cols;
    const float* c = detail::fp32_row(ops, cr, mc.rows == 1 ? 0 : r, 2);
    const float* s = detail::fp32_row(ops, sr, ms.rows == 1 ? 0 : r, 3);
    // Always computed into a scratch row: the row loops require y not to alias x (in-place
    // calls are allowed), then copied or rounded into y.
    float* yr = detail::scratch_row(1, width);
    if (half_split)
      ops.rope_half_split(xr, xr + half, c, c + half, s, s + half, yr, yr + half, half, inverse);
    else
      ops.rope_interleaved(xr, c, s, yr, half, inverse);
    if (my.dtype == DType::FP32)
      std::memcpy(my.row<float>(r), yr, static_cast<std::size_t>(width) * sizeof(float));
    else
      detail::store_row(ops, yr, my, r);
  }
}

}  // namespace tg::kernels
