#include "runtime/bf16.hpp"
#include "runtime/fp16.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

namespace {

// Reference rounding written from the definition, independent of the bit trick: take the
// two bf16 neighbours of x (truncation and the next one up in magnitude) and pick the nearer
// in double; on a tie pick the one with an even last bit.
std::uint16_t reference_round(float x) {
  std::uint32_t u;
  std::memcpy(&u, &x, 4);
  if (std::isnan(x)) return 0x7fc0;  // compared as "is NaN" below
  const std::uint16_t down = static_cast<std::uint16_t>(u >> 16);
  if ((u & 0xffff) == 0) return down;
  const std::uint16_t up = static_cast<std::uint16_t>(down + 1);  // next magnitude, same sign
  const double xd = x;
  const double dd = tg::bf16_bits_to_fp32(down);
  double ud;
  if ((up & 0x7fff) == 0x7f80) ud = std::copysign(std::ldexp(1.0, 128), xd);  // rounds past max to inf
  else ud = tg::bf16_bits_to_fp32(up);
  const double err_down = std::abs(xd - dd), err_up = std::abs(ud - xd);
  if (err_down < err_up) return down;
  if (err_up < err_down) return up;
  return (down & 1) ? up : down;
}

TEST(Bf16, WideningIsExactForAllPatterns) {
  for (std::uint32_t b = 0; b < 65536; ++b) {
    const auto bits = static_cast<std::uint16_t>(b);
    const float f = tg::bf16_bits_to_fp32(bits);
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    EXPECT_EQ(u, static_cast<std::uint32_t>(bits) << 16);
    // Round trip: every bf16 value converts back to itself (NaN stays NaN).
    const tg::bf16 back(f);
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(back.to_float())) << b;
    } else {
      EXPECT_EQ(back.bits, bits) << b;
    }
  }
}

TEST(Bf16, MidpointsBetweenAllNeighboursRoundToEven) {
  // Every tie: the fp32 exactly halfway between bf16 pattern b and b+1.
  for (std::uint32_t b = 0; b < 65535; ++b) {
    if ((b & 0x7f80) == 0x7f80) continue;  // inf / NaN patterns
    const std::uint32_t mid = (b << 16) | 0x8000u;
    float x;
    std::memcpy(&x, &mid, 4);
    const std::uint16_t expected = (b & 1) ? static_cast<std::uint16_t>(b + 1) : static_cast<std::uint16_t>(b);
    ASSERT_EQ(tg::bf16(x).bits, expected) << std::hex << mid;
  }
}

TEST(Bf16, SpecialValues) {
  EXPECT_TRUE(std::isnan(tg::bf16(std::nanf("")).to_float()));
  // A NaN whose payload lives only in the low 16 bits must not become inf.
  const std::uint32_t low_payload_nan = 0x7f800001u;
  float n;
  std::memcpy(&n, &low_payload_nan, 4);
  EXPECT_TRUE(std::isnan(tg::bf16(n).to_float()));
  EXPECT_TRUE(std::isinf(tg::bf16(3.4e38f).to_float()));   // overflow goes to inf
  EXPECT_EQ(tg::bf16(-0.0f).bits, 0x8000);
  EXPECT_EQ(tg::bf16(1.0f).bits, 0x3f80);
}

TEST(Bf16, MatchesReferenceOnTenMillionRandomFloats) {
  std::mt19937_64 rng(12345);
  std::size_t checked = 0;
  for (int i = 0; i < 10'000'000; ++i) {
    std::uint32_t u = static_cast<std::uint32_t>(rng());
    switch (i % 4) {
      case 0: break;                                       // any pattern
      case 1: u = (u & 0xffff0000u) | 0x8000u; break;      // exact ties
      case 2: u &= 0x807fffffu; break;                     // subnormals and zeros
      case 3: u = (u & 0x80ffffffu) | 0x3f000000u; break;  // ordinary magnitudes
    }
    float x;
    std::memcpy(&x, &u, 4);
    const auto got = tg::bf16(x);
    if (std::isnan(x)) {
      ASSERT_TRUE(std::isnan(got.to_float()));
      continue;
    }
    ASSERT_EQ(got.bits, reference_round(x)) << std::hex << u;
    ++checked;
  }
  EXPECT_GT(checked, 9'000'000u);
}

TEST(Fp16, RoundTripsAllFiniteHalfValuesAndRoundsTies) {
  for (std::uint32_t h = 0; h < 65536; ++h) {
    const auto bits = static_cast<std::uint16_t>(h);
    const float f = tg::fp16_bits_to_fp32(bits);
    if (std::isnan(f)) continue;
    ASSERT_EQ(tg::fp16(f).bits, bits) << h;
  }
  EXPECT_EQ(tg::fp16(65520.0f).bits, 0x7c00);  // halfway past max rounds to inf
  EXPECT_EQ(tg::fp16(1.0f + 1.0f / 2048).bits, 0x3c00);  // tie to even (down)
  EXPECT_EQ(tg::fp16(1.0f + 3.0f / 2048).bits, 0x3c02);  // tie to even (up)
}

}  // namespace
