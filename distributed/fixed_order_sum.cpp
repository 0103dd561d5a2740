#include "distributed/fixed_order_sum.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "runtime/bf16.hpp"
#include "runtime/error.hpp"

namespace tg {
namespace {

void sum_fp32(const float* parts, int num_parts, std::int64_t count, float* out) {
  if (out != parts) std::memcpy(out, parts, static_cast<std::size_t>(count) * sizeof(float));
  for (int r = 1; r < num_parts; ++r) {
    const float* part = parts + static_cast<std::int64_t>(r) * count;
    for (std::int64_t i = 0; i < count; ++i) out[i] += part[i];
  }
}

void sum_bf16(const bf16* parts, int num_parts, std::int64_t count, bf16* out) {
  constexpr std::int64_t kTile = 2048;  // the fp32 accumulator stays in L1
  std::array<float, kTile> acc;
  for (std::int64_t begin = 0; begin < count; begin += kTile) {
    const std::int64_t n = std::min(kTile, count - begin);
    for (std::int64_t i = 0; i < n; ++i) acc[static_cast<std::size_t>(i)] = parts[begin + i].to_float();
    for (int r = 1; r < num_parts; ++r) {
      const bf16* part = parts + static_cast<std::int64_t>(r) * count + begin;
      for (std::int64_t i = 0; i < n; ++i) acc[static_cast<std::size_t>(i)] += part[i].to_float();
    }
    for (std::int64_t i = 0; i < n; ++i) out[begin + i] = bf16(acc[static_cast<std::size_t>(i)]);
  }
}

void sum_int32(const std::int32_t* parts, int num_parts, std::int64_t count, std::int32_t* out) {
  for (std::int64_t i = 0; i < count; ++i) {
    std::uint32_t acc = static_cast<std::uint32_t>(parts[i]);
    for (int r = 1; r < num_parts; ++r) acc += static_cast<std::uint32_t>(parts[static_cast<std::int64_t>(r) * count + i]);
    out[i] = static_cast<std::int32_t>(acc);
  }
}

}  // namespace

void sum_in_rank_order(DType dtype, const std::byte* parts, int num_parts, std::int64_t count, std::byte* out) {
  switch (dtype) {
    case DType::FP32:
      return sum_fp32(reinterpret_cast<const float*>(parts), num_parts, count, reinterpret_cast<float*>(out));
    case DType::BF16:
      return sum_bf16(reinterpret_cast<const bf16*>(parts), num_parts, count, reinterpret_cast<bf16*>(out));
    case DType::INT32:
      return sum_int32(reinterpret_cast<const std::int32_t*>(parts), num_parts, count, reinterpret_cast<std::int32_t*>(out));
    default:
      throw Error("sum of " + std::string(name_of(dtype)) + " elements: reductions sum fp32, bf16 or int32");
  }
}

}  // namespace tg
