#pragma once
// The V4 spec's tolerances as precision-report rules (models/common/precision.hpp).
#include <span>
#include <string>
#include <vector>

#include "models/common/precision.hpp"

namespace tg::models::deepseek_v4 {

// qr_scale: |d| <= 2.5e-5 + 5e-3·|ref| everywhere.
inline Tolerance qr_scale_tolerance() { return {2.5e-5, 5e-3, 0.0, "2.5e-5+5e-3|ref|"}; }
// o_r: at most 0.5% of elements with |d| > 1e-6 + 1e-4·|ref|.
inline Tolerance o_r_tolerance() { return {1e-6, 1e-4, 0.005, "1e-6+1e-4|ref|"}; }
// o_r_scale_dq: within 1e-6 relative everywhere.
inline Tolerance relative_1e6_tolerance() { return {0.0, 1e-6, 0.0, "1e-6 rel"}; }
// Shown for information only (never fails on values): the untiled fp32 softmax golden.
inline Tolerance information_only() { return {1e-4, 1.0 / 128, 1.0, "info"}; }

// int8 codes: two lines, "NAME" (at most 0.5% off by one: any difference counts) and
// "NAME |d|<=1" (no code off by more than one step).
inline std::vector<TensorStats> judge_int8_codes(const std::string& name, std::span<const float> actual,
                                                 std::span<const float> expected) {
  return {compare(name, DType::INT8, actual, expected, {0.0, 0.0, 0.005, "int8 <=0.5% off by 1"}),
          compare(name + " |d|<=1", DType::INT8, actual, expected, {1.0, 0.0, 0.0, "int8 |d|<=1"})};
}

}  // namespace tg::models::deepseek_v4
