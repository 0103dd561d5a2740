#include "kernels/inv_sqrt.hpp"

#include <bit>
#include <cmath>
#include <cstdint>

namespace tg::kernels {

float inv_sqrt(float value, InvSqrtMode mode) {
  switch (mode) {
    case InvSqrtMode::exact: return static_cast<float>(1.0 / std::sqrt(static_cast<double>(value)));
    case InvSqrtMode::recip_sqrt: return 1.0f / std::sqrt(value);
    case InvSqrtMode::rsqrt_approx: {
      // Keep 13 of the 23 fraction bits, rounding half to even: a deterministic ~14-bit estimate.
      const float r = 1.0f / std::sqrt(value);
      const std::uint32_t u = std::bit_cast<std::uint32_t>(r);
      if ((u & 0x7f800000u) == 0x7f800000u) return r;  // inf / NaN pass through
      const std::uint32_t drop = 10;
      const std::uint32_t lsb = (u >> drop) & 1u;
      const std::uint32_t rounded = (u + ((1u << (drop - 1)) - 1u) + lsb) & ~((1u << drop) - 1u);
      return std::bit_cast<float>(rounded);
    }
  }
  return 0.0f;
}

std::string_view name_of(InvSqrtMode mode) {
  switch (mode) {
    case InvSqrtMode::exact: return "exact";
    case InvSqrtMode::recip_sqrt: return "recip_sqrt";
    case InvSqrtMode::rsqrt_approx: return "rsqrt_approx";
  }
  return "?";
}

std::optional<InvSqrtMode> parse_inv_sqrt_mode(std::string_view name) {
  for (InvSqrtMode m : {InvSqrtMode::exact, InvSqrtMode::recip_sqrt, InvSqrtMode::rsqrt_approx})
    if (name_of(m) == name) return m;
  return std::nullopt;
}

}  // namespace tg::kernels
