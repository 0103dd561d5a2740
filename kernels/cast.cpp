#include "kernels/cast.hpp"

#include <cstring>
#include <string>

#include "kernels/detail/args.hpp"
#include "kernels/detail/fp32_rows.hpp"
#include "kernels/detail/row_ops.hpp"
#include "runtime/fp16.hpp"

namespace tg::kernels {

using detail::Matrix;

void cast(const View& src, const View& dst, Rounding rounding) {
  constexpr const char* kernel = "cast";
  const auto all = {DType::FP32, DType::BF16, DType::FP16, DType::INT8, DType::INT32};
  const Matrix s = detail::matrix_arg(kernel, "src", src, all);
  const Matrix d = detail::matrix_arg(kernel, "dst", dst, all);
  detail::require_same_shape(kernel, "src", src, s, "dst", dst, d);
  const auto& ops = detail::row_ops();
  const bool widening = d.dtype == DType::FP32 && s.dtype != DType::INT32;

  if (s.dtype == d.dtype) {
    const std::size_t row_bytes = static_cast<std::size_t>(s.cols) * size_of(s.dtype);
    for (std::int64_t r = 0; r < s.rows; ++r) std::memmove(d.row_bytes(r), s.row_bytes(r), row_bytes);
  } else if (widening) {
    for (std::int64_t r = 0; r < s.rows; ++r) {
      const float* row = detail::fp32_row(ops, s, r, 0);
      std::memcpy(d.row<float>(r), row, static_cast<std::size_t>(s.cols) * sizeof(float));
    }
  } else if (s.dtype == DType::INT32 && d.dtype == DType::FP32 && rounding == Rounding::rint) {
    for (std::int64_t r = 0; r < s.rows; ++r) ops.int32_to_fp32(s.row<std::int32_t>(r), d.row<float>(r), s.cols);
  } else if (s.dtype == DType::FP32 && d.dtype == DType::BF16) {
    for (std::int64_t r = 0; r < s.rows; ++r)
      ops.fp32_to_bf16(s.row<float>(r), d.row<std::uint16_t>(r), s.cols, rounding);
  } else if (s.dtype == DType::FP32 && d.dtype == DType::INT8) {
    for (std::int64_t r = 0; r < s.rows; ++r) ops.fp32_to_int8(s.row<float>(r), d.row<std::int8_t>(r), s.cols, rounding);
  } else if (s.dtype == DType::FP32 && d.dtype == DType::FP16 && rounding == Rounding::rint) {
    for (std::int64_t r = 0; r < s.rows; ++r) {
      const float* in = s.row<float>(r);
      std::uint16_t* out = d.row<std::uint16_t>(r);
      for (std::int64_t c = 0; c < s.cols; ++c) out[c] = tg::fp32_to_fp16_bits(in[c]);
    }
  } else {
    const char* names[] = {"rint", "round", "trunc"};
    detail::fail(kernel, "no cast from " + std::string(name_of(s.dtype)) + " (" + src.describe() + ") to " +
                             std::string(name_of(d.dtype)) + " (" + dst.describe() + ") with rounding " +
                             names[static_cast<int>(rounding)] +
                             "; supported: fp32->bf16|int8 (any rounding), fp32->fp16 and int32->fp32 (rint), "
                             "bf16|fp16|int8->fp32 and same-dtype copies");
  }
}

std::uint16_t fp32_to_bf16_bits(float value, Rounding rounding) {
  std::uint16_t out = 0;
  detail::row_ops_scalar().fp32_to_bf16(&value, &out, 1, rounding);
  return out;
}

std::int8_t fp32_to_int8(float value, Rounding rounding) {
  std::int8_t out = 0;
  detail::row_ops_scalar().fp32_to_int8(&value, &out, 1, rounding);
  return out;
}

}  // namespace tg::kernels
