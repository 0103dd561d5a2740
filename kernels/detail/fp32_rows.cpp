#include "kernels/detail/fp32_rows.hpp"

#include "runtime/fp16.hpp"

namespace tg::kernels::detail {

const float* fp32_row(const RowOps& ops, const Matrix& m, std::int64_t r, int slot) {
  switch (m.dtype) {
    case DType::FP32: return m.row<float>(r);
    case DType::BF16: {
      float* out = scratch_row(slot, m.cols);
      ops.bf16_to_fp32(m.row<std::uint16_t>(r), out, m.cols);
      return out;
    }
    case DType::INT32: {
      float* out = scratch_row(slot, m.cols);
      ops.int32_to_fp32(m.row<std::int32_t>(r), out, m.cols);
      return out;
    }
    case DType::INT8: {
      float* out = scratch_row(slot, m.cols);
      const std::int8_t* in = m.row<std::int8_t>(r);
      for (std::int64_t c = 0; c < m.cols; ++c) out[c] = static_cast<float>(in[c]);
      return out;
    }
    case DType::FP16: {
      float* out = scratch_row(slot, m.cols);
      const std::uint16_t* in = m.row<std::uint16_t>(r);
      for (std::int64_t c = 0; c < m.cols; ++c) out[c] = fp16_bits_to_fp32(in[c]);
      return out;
    }
  }
  return nullptr;
}

void store_row(const RowOps& ops, const float* v, const Matrix& y, std::int64_t r) {
  if (y.dtype == DType::BF16) ops.fp32_to_bf16(v, y.row<std::uint16_t>(r), y.cols, Rounding::rint);
}

const float* fp32_cols(const RowOps& ops, const Vector& v, int slot) {
  if (!v.present()) return nullptr;
  if (v.dtype == DType::FP32) return reinterpret_cast<const float*>(v.data);
  float* out = scratch_row(slot, v.size);
  if (v.dtype == DType::BF16) ops.bf16_to_fp32(reinterpret_cast<const std::uint16_t*>(v.data), out, v.size);
  else
    for (std::int64_t i = 0; i < v.size; ++i) out[i] = v.load(i);
  return out;
}

}  // namespace tg::kernels::detail
