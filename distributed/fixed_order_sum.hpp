#pragma once
// The reduction of all-reduce and reduce-scatter, in a fixed order: element i of the
// result is ((part_0[i] + part_1[i]) + part_2[i]) + ... in rank order, accumulated in fp32
// (bf16 parts widen to fp32 and the sum rounds to bf16 once, to nearest even; int32 wraps).
// Each element is summed by exactly one rank, so every rank ends with the same bits.
#include <cstddef>
#include <cstdint>

#include "runtime/dtype.hpp"

namespace tg {

// `parts`: `num_parts` arrays of `count` elements, one after the other, part r from rank r.
// Throws Error for dtypes it does not sum (fp16, int8). Cost: O(num_parts * count).
void sum_in_rank_order(DType dtype, const std::byte* parts, int num_parts, std::int64_t count, std::byte* out);

// Whether sum_in_rank_order accepts the dtype.
constexpr bool summable(DType dtype) { return dtype == DType::FP32 || dtype == DType::BF16 || dtype == DType::INT32; }

}  // namespace tg
