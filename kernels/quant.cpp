#include "kernels/quant.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "kernels/detail/args.hpp"
#include "kernels/detail/fp32_rows.hpp"
#include "kernels/scale.hpp"

namespace tg::kernels {
namespace {

void check_eps(const char* kernel, float amax_eps) {
  if (!(amax_eps > 0.0f) || !std::isfinite(amax_eps))
    detail::fail(kernel, "amax_eps = " + std::to_string(amax_eps) + " must be a positive finite value (spec: 1e-4)");
}

// amax -> (quant scale s, dequant scale 1/s), the spec's rule.
struct Scales {
  float quant;
  float dequant;
};
Scales scales_for(float abs_max, float amax_eps) {
  const float amax = abs_max > amax_eps ? abs_max : amax_eps;
  const float s = 127.0f / amax;
  return {s, 1.0f / s};
}

}  // namespace

void quantize_int8_rows(const View& x, const View& q, const View& dequant_scale, float amax_eps) {
  constexpr const char* kernel = "quantize_int8_rows";
  check_eps(kernel, amax_eps);
  const auto mx = detail::matrix_arg(kernel, "x", x, {DType::FP32, DType::BF16});
  const auto mq = detail::matrix_arg(kernel, "q", q, {DType::INT8});
  detail::require_same_shape(kernel, "x", x, mx, "q", q, mq);
  const auto ds = detail::row_vector_arg(kernel, "dequant_scale", dequant_scale, mx.rows, {DType::FP32});
  const auto& ops = detail::row_ops();
  for (std::int64_t r = 0; r < mx.rows; ++r) {
    const float* xr = detail::fp32_row(ops, mx, r, 0);
    const Scales s = scales_for(ops.abs_max(xr, mx.cols), amax_eps);
    ops.quantize(xr, s.quant, mq.row<std::int8_t>(r), mx.cols);
    *ds.fp32_at(r) = s.dequant;
  }
}

void quantize_int8_groups(const View& x, std::int64_t group_cols, const View& q, const View& dequant_scale,
                          float amax_eps) {
  constexpr const char* kernel = "quantize_int8_groups";
  check_eps(kernel, amax_eps);
  const auto mx = detail::matrix_arg(kernel, "x", x, {DType::FP32, DType::BF16});
  const auto mq = detail::matrix_arg(kernel, "q", q, {DType::INT8});
  detail::require_same_shape(kernel, "x", x, mx, "q", q, mq);
  if (group_cols <= 0 || mx.cols % group_cols != 0)
    detail::fail(kernel, "group_cols = " + std::to_string(group_cols) + " must be positive and divide the " +
                             std::to_string(mx.cols) + " columns of x (" + x.describe() + ")");
  const std::int64_t groups = mx.cols / group_cols;
  const auto md = detail::matrix_arg(kernel, "dequant_scale", dequant_scale, {DType::FP32});
  if (md.rows != mx.rows || md.cols != groups)
    detail::fail(kernel, "dequant_scale (" + dequant_scale.describe() + ") must be [" + std::to_string(mx.rows) + ", " +
                             std::to_string(groups) + "]: one scale per row and group of " +
                             std::to_string(group_cols) + " columns");
  const auto& ops = detail::row_ops();
  for (std::int64_t r = 0; r < mx.rows; ++r) {
    const float* xr = detail::fp32_row(ops, mx, r, 0);
    for (std::int64_t g = 0; g < groups; ++g) {
      const float* xg = xr + g * group_cols;
      const Scales s = scales_for(ops.abs_max(xg, group_cols), amax_eps);
      ops.quantize(xg, s.quant, mq.row<std::int8_t>(r) + g * group_cols, group_cols);
      md.row<float>(r)[g] = s.dequant;
    }
  }
}

void quantize_int8_columns(const View& w, const View& q, const View& dequant_scale, float amax_eps) {
  constexpr const char* kernel = "quantize_int8_columns";
  check_eps(kernel, amax_eps);
  const auto mw = detail::matrix_arg(kernel, "w", w, {DType::FP32, DType::BF16});
  const auto mq = detail::matrix_arg(kernel, "q", q, {DType::INT8});
  detail::require_same_shape(kernel, "w", w, mw, "q", q, mq);
  const auto ds = detail::col_vector_arg(kernel, "dequant_scale", dequant_scale, mw.cols, {DType::FP32});
  const auto& ops = detail::row_ops();
  // Weight preparation, run once per weight: a simple two-pass column loop.
  std::vector<float> amax(static_cast<std::size_t>(mw.cols), 0.0f);
  for (std::int64_t k = 0; k < mw.rows; ++k) {
    const float* row = detail::fp32_row(ops, mw, k, 0);
    for (std::int64_t n = 0; n < mw.cols; ++n) amax[n] = std::fabs(row[n]) > amax[n] ? std::fabs(row[n]) : amax[n];
  }
  std::vector<float> quant(amax.size());
  for (std::int64_t n = 0; n < mw.cols; ++n) {
    const Scales s = scales_for(amax[n], amax_eps);
    quant[n] = s.quant;
    *ds.fp32_at(n) = s.dequant;
  }
  for (std::int64_t k = 0; k < mw.rows; ++k) {
    const float* row = detail::fp32_row(ops, mw, k, 0);
    std::int8_t* out = mq.row<std::int8_t>(k);
    for (std::int64_t n = 0; n < mw.cols; ++n) ops.quantize(row + n, quant[n], out + n, 1);
  }
}

void dequantize_int32(const View& acc, const View& row_scale, const View& col_scale, const View& y, bool accumulate) {
  const auto ma = detail::matrix_arg("dequantize_int32", "acc", acc, {DType::INT32});
  (void)ma;
  ScaleOptions options;
  options.accumulate = accumulate;
  scale(acc, row_scale, col_scale, y, options);
}

}  // namespace tg::kernels
