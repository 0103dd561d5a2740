#pragma once
// The three ways of computing 1/sqrt(v) that the model specs distinguish (V3.2 precision
// notes). All three are deterministic and give the same bits on every CPU path.
//   exact:        1/sqrt(v) computed in fp64, rounded once to fp32 (correctly rounded
//                 for all but a handful of inputs)
//   recip_sqrt:   fp32 sqrt, then fp32 reciprocal (the reference kernels' default);
//                 differs from exact by at most 1 fp32 ulp
//   rsqrt_approx: a ~14-bit estimate with no Newton step, the way the NPU's rsqrt (and
//                 AVX-512 vrsqrt14ps) behaves. Modelled portably as recip_sqrt rounded
//                 half-even to 13 fraction bits, so |relative error| <= 2^-14 + 2^-23.
//                 (Not the bit pattern of vrsqrt14ps, whose tables differ between vendors.)
// For v <= 0 or NaN every mode returns what 1/sqrt does in fp32: +inf for +0, NaN below 0.
#include <optional>
#include <string_view>

namespace tg::kernels {

enum class InvSqrtMode : unsigned char { exact, recip_sqrt, rsqrt_approx };

inline constexpr float kRsqrtApproxMaxRelativeError = 6.1035156e-05f + 1.1920929e-07f;  // 2^-14 + 2^-23

float inv_sqrt(float value, InvSqrtMode mode);

std::string_view name_of(InvSqrtMode mode);
std::optional<InvSqrtMode> parse_inv_sqrt_mode(std::string_view name);

}  // namespace tg::kernels
