#include "models/common/input_checks.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "runtime/error.hpp"

namespace tg::models {
namespace {

// 0 finite, 1 NaN, 2 +Inf, 3 -Inf: the exponent all ones marks both in every float format.
int classify_half(std::uint16_t bits, std::uint16_t exponent_mask, std::uint16_t mantissa_mask) {
  if ((bits & exponent_mask) != exponent_mask) return 0;
  if ((bits & mantissa_mask) != 0) return 1;
  return (bits & 0x8000u) ? 3 : 2;
}

int classify_float(float v) {
  if (std::isfinite(v)) return 0;
  if (std::isnan(v)) return 1;
  return v > 0 ? 2 : 3;
}

}  // namespace

std::string index_text(const Shape& shape, std::int64_t flat) {
  std::vector<std::int64_t> index(shape.size(), 0);
  for (std::size_t d = shape.size(); d-- > 0;) {
    if (shape[d] <= 0) continue;
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  std::string text = "[";
  for (std::size_t d = 0; d < index.size(); ++d) text += (d ? ", " : "") + std::to_string(index[d]);
  return text + "]";
}

void check_finite(const Tensor& tensor) {
  const auto n = tensor.numel();
  const std::byte* data = tensor.data();
  int kind = 0;
  std::int64_t at = 0;
  for (; at < n && kind == 0; ++at) {
    switch (tensor.dtype()) {
      case DType::FP32: {
        float v;
        std::memcpy(&v, data + at * 4, 4);
        kind = classify_float(v);
        break;
      }
      case DType::BF16:
      case DType::FP16: {
        std::uint16_t bits;
        std::memcpy(&bits, data + at * 2, 2);
        kind = tensor.dtype() == DType::BF16 ? classify_half(bits, 0x7F80u, 0x007Fu) : classify_half(bits, 0x7C00u, 0x03FFu);
        break;
      }
      case DType::INT8:
      case DType::INT32: return;
    }
  }
  if (kind == 0) return;
  --at;
  const char* what = kind == 1 ? "NaN" : kind == 2 ? "+Inf" : "-Inf";
  const std::string text = fmt::format(
      "input tensor {}{} (element {} of {}) is {}; inputs must be finite (--allow-nonfinite runs with them anyway)",
      tensor.name(), index_text(tensor.shape(), at), at, n, what);
  throw ConfigError(ErrorContext{.buffer = tensor.name()}, text, text);
}

void check_range(const Tensor& tensor, const InputRange& range) {
  const auto n = tensor.numel();
  auto value = [&](std::int64_t i) -> std::int64_t {
    if (tensor.dtype() == DType::INT32) return tensor.data_as<std::int32_t>()[i];
    return tensor.data_as<std::int8_t>()[i];
  };
  if (tensor.dtype() != DType::INT32 && tensor.dtype() != DType::INT8)
    throw Error(ErrorContext{.buffer = tensor.name()},
                "input range rule on '" + tensor.name() + "': the tensor is not an INT8 or INT32 one");
  for (std::int64_t i = 0; i < n; ++i) {
    const auto v = value(i);
    if (v >= range.min && v <= range.max) continue;
    const std::string text = fmt::format("input tensor {}{} = {} is outside {}{}{}", tensor.name(),
                                         index_text(tensor.shape(), i), v, range.range_text,
                                         range.why.empty() ? "" : "; ", range.why);
    throw ConfigError(ErrorContext{.buffer = tensor.name()}, text, text);
  }
}

}  // namespace tg::models
