#include "kernels/rmsnorm.hpp"

#include <string>

#include "kernels/detail/args.hpp"
#include "kernels/detail/fp32_rows.hpp"

namespace tg::kernels {
namespace {

void check_options(const char* kernel, const RmsNormOptions& options) {
  if (!(options.eps >= 0.0f))
    detail::fail(kernel, "eps = " + std::to_string(options.eps) + " must be >= 0");
  if (options.chunk_cols < 0)
    detail::fail(kernel, "chunk_cols = " + std::to_string(options.chunk_cols) + " must be >= 0 (0 = whole row)");
}

float inv_rms_of(float ss, std::int64_t cols, const RmsNormOptions& options) {
  return inv_sqrt(ss / static_cast<float>(cols) + options.eps, options.inv_sqrt);
}

float row_inv_rms(const detail::RowOps& ops, const float* x, std::int64_t cols, const RmsNormOptions& options) {
  return inv_rms_of(ops.sum_squares(x, cols, options.chunk_cols), cols, options);
}

}  // namespace

void rms_inv(const View& x, const View& inv_rms, const RmsNormOptions& options) {
  constexpr const char* kernel = "rms_inv";
  check_options(kernel, options);
  const auto mx = detail::matrix_arg(kernel, "x", x, {DType::FP32, DType::BF16});
  const auto inv = detail::row_vector_arg(kernel, "inv_rms", inv_rms, mx.rows, {DType::FP32});
  const auto& ops = detail::row_ops();
  for (std::int64_t r = 0; r < mx.rows; ++r)
    *inv.fp32_at(r) = row_inv_rms(ops, detail::fp32_row(ops, mx, r, 0), mx.cols, options);
}

void rmsnorm(const View& x, const View& gamma, const View& y, const RmsNormOptions& options, const View& inv_rms_out) {
  constexpr const char* kernel = "rmsnorm";
  using detail::Optional;
  check_options(kernel, options);
  const auto mx = detail::matrix_arg(kernel, "x", x, {DType::FP32, DType::BF16});
  const auto my = detail::matrix_arg(kernel, "y", y, {DType::FP32, DType::BF16});
  detail::require_same_shape(kernel, "x", x, mx, "y", y, my);
  const auto g = detail::col_vector_arg(kernel, "gamma", gamma, mx.cols, {DType::FP32, DType::BF16}, Optional::yes);
  const auto inv = detail::row_vector_arg(kernel, "inv_rms_out", inv_rms_out, mx.rows, {DType::FP32}, Optional::yes);
  const auto& ops = detail::row_ops();
  const float* gamma_row = detail::fp32_cols(ops, g, 2);
  if (mx.dtype == DType::BF16 && my.dtype == DType::BF16) {  // bf16 -> bf16: two passes, no scratch rows
    for (std::int64_t r = 0; r < mx.rows; ++r) {
      const auto* xr = mx.row<std::uint16_t>(r);
      const float inv_rms = inv_rms_of(ops.sum_squares_bf16(xr, mx.cols, options.chunk_cols), mx.cols, options);
      if (inv.present()) *inv.fp32_at(r) = inv_rms;
      ops.scale_bf16_to_bf16(xr, inv_rms, gamma_row, my.row<std::uint16_t>(r), mx.cols, options.round_operand_to_bf16);
    }
    return;
  }
  for (std::int64_t r = 0; r < mx.rows; ++r) {
    const float* xr = detail::fp32_row(ops, mx, r, 0);
    const float inv_rms = row_inv_rms(ops, xr, mx.cols, options);
    if (inv.present()) *inv.fp32_at(r) = inv_rms;
    float* yr = detail::fp32_out_row(my, r, 1);
    // ((x' * 1) * inv) * gamma: the *1 is exact, so this is x' * inv * gamma.
    ops.scale(xr, 1.0f, inv_rms, gamma_row, yr, mx.cols, options.round_operand_to_bf16, false);
    detail::store_row(ops, yr, my, r);
  }
}

}  // namespace tg::kernels
