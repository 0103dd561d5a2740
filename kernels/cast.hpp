#pragma once
// Casts between GM dtypes, element by element, with the rounding modes the NPU cast offers.
// Cost: O(rows * cols), memory bound.
#include <cstdint>

#include "runtime/view.hpp"

namespace tg::kernels {

// How a value that falls between two representable results is rounded.
//   rint:  to nearest, ties to even (what torch does; the default everywhere here)
//   round: to nearest, ties away from zero (the NPU `cast` default)
//   trunc: toward zero
enum class Rounding : unsigned char { rint, round, trunc };

// dst = src converted element by element; src and dst must have the same [rows, cols]
// (rank 1 counts as one row) with a contiguous last dim. Supported pairs:
//   fp32 -> bf16  any Rounding (NaN stays a quiet NaN; overflow: inf for rint/round,
//                 the largest finite bf16 for trunc)
//   fp32 -> fp16  rint only
//   fp32 -> int8  any Rounding, rounded in fp32 straight to an integer, then clamped to
//                 [-127, 127] (the model specs' rule; -128 is never produced); NaN -> 0
//   int32 -> fp32 rint only (exact below 2^24)
//   bf16 / fp16 / int8 -> fp32, and same dtype -> copy: exact, any Rounding accepted
// Anything else throws ShapeError naming both views.
void cast(const View& src, const View& dst, Rounding rounding = Rounding::rint);

// One value, as `cast` converts it (for callers converting scalars, not for goldens).
std::uint16_t fp32_to_bf16_bits(float value, Rounding rounding);
std::int8_t fp32_to_int8(float value, Rounding rounding);

}  // namespace tg::kernels
