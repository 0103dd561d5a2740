#pragma once
// Helpers shared by the kernel tests: buffers filled from fixed seeds, element access as
// double, and the list of CPU paths to run. The references themselves live in each test,
// written as plain loops from the specs.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/cpu_path.hpp"
#include "runtime/bf16.hpp"
#include "runtime/tensor.hpp"
#include "runtime/view.hpp"

namespace tg::kernels::testing {

inline std::vector<CpuPath> all_paths() { return supported_cpu_paths(); }

inline std::unique_ptr<Tensor> make_buffer(const std::string& name, DType dtype, Shape shape) {
  return std::make_unique<Tensor>(name, dtype, std::move(shape));
}

// Element (r, c) of a rank-2 view, widened to double.
inline double get(const View& v, std::int64_t r, std::int64_t c) {
  switch (v.dtype()) {
    case DType::FP32: return v.at<float>({r, c});
    case DType::BF16: return v.at<bf16>({r, c}).to_float();
    case DType::INT8: return v.at<std::int8_t>({r, c});
    case DType::INT32: return v.at<std::int32_t>({r, c});
    case DType::FP16: return v.at<fp16>({r, c}).to_float();
  }
  return 0;
}

inline void set(const View& v, std::int64_t r, std::int64_t c, double value) {
  switch (v.dtype()) {
    case DType::FP32: v.at<float>({r, c}) = static_cast<float>(value); break;
    case DType::BF16: v.at<bf16>({r, c}) = bf16(static_cast<float>(value)); break;
    case DType::INT8: v.at<std::int8_t>({r, c}) = static_cast<std::int8_t>(value); break;
    case DType::INT32: v.at<std::int32_t>({r, c}) = static_cast<std::int32_t>(value); break;
    case DType::FP16: v.at<fp16>({r, c}) = fp16(static_cast<float>(value)); break;
  }
}

// Uniform values in [lo, hi] (integers for int8/int32), from a fixed seed.
inline void fill_uniform(const View& v, double lo, double hi, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  for (std::int64_t r = 0; r < v.size(0); ++r)
    for (std::int64_t c = 0; c < v.size(1); ++c) {
      const double x = dist(rng);
      set(v, r, c, (v.dtype() == DType::INT8 || v.dtype() == DType::INT32) ? std::round(x) : x);
    }
}

inline std::uint32_t bits_of(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, 4);
  return u;
}

// Raw bytes of a view's rows, to compare results of two paths bit for bit.
inline std::vector<std::uint8_t> bytes_of(const View& v) {
  std::vector<std::uint8_t> out;
  const std::size_t row_bytes = static_cast<std::size_t>(v.size(1)) * size_of(v.dtype());
  for (std::int64_t r = 0; r < v.size(0); ++r) {
    const auto* p = v.bytes_data() + static_cast<std::size_t>(r * v.row_stride()) * size_of(v.dtype());
    out.insert(out.end(), reinterpret_cast<const std::uint8_t*>(p), reinterpret_cast<const std::uint8_t*>(p) + row_bytes);
  }
  return out;
}

}  // namespace tg::kernels::testing
