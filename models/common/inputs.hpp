#pragma once
// Deterministic model inputs from a seed. Each tensor draws from its own stream, derived
// from (seed, tensor name), so adding a tensor or changing the fill order does not change
// the others. The generator is specified here (splitmix64 + 53-bit mantissa), not the
// standard library's distributions, so values are the same on every platform.
// Cost: O(n) per tensor of n elements.
#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime/tensor.hpp"

namespace tg::models {

class SeededStream {
 public:
  SeededStream(std::uint64_t seed, std::string_view tensor_name);
  std::uint64_t next_u64();
  double uniform(double lo, double hi);                    // [lo, hi)
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);  // [lo, hi], inclusive

 private:
  std::uint64_t state_;
};

// Fills a BF16 / FP16 / FP32 buffer with values uniform in [lo, hi) (rounded to the dtype)
// and an INT8 / INT32 buffer with integers uniform in [lo, hi].
void fill_uniform(const Tensor& buffer, double lo, double hi, std::uint64_t seed);

// Buffer contents widened to fp32 (bf16 / fp16 exactly, ints by value): what goldens read.
std::vector<float> to_floats(const Tensor& buffer);
// An INT32 buffer's values.
std::vector<std::int32_t> to_ints(const Tensor& buffer);

}  // namespace tg::models
