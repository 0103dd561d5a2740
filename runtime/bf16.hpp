#pragma once
// bf16: the upper 16 bits of an fp32. Conversion from fp32 rounds to nearest even;
// widening back to fp32 is exact.
#include <bit>
#include <cstdint>

namespace tg {

// Round-to-nearest-even on the 16 dropped bits. NaN stays NaN (quiet bit forced so a
// payload living only in the low bits cannot turn into inf); overflow rounds to inf.
constexpr std::uint16_t fp32_to_bf16_bits(float value) {
  const std::uint32_t u = std::bit_cast<std::uint32_t>(value);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((u >> 16) | 0x0040u);
  const std::uint32_t lsb = (u >> 16) & 1u;
  return static_cast<std::uint16_t>((u + 0x7fffu + lsb) >> 16);
}

constexpr float bf16_bits_to_fp32(std::uint16_t bits) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
}

struct bf16 {
  std::uint16_t bits = 0;

  constexpr bf16() = default;
  constexpr explicit bf16(float value) : bits(fp32_to_bf16_bits(value)) {}
  static constexpr bf16 from_bits(std::uint16_t b) {
    bf16 r;
    r.bits = b;
    return r;
  }
  constexpr float to_float() const { return bf16_bits_to_fp32(bits); }
  constexpr explicit operator float() const { return to_float(); }
  friend constexpr bool operator==(bf16 a, bf16 b) { return a.bits == b.bits; }
};

// bf16(x) of the model specs: an fp32 value rounded once to bf16 and widened back.
constexpr float round_to_bf16(float value) { return bf16(value).to_float(); }

}  // namespace tg
