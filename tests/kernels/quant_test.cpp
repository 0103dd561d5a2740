// int8 quantization: exact equality with the spec's rule written as a plain loop (ties,
// +-127 saturation, all-zero rows), per row / group / channel, and dequant; every CPU path.
#include "kernels/quant.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "kernel_test_support.hpp"
#include "runtime/error.hpp"

namespace {

using namespace tg::kernels;
using namespace tg::kernels::testing;
using tg::View;

// The spec's rule, from its text: amax = max(|x|, eps); s = 127 / amax; q = clamp(
// round_half_even(fp32(x * s)), -127, 127); dequant = 1 / s.
struct RefQuant {
  std::vector<std::int8_t> q;
  float dequant;
};
RefQuant reference(const std::vector<float>& x, float eps) {
  float amax = 0;
  for (float v : x) amax = std::fmax(amax, std::fabs(v));
  amax = std::fmax(amax, eps);
  const float s = 127.0f / amax;
  RefQuant out;
  for (float v : x) {
    const float scaled = v * s;
    double r = std::nearbyint(static_cast<double>(scaled));  // default rounding: half to even
    r = std::fmin(127.0, std::fmax(-127.0, r));
    out.q.push_back(static_cast<std::int8_t>(r));
  }
  out.dequant = 1.0f / s;
  return out;
}

std::vector<float> row_values(const View& x, std::int64_t r, std::int64_t c0, std::int64_t n) {
  std::vector<float> v;
  for (std::int64_t c = c0; c < c0 + n; ++c) v.push_back(static_cast<float>(get(x, r, c)));
  return v;
}

TEST(QuantInt8, RowsExactOnTiesSaturationAndZeroRows) {
  const std::int64_t rows = 6, cols = 133;
  auto x_buf = make_buffer("qr_n", tg::FP32, {rows, cols});
  const View x(*x_buf);
  fill_uniform(x, -3, 3, 21);
  // Row 0: amax 127 -> s = 1, so every half-integer is an exact tie.
  for (std::int64_t c = 0; c < cols; ++c) x.at<float>({0, c}) = static_cast<float>(c % 9) - 4.5f;
  x.at<float>({0, 5}) = 127.0f;
  x.at<float>({0, 6}) = -127.0f;
  x.at<float>({0, 7}) = 126.5f;
  x.at<float>({0, 8}) = -126.5f;
  for (std::int64_t c = 0; c < cols; ++c) x.at<float>({1, c}) = 0.0f;          // all-zero row
  for (std::int64_t c = 0; c < cols; ++c) x.at<float>({2, c}) = 5e-5f * ((c % 3) - 1.0f);  // below eps
  for (CpuPath path : all_paths()) {
    ScopedCpuPath scoped(path);
    SCOPED_TRACE(std::string(name_of(path)));
    auto q_buf = make_buffer("qr", tg::INT8, {rows, cols});
    auto s_buf = make_buffer("qr_scale", tg::FP32, {rows, 1});
    quantize_int8_rows(x, View(*q_buf), View(*s_buf));
    for (std::int64_t r = 0; r < rows; ++r) {
      const RefQuant ref = reference(row_values(x, r, 0, cols), kInt8AmaxEps);
      EXPECT_EQ(View(*s_buf).at<float>({r, 0}), ref.dequant) << "row " << r;
      for (std::int64_t c = 0; c < cols; ++c)
        ASSERT_EQ(View(*q_buf).at<std::int8_t>({r, c}), ref.q[static_cast<std::size_t>(c)]) << r << "," << c;
    }
    // The hand-picked values: ties to even, +-127 kept, zero row is all zero codes.
    EXPECT_EQ(View(*q_buf).at<std::int8_t>({0, 0}), -4);   // -4.5
    EXPECT_EQ(View(*q_buf).at<std::int8_t>({0, 1}), -4);   // -3.5
    EXPECT_EQ(View(*q_buf).at<std::int8_t>({0, 3}), -2);   // -1.5
    EXPECT_EQ(View(*q_buf).at<std::int8_t>({0, 4}), 0);    // -0.5
    EXPECT_EQ(View(*q_buf).at<std::int8_t>({0, 5}), 127);
    EXPECT_EQ(View(*q_buf).at<std::int8_t>({0, 6}), -127);
    EXPECT_EQ(View(*q_buf).at<std::int8_t>({0, 7}), 126);
    EXPECT_EQ(View(*q_buf).at<std::int8_t>({0, 8}), -126);
    EXPECT_EQ(View(*s_buf).at<float>({1, 0}), 1.0f / (127.0f / kInt8AmaxEps));
  }
}

TEST(QuantInt8, GroupsAndColumnsMatchTheRule) {
  const std::int64_t rows = 3, groups = 4, group_cols = 48;
  auto x_buf = make_buffer("o_r", tg::BF16, {rows, groups * group_cols});
  fill_uniform(View(*x_buf), -0.5, 0.5, 22);
  auto w_buf = make_buffer("wq_b_bf16", tg::BF16, {70, 37});
  fill_uniform(View(*w_buf), -0.1, 0.1, 23);
  View(*w_buf).at<tg::bf16>({3, 0}) = tg::bf16(0.0f);
  for (std::int64_t k = 0; k < 70; ++k) View(*w_buf).at<tg::bf16>({k, 1}) = tg::bf16(0.0f);  // zero channel
  for (CpuPath path : all_paths()) {
    ScopedCpuPath scoped(path);
    SCOPED_TRACE(std::string(name_of(path)));
    auto q_buf = make_buffer("o_r_i8", tg::INT8, {rows, groups * group_cols});
    auto s_buf = make_buffer("o_r_scale_dq", tg::FP32, {rows, groups});
    quantize_int8_groups(View(*x_buf), group_cols, View(*q_buf), View(*s_buf));
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t g = 0; g < groups; ++g) {
        const RefQuant ref = reference(row_values(View(*x_buf), r, g * group_cols, group_cols), kInt8AmaxEps);
        EXPECT_EQ(View(*s_buf).at<float>({r, g}), ref.dequant);
        for (std::int64_t c = 0; c < group_cols; ++c)
          ASSERT_EQ(View(*q_buf).at<std::int8_t>({r, g * group_cols + c}), ref.q[static_cast<std::size_t>(c)]);
      }
    auto wq_buf = make_buffer("wq_b", tg::INT8, {70, 37});
    auto ws_buf = make_buffer("wq_b_scale", tg::FP32, {37});
    quantize_int8_columns(View(*w_buf), View(*wq_buf), View(*ws_buf));
    for (std::int64_t n = 0; n < 37; ++n) {
      std::vector<float> col;
      for (std::int64_t k = 0; k < 70; ++k) col.push_back(View(*w_buf).at<tg::bf16>({k, n}).to_float());
      const RefQuant ref = reference(col, kInt8AmaxEps);
      EXPECT_EQ(View(*ws_buf).at<float>({n}), ref.dequant);
      for (std::int64_t k = 0; k < 70; ++k)
        ASSERT_EQ(View(*wq_buf).at<std::int8_t>({k, n}), ref.q[static_cast<std::size_t>(k)]) << k << "," << n;
    }
  }
}

TEST(QuantInt8, DequantMultipliesLeftToRight) {
  auto acc = make_buffer("q_i32", tg::INT32, {2, 9});
  auto rs = make_buffer("qr_scale", tg::FP32, {2});
  auto cs = make_buffer("wq_b_scale", tg::FP32, {1, 9});
  fill_uniform(View(*acc), -50000, 50000, 24);
  fill_uniform(View(*rs).reshape({1, 2}), 1e-4, 1e-2, 25);
  fill_uniform(View(*cs), 1e-4, 1e-2, 26);
  for (CpuPath path : all_paths()) {
    ScopedCpuPath scoped(path);
    auto y = make_buffer("q_full", tg::BF16, {2, 9});
    dequantize_int32(View(*acc), View(*rs), View(*cs), View(*y));
    for (std::int64_t r = 0; r < 2; ++r)
      for (std::int64_t c = 0; c < 9; ++c) {
        const float v = static_cast<float>(View(*acc).at<std::int32_t>({r, c})) * View(*rs).at<float>({r}) *
                        View(*cs).at<float>({0, c});
        EXPECT_EQ(View(*y).at<tg::bf16>({r, c}).bits, tg::bf16(v).bits);
      }
  }
}

TEST(QuantInt8, BadArguments) {
  auto x = make_buffer("x", tg::FP32, {2, 10});
  auto q = make_buffer("q", tg::INT8, {2, 10});
  auto s = make_buffer("s", tg::FP32, {2, 3});
  EXPECT_THROW(quantize_int8_groups(View(*x), 3, View(*q), View(*s)), tg::ShapeError);   // 3 does not divide 10
  EXPECT_THROW(quantize_int8_rows(View(*x), View(*q), View(*s)), tg::ShapeError);        // scale shape
  EXPECT_THROW(quantize_int8_rows(View(*x), View(*q), View(*s).cols(0, 1), 0.0f), tg::ShapeError);  // eps
}

}  // namespace
