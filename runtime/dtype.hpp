#pragma once
// Element types of GM tensors.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tg {

struct bf16;
struct fp16;

enum class DType : std::uint8_t { BF16, FP16, FP32, INT8, INT32 };

inline constexpr DType BF16 = DType::BF16;
inline constexpr DType FP16 = DType::FP16;
inline constexpr DType FP32 = DType::FP32;
inline constexpr DType INT8 = DType::INT8;
inline constexpr DType INT32 = DType::INT32;

constexpr std::size_t size_of(DType t) {
  switch (t) {
    case DType::BF16: return 2;
    case DType::FP16: return 2;
    case DType::FP32: return 4;
    case DType::INT8: return 1;
    case DType::INT32: return 4;
  }
  return 0;
}

constexpr std::string_view name_of(DType t) {
  switch (t) {
    case DType::BF16: return "bf16";
    case DType::FP16: return "fp16";
    case DType::FP32: return "fp32";
    case DType::INT8: return "int8";
    case DType::INT32: return "int32";
  }
  return "?";
}

constexpr std::optional<DType> parse_dtype(std::string_view s) {
  for (DType t : {DType::BF16, DType::FP16, DType::FP32, DType::INT8, DType::INT32})
    if (name_of(t) == s) return t;
  return std::nullopt;
}

// The DType a C++ element type stands for; used to check typed access to a view.
template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<bf16>() { return DType::BF16; }
template <> constexpr DType dtype_of<fp16>() { return DType::FP16; }
template <> constexpr DType dtype_of<float>() { return DType::FP32; }
template <> constexpr DType dtype_of<std::int8_t>() { return DType::INT8; }
template <> constexpr DType dtype_of<std::int32_t>() { return DType::INT32; }

}  // namespace tg
