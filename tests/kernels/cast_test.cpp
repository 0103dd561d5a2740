// Casts: rounding modes on hand-picked ties and on random values against a reference that
// picks between the two neighbours in double; every CPU path.
#include "kernels/cast.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kernel_test_support.hpp"
#include "runtime/error.hpp"
#include "runtime/fp16.hpp"

namespace {

using namespace tg::kernels;
using namespace tg::kernels::testing;
using tg::View;

float from_bits(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// bf16 reference from the definition: the truncation and the next value up in magnitude,
// nearer one in double; ties by mode.
std::uint16_t reference_bf16(float x, Rounding mode) {
  if (std::isnan(x)) return 0x7fc0;
  const std::uint32_t u = bits_of(x);
  const std::uint16_t down = static_cast<std::uint16_t>(u >> 16);
  if ((u & 0xffffu) == 0 || mode == Rounding::trunc) return down;
  const std::uint16_t up = static_cast<std::uint16_t>(down + 1);
  const double dx = std::fabs(static_cast<double>(x));
  const double d_down = dx - std::fabs(static_cast<double>(from_bits(static_cast<std::uint32_t>(down) << 16)));
  const double d_up = std::fabs(static_cast<double>(from_bits(static_cast<std::uint32_t>(up) << 16))) - dx;
  if (d_down < d_up) return down;
  if (d_up < d_down) return up;
  return mode == Rounding::round ? up : ((down & 1u) ? up : down);
}

std::int8_t reference_int8(float x, Rounding mode) {
  if (std::isnan(x)) return 0;
  double r = mode == Rounding::rint ? std::nearbyint(static_cast<double>(x))
             : mode == Rounding::round ? std::round(static_cast<double>(x))
                                       : std::trunc(static_cast<double>(x));
  r = std::fmin(127.0, std::fmax(-127.0, r));
  return static_cast<std::int8_t>(r);
}

const Rounding kModes[] = {Rounding::rint, Rounding::round, Rounding::trunc};

TEST(Cast, Fp32ToBf16TiesPerMode) {
  const float tie_even = 1.0f + std::ldexp(1.0f, -8);      // halfway between 1 and 1 + 2^-7
  const float tie_odd = 1.0f + 3 * std::ldexp(1.0f, -8);   // halfway between 1 + 2^-7 and 1 + 2^-6
  EXPECT_EQ(fp32_to_bf16_bits(tie_even, Rounding::rint), 0x3f80);
  EXPECT_EQ(fp32_to_bf16_bits(tie_even, Rounding::round), 0x3f81);
  EXPECT_EQ(fp32_to_bf16_bits(tie_even, Rounding::trunc), 0x3f80);
  EXPECT_EQ(fp32_to_bf16_bits(-tie_even, Rounding::round), 0xbf81);
  EXPECT_EQ(fp32_to_bf16_bits(tie_odd, Rounding::rint), 0x3f82);
  EXPECT_EQ(fp32_to_bf16_bits(tie_odd, Rounding::trunc), 0x3f81);
  const float max_finite = std::numeric_limits<float>::max();
  EXPECT_EQ(fp32_to_bf16_bits(max_finite, Rounding::rint), 0x7f80);   // rounds to inf
  EXPECT_EQ(fp32_to_bf16_bits(max_finite, Rounding::trunc), 0x7f7f);  // stays finite
  const float inf = std::numeric_limits<float>::infinity();
  for (Rounding m : kModes) {
    EXPECT_EQ(fp32_to_bf16_bits(inf, m), 0x7f80);
    EXPECT_EQ(fp32_to_bf16_bits(-inf, m), 0xff80);
    const std::uint16_t nan = fp32_to_bf16_bits(from_bits(0x7f800001u), m);  // payload only in low bits
    EXPECT_TRUE((nan & 0x7f80) == 0x7f80 && (nan & 0x7f) != 0) << std::hex << nan;
  }
}

TEST(Cast, Fp32ToInt8TiesAndSaturation) {
  struct Case {
    float x;
    int rint, round, trunc;
  };
  const Case cases[] = {{0.5f, 0, 1, 0},     {1.5f, 2, 2, 1},         {2.5f, 2, 3, 2},     {-2.5f, -2, -3, -2},
                        {-0.5f, 0, -1, 0},   {126.5f, 126, 127, 126}, {127.4f, 127, 127, 127},
                        {200.0f, 127, 127, 127}, {-127.6f, -127, -127, -127}, {-1e30f, -127, -127, -127},
                        {0.49999997f, 0, 0, 0}};
  for (const Case& c : cases) {
    EXPECT_EQ(fp32_to_int8(c.x, Rounding::rint), c.rint) << c.x;
    EXPECT_EQ(fp32_to_int8(c.x, Rounding::round), c.round) << c.x;
    EXPECT_EQ(fp32_to_int8(c.x, Rounding::trunc), c.trunc) << c.x;
  }
  EXPECT_EQ(fp32_to_int8(std::numeric_limits<float>::quiet_NaN(), Rounding::rint), 0);
}

TEST(Cast, RandomRowsMatchReferenceOnEveryPath) {
  const std::int64_t rows = 5, cols = 77;  // ragged: not a multiple of 8 or 16
  auto src_buf = make_buffer("src", tg::FP32, {rows, cols + 3});
  const View src = View(*src_buf).cols(1, cols);
  fill_uniform(View(*src_buf), -3, 3, 42);
  // Exact ties at every scale, so the modes differ somewhere in each row.
  for (std::int64_t r = 0; r < rows; ++r) src.at<float>({r, 0}) = 1.0f + std::ldexp(1.0f, -8) * (r + 1);
  for (CpuPath path : all_paths()) {
    ScopedCpuPath scoped(path);
    SCOPED_TRACE(std::string(name_of(path)));
    for (Rounding m : kModes) {
      auto bf = make_buffer("dst_bf16", tg::BF16, {rows, cols});
      auto i8 = make_buffer("dst_int8", tg::INT8, {rows, cols});
      cast(src, View(*bf), m);
      // int8 from values scaled into the interesting range [-150, 150] with ties included.
      auto scaled_buf = make_buffer("scaled", tg::FP32, {rows, cols});
      const View scaled(*scaled_buf);
      for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < cols; ++c)
          scaled.at<float>({r, c}) = (c % 7 == 0) ? static_cast<float>(c) - 40.5f : src.at<float>({r, c}) * 50.0f;
      cast(scaled, View(*i8), m);
      for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t c = 0; c < cols; ++c) {
          ASSERT_EQ(View(*bf).at<tg::bf16>({r, c}).bits, reference_bf16(src.at<float>({r, c}), m)) << r << "," << c;
          ASSERT_EQ(View(*i8).at<std::int8_t>({r, c}), reference_int8(scaled.at<float>({r, c}), m)) << r << "," << c;
        }
    }
  }
}

TEST(Cast, WideningAndIntegerAndFp16) {
  auto i32 = make_buffer("acc", tg::INT32, {2, 5});
  auto f32 = make_buffer("out", tg::FP32, {2, 5});
  auto f16 = make_buffer("half", tg::FP16, {2, 5});
  auto back = make_buffer("back", tg::FP32, {2, 5});
  const std::int32_t values[] = {0, -1, 16777217, -2147483647, 123456789};  // 2^24 + 1 rounds to even
  for (std::int64_t c = 0; c < 5; ++c) {
    View(*i32).at<std::int32_t>({0, c}) = values[c];
    View(*i32).at<std::int32_t>({1, c}) = -values[c];
  }
  for (CpuPath path : all_paths()) {
    ScopedCpuPath scoped(path);
    cast(View(*i32), View(*f32));
    for (std::int64_t c = 0; c < 5; ++c) {
      EXPECT_EQ(View(*f32).at<float>({0, c}), static_cast<float>(values[c]));
      EXPECT_EQ(View(*f32).at<float>({1, c}), static_cast<float>(-values[c]));
    }
    cast(View(*f32), View(*f16));
    cast(View(*f16), View(*back));
    for (std::int64_t c = 0; c < 5; ++c)
      EXPECT_EQ(View(*f16).at<tg::fp16>({0, c}).bits, tg::fp32_to_fp16_bits(View(*f32).at<float>({0, c})));
  }
  EXPECT_THROW(cast(View(*f32), View(*f16), Rounding::round), tg::ShapeError);  // fp16 only rint
  EXPECT_THROW(cast(View(*f32), View(*i32)), tg::ShapeError);                   // not offered
  EXPECT_THROW(cast(View(*f32), View(*f16).cols(0, 4)), tg::ShapeError);         // shape
}

}  // namespace
