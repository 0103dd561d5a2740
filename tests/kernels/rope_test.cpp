// RoPE: both layouts, both directions, partial column ranges, against plain fp32 loops
// written from the specs (bit-exact: the kernel promises the same fp32 operations) and an fp64
// rotation check; every CPU path.
#include "kernels/rope.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>

#include "kernel_test_support.hpp"
#include "runtime/error.hpp"

namespace {

using namespace tg::kernels;
using namespace tg::kernels::testing;
using tg::View;

// A RoPE table as the specs lay it out: column j < R/2 holds f(pos * theta_j), the second
// half repeats the first. `perturb_hi` makes the halves differ so a kernel that reads the
// wrong half is caught.
void fill_table(const View& cos, const View& sin, bool perturb_hi) {
  const std::int64_t rows = cos.size(0), width = cos.size(1);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t j = 0; j < width; ++j) {
      const std::int64_t i = j % (width / 2);
      const double angle = static_cast<double>(37 * r + 5) * std::pow(10000.0, -2.0 * i / width);
      const double bump = (perturb_hi && j >= width / 2) ? 0.01 : 0.0;
      set(cos, r, j, std::cos(angle) + bump);
      set(sin, r, j, std::sin(angle) - bump);
    }
}

TEST(Rope, HalfSplitMatchesSpecLoopsBitExactly) {
  const std::int64_t rows = 5, head = 192, nope = 128, R = 64;
  for (tg::DType table_dtype : {tg::FP32, tg::BF16}) {
    auto x_buf = make_buffer("q_proj", tg::BF16, {rows, 2 * head});
    auto cos_buf = make_buffer("rope_cos", table_dtype, {rows, R});
    auto sin_buf = make_buffer("rope_sin", table_dtype, {rows, R});
    fill_uniform(View(*x_buf), -1, 1, 11);
    fill_table(View(*cos_buf), View(*sin_buf), true);
    for (CpuPath path : all_paths()) {
      ScopedCpuPath scoped(path);
      SCOPED_TRACE(std::string(name_of(path)));
      for (RopeDirection dir : {RopeDirection::forward, RopeDirection::inverse}) {
        auto y_buf = make_buffer("q_roped", tg::BF16, {rows, 2 * head});
        const View x = View(*x_buf).cols(head + nope, R), y = View(*y_buf).cols(head + nope, R);
        rope(x, View(*cos_buf), View(*sin_buf), y, {RopeLayout::half_split, dir});
        for (std::int64_t r = 0; r < rows; ++r)
          for (std::int64_t i = 0; i < R / 2; ++i) {
            const float lo = static_cast<float>(get(x, r, i)), hi = static_cast<float>(get(x, r, i + R / 2));
            const float cl = static_cast<float>(get(View(*cos_buf), r, i));
            const float ch = static_cast<float>(get(View(*cos_buf), r, i + R / 2));
            const float sl = static_cast<float>(get(View(*sin_buf), r, i));
            const float sh = static_cast<float>(get(View(*sin_buf), r, i + R / 2));
            float ylo, yhi;
            if (dir == RopeDirection::forward) {
              ylo = lo * cl - hi * sl;
              yhi = hi * ch + lo * sh;
            } else {
              ylo = lo * cl + hi * sl;
              yhi = hi * ch - lo * sh;
            }
            ASSERT_EQ(y.at<tg::bf16>({r, i}).bits, tg::bf16(ylo).bits) << r << "," << i;
            ASSERT_EQ(y.at<tg::bf16>({r, i + R / 2}).bits, tg::bf16(yhi).bits) << r << "," << i;
          }
        // Columns outside the range are untouched (still zero).
        EXPECT_EQ(View(*y_buf).at<tg::bf16>({0, head + nope - 1}).bits, 0);
      }
    }
  }
}

TEST(Rope, InterleavedReadsFirstHalfAndInverseUndoesForward) {
  const std::int64_t rows = 8, R = 64, D = 512;
  auto x_buf = make_buffer("q_full", tg::FP32, {rows, D});
  auto cos_buf = make_buffer("rope_cos", tg::BF16, {rows, R});
  auto sin_buf = make_buffer("rope_sin", tg::BF16, {rows, R});
  fill_uniform(View(*x_buf), -2, 2, 12);
  fill_table(View(*cos_buf), View(*sin_buf), true);  // the second half must be ignored
  for (CpuPath path : all_paths()) {
    ScopedCpuPath scoped(path);
    SCOPED_TRACE(std::string(name_of(path)));
    auto y_buf = make_buffer("q", tg::BF16, {rows, D});
    auto back_buf = make_buffer("back", tg::FP32, {rows, D});
    const View x = View(*x_buf).cols(D - R, R);
    rope(x, View(*cos_buf), View(*sin_buf), View(*y_buf).cols(D - R, R), {RopeLayout::interleaved});
    rope(x, View(*cos_buf), View(*sin_buf), View(*back_buf).cols(D - R, R), {RopeLayout::interleaved});
    rope(View(*back_buf).cols(D - R, R), View(*cos_buf), View(*sin_buf), View(*back_buf).cols(D - R, R),
         {RopeLayout::interleaved, RopeDirection::inverse});  // in place
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t j = 0; j < R / 2; ++j) {
        const float e = x.at<float>({r, 2 * j}), o = x.at<float>({r, 2 * j + 1});
        const float c = static_cast<float>(get(View(*cos_buf), r, j)), s = static_cast<float>(get(View(*sin_buf), r, j));
        ASSERT_EQ(View(*y_buf).at<tg::bf16>({r, D - R + 2 * j}).bits, tg::bf16(e * c - o * s).bits);
        ASSERT_EQ(View(*y_buf).at<tg::bf16>({r, D - R + 2 * j + 1}).bits, tg::bf16(e * s + o * c).bits);
        // Rotation then inverse rotation: identity up to fp32 rounding (c^2 + s^2 of bf16
        // values is 1 within ~2^-8, so compare against the fp64 composition).
        const double cc = c, ss = s, ed = e, od = o;
        const double re = (ed * cc - od * ss) * cc + (ed * ss + od * cc) * ss;
        const double ro = (ed * ss + od * cc) * cc - (ed * cc - od * ss) * ss;
        ASSERT_NEAR(View(*back_buf).at<float>({r, D - R + 2 * j}), re, 1e-5);
        ASSERT_NEAR(View(*back_buf).at<float>({r, D - R + 2 * j + 1}), ro, 1e-5);
      }
  }
}

TEST(Rope, InterleavedBothDirectionsMatchSpecLoopsBitExactly) {
  // R 64 (whole 4-pair vector steps) and R 14 (a tail of 3 pairs), fp32 out, so no rounding hides a difference.
  for (const std::int64_t R : {64, 14}) {
    const std::int64_t rows = 6;
    auto x_buf = make_buffer("o", tg::FP32, {rows, R});
    auto cos_buf = make_buffer("freqs_cos", tg::BF16, {rows, R});
    auto sin_buf = make_buffer("freqs_sin", tg::BF16, {rows, R});
    fill_uniform(View(*x_buf), -3, 3, 13);
    fill_table(View(*cos_buf), View(*sin_buf), false);
    const View x = View(*x_buf);
    for (CpuPath path : all_paths()) {
      ScopedCpuPath scoped(path);
      for (RopeDirection dir : {RopeDirection::forward, RopeDirection::inverse}) {
        SCOPED_TRACE(std::string(name_of(path)) + (dir == RopeDirection::forward ? " forward R " : " inverse R ") + std::to_string(R));
        auto y_buf = make_buffer("y", tg::FP32, {rows, R});
        rope(x, View(*cos_buf), View(*sin_buf), View(*y_buf), {RopeLayout::interleaved, dir});
        for (std::int64_t r = 0; r < rows; ++r)
          for (std::int64_t j = 0; j < R / 2; ++j) {
            const float e = x.at<float>({r, 2 * j}), o = x.at<float>({r, 2 * j + 1});
            const float c = static_cast<float>(get(View(*cos_buf), r, j)), s = static_cast<float>(get(View(*sin_buf), r, j));
            const float ye = dir == RopeDirection::forward ? e * c - o * s : e * c + o * s;
            const float yo = dir == RopeDirection::forward ? e * s + o * c : o * c - e * s;
            ASSERT_EQ(std::bit_cast<std::uint32_t>(View(*y_buf).at<float>({r, 2 * j})), std::bit_cast<std::uint32_t>(ye)) << r << "," << j;
            ASSERT_EQ(std::bit_cast<std::uint32_t>(View(*y_buf).at<float>({r, 2 * j + 1})), std::bit_cast<std::uint32_t>(yo)) << r << "," << j;
          }
      }
    }
  }
}

TEST(Rope, OneTableRowForAllRowsAndBadArguments) {
  auto x_buf = make_buffer("kv", tg::FP32, {3, 64});
  auto cos_buf = make_buffer("rope_cos", tg::FP32, {4096, 64});
  auto sin_buf = make_buffer("rope_sin", tg::FP32, {4096, 64});
  fill_uniform(View(*x_buf), -1, 1, 13);
  fill_table(View(*cos_buf).rows(0, 8), View(*sin_buf).rows(0, 8), false);
  auto y1 = make_buffer("y1", tg::FP32, {3, 64});
  rope(View(*x_buf), View(*cos_buf).rows(7, 1), View(*sin_buf).rows(7, 1), View(*y1), {});
  for (std::int64_t r = 0; r < 3; ++r) {
    auto yr = make_buffer("yr", tg::FP32, {1, 64});
    rope(View(*x_buf).rows(r, 1), View(*cos_buf).rows(7, 1), View(*sin_buf).rows(7, 1), View(*yr), {});
    for (std::int64_t c = 0; c < 64; ++c) EXPECT_EQ(View(*y1).at<float>({r, c}), View(*yr).at<float>({0, c}));
  }
  try {
    rope(View(*x_buf), View(*cos_buf).rows(0, 2), View(*sin_buf).rows(0, 2), View(*y1), {});
    FAIL();
  } catch (const tg::ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("rope_cos"), std::string::npos) << e.what();
  }
  EXPECT_THROW(rope(View(*x_buf).cols(0, 63), View(*cos_buf).rows(0, 3), View(*sin_buf).rows(0, 3),
                    View(*y1).cols(0, 63), {}),
               tg::ShapeError);  // odd width
  EXPECT_THROW(rope(View(*x_buf), View(*cos_buf).rows(0, 3).cols(0, 32), View(*sin_buf).rows(0, 3).cols(0, 32),
                    View(*y1), {RopeLayout::half_split}),
               tg::ShapeError);  // half_split needs all R table columns
}

}  // namespace
