#pragma once
// Rows of a checked Matrix seen as fp32: fp32 rows are used in place; bf16 / int32 / int8 / fp16
// rows are widened into a per-thread scratch row (exact, except int32 beyond 2^24 which rounds
// half-even), and fp32 results are rounded into bf16 rows on the way out.
#include <cstdint>

#include "kernels/detail/args.hpp"
#include "kernels/detail/row_ops.hpp"

namespace tg::kernels::detail {

// Row r of m as fp32 (in place when m is fp32, else in scratch `slot`).
const float* fp32_row(const RowOps& ops, const Matrix& m, std::int64_t r, int slot);

// Where to compute row r of y: y's own row when fp32, else scratch `slot`; then store_row.
inline float* fp32_out_row(const Matrix& y, std::int64_t r, int slot) {
  return y.dtype == DType::FP32 ? y.row<float>(r) : scratch_row(slot, y.cols);
}

// Writes v (computed in fp32_out_row(y, r, ...)) into row r of y (fp32: nothing to do;
// bf16: rounded half-even).
void store_row(const RowOps& ops, const float* v, const Matrix& y, std::int64_t r);

// A per-column vector as contiguous fp32 (in place or widened into scratch `slot`); null when absent.
const float* fp32_cols(const RowOps& ops, const Vector& v, int slot);

}  // namespace tg::kernels::detail
