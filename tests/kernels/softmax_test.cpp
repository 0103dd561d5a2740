// Softmax pieces against fp64: exp accuracy, bf16-rounded scores with the sum from fp32
// exps, masking, and the online merge of two blocks equal to one pass; every CPU path.
#include "kernels/softmax.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kernel_test_support.hpp"
#include "runtime/error.hpp"

namespace {

using namespace tg::kernels;
using namespace tg::kernels::testing;
using tg::View;

TEST(Softmax, ExpWithinTwoUlpOverTheRange) {
  for (CpuPath path : all_paths()) {
    ScopedCpuPath scoped(path);
    const std::int64_t n = 20011;
    auto x_buf = make_buffer("x", tg::FP32, {1, n});
    auto p_buf = make_buffer("p", tg::FP32, {1, n});
    auto m_buf = make_buffer("m", tg::FP32, {1});
    for (std::int64_t i = 0; i < n; ++i)
      View(*x_buf).at<float>({0, i}) = -87.0f + 175.0f * static_cast<float>(i) / static_cast<float>(n - 1);
    View(*m_buf).at<float>({0}) = 0.0f;
    exp_rows(View(*x_buf), View(*m_buf), View(*p_buf));
    for (std::int64_t i = 0; i < n; ++i) {
      const double ref = std::exp(static_cast<double>(View(*x_buf).at<float>({0, i})));
      const double got = View(*p_buf).at<float>({0, i});
      ASSERT_LE(std::fabs(got - ref), 2.0 * std::ldexp(1.0, std::ilogb(ref) - 23)) << View(*x_buf).at<float>({0, i});
      ASSERT_EQ(bits_of(static_cast<float>(got)), bits_of(exp_fp32(View(*x_buf).at<float>({0, i}))));
    }
    EXPECT_EQ(exp_fp32(-100.0f), 0.0f);
    EXPECT_EQ(exp_fp32(100.0f), std::numeric_limits<float>::infinity());
    EXPECT_EQ(exp_fp32(0.0f), 1.0f);
  }
}

TEST(Softmax, BlockedWithBf16ScoresMatchesFp64) {
  const std::int64_t rows = 5, cols = 256, block = 128;  // two tiles: the merge runs
  auto s_buf = make_buffer("scores", tg::FP32, {rows, cols});
  fill_uniform(View(*s_buf), -6, 6, 31);
  const float masked = -1e20f;
  for (std::int64_t c = 200; c < cols; ++c) View(*s_buf).at<float>({1, c}) = masked;  // a ragged valid length
  for (std::int64_t c = 0; c < cols; ++c) View(*s_buf).at<float>({2, c}) = masked;   // no valid slot
  auto v_buf = make_buffer("v", tg::FP32, {cols, 3});
  fill_uniform(View(*v_buf), -1, 1, 32);
  std::vector<std::vector<std::uint8_t>> per_path;
  for (CpuPath path : all_paths()) {
    ScopedCpuPath scoped(path);
    SCOPED_TRACE(std::string(name_of(path)));
    auto m = make_buffer("m", tg::FP32, {rows, 1});
    auto l = make_buffer("l", tg::FP32, {rows, 1});
    auto o = make_buffer("o", tg::FP32, {rows, 3});
    for (std::int64_t r = 0; r < rows; ++r) View(*m).at<float>({r, 0}) = -std::numeric_limits<float>::infinity();
    for (std::int64_t b0 = 0; b0 < cols; b0 += block) {
      const View s = View(*s_buf).cols(b0, block);
      auto mi = make_buffer("m_i", tg::FP32, {rows, 1});
      auto li = make_buffer("l_i", tg::FP32, {rows, 1});
      auto p = make_buffer("p", tg::BF16, {rows, block});
      auto oi = make_buffer("o_i", tg::FP32, {rows, 3});
      row_max(s, View(*mi));
      exp_rows(s, View(*mi), View(*p), View(*li), {masked});
      for (std::int64_t r = 0; r < rows; ++r)  // o_i = bf16(p) @ v (plain loop; matmul is tested apart)
        for (std::int64_t d = 0; d < 3; ++d) {
          float acc = 0;
          for (std::int64_t c = 0; c < block; ++c)
            acc += View(*p).at<tg::bf16>({r, c}).to_float() * View(*v_buf).at<float>({b0 + c, d});
          View(*oi).at<float>({r, d}) = acc;
        }
      online_softmax_merge(View(*m), View(*l), View(*o), View(*mi), View(*li), View(*oi));
    }
    auto out = make_buffer("out", tg::FP32, {rows, 3});
    divide_rows(View(*o), View(*l), View(*out));
    for (std::int64_t r = 0; r < rows; ++r) {
      double mx = -1e300, sum = 0;
      for (std::int64_t c = 0; c < cols; ++c)
        if (View(*s_buf).at<float>({r, c}) > masked) mx = std::fmax(mx, View(*s_buf).at<float>({r, c}));
      for (std::int64_t d = 0; d < 3; ++d) {
        double num = 0;
        sum = 0;
        for (std::int64_t c = 0; c < cols; ++c) {
          const double sc = View(*s_buf).at<float>({r, c});
          if (sc <= masked) continue;
          const double e = std::exp(sc - mx);
          sum += e;
          num += e * View(*v_buf).at<float>({c, d});
        }
        const double ref = sum > 0 ? num / sum : 0.0;
        // bf16 scores: each weight off by <= 2^-9 relative, so the weighted mean by <= 2^-8 * max|v|.
        ASSERT_NEAR(View(*out).at<float>({r, d}), ref, std::ldexp(1.0, -8)) << r << "," << d;
      }
      if (r == 2) {
        EXPECT_EQ(View(*l).at<float>({r, 0}), 0.0f);  // empty row: l stays 0, output 0
      }
    }
    per_path.push_back(bytes_of(View(*out)));
  }
  for (const auto& p : per_path) EXPECT_TRUE(p == per_path.front()) << "paths differ bitwise";
}

TEST(Softmax, RowSumComesFromUnroundedExps) {
  auto x = make_buffer("x", tg::FP32, {1, 40});
  fill_uniform(View(*x), -3, 0, 33);
  auto m = make_buffer("m", tg::FP32, {1});
  View(*m).at<float>({0}) = 0.0f;
  auto p32 = make_buffer("p32", tg::FP32, {1, 40});
  auto p16 = make_buffer("p16", tg::BF16, {1, 40});
  auto l32 = make_buffer("l32", tg::FP32, {1});
  auto l16 = make_buffer("l16", tg::FP32, {1});
  exp_rows(View(*x), View(*m), View(*p32), View(*l32));
  exp_rows(View(*x), View(*m), View(*p16), View(*l16));
  EXPECT_EQ(View(*l32).at<float>({0}), View(*l16).at<float>({0}));
  auto l_again = make_buffer("l_again", tg::FP32, {1, 1});
  row_sum(View(*p32), View(*l_again));
  EXPECT_EQ(View(*l_again).at<float>({0, 0}), View(*l32).at<float>({0}));
  for (std::int64_t c = 0; c < 40; ++c)
    EXPECT_EQ(View(*p16).at<tg::bf16>({0, c}).bits, tg::bf16(View(*p32).at<float>({0, c})).bits);
  EXPECT_THROW(exp_rows(View(*x), View(*p32), View(*p16)), tg::ShapeError);  // m must be one per row
}

}  // namespace

namespace {
// Special values through exp_rows on every path, bit for bit against the scalar path: NaN,
// +-inf, the clamp limits and beyond, masked entries, and a row length with a vector tail.
TEST(Softmax, ExpSpecialValuesAreTheSameBitsOnEveryPath) {
  const float values[] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                          -std::numeric_limits<float>::infinity(), 88.7228394f, 88.75f, 89.0f, -87.3365479f,
                          -87.5f, -100.0f, 0.0f, -0.0f, -1e20f, -2e20f, 1e-30f, 0.5f, -0.5f, 42.0f, -42.0f, 3.0f};
  const std::int64_t n = 37;  // 4 vectors of 8 and a tail of 5
  std::vector<std::uint32_t> first;
  for (CpuPath path : all_paths()) {
    ScopedCpuPath scoped(path);
    auto x_buf = make_buffer("x", tg::FP32, {1, n});
    auto p_buf = make_buffer("p", tg::FP32, {1, n});
    auto m_buf = make_buffer("m", tg::FP32, {1});
    for (std::int64_t i = 0; i < n; ++i) View(*x_buf).at<float>({0, i}) = values[i % 19];
    View(*m_buf).at<float>({0}) = 1.0f;
    exp_rows(View(*x_buf), View(*m_buf), View(*p_buf), View{}, {-1e20f});
    std::vector<std::uint32_t> bits;
    for (std::int64_t i = 0; i < n; ++i) bits.push_back(bits_of(View(*p_buf).at<float>({0, i})));
    if (first.empty()) first = bits;
    else EXPECT_TRUE(bits == first) << name_of(path) << " differs bitwise from the scalar path";
  }
}
}  // namespace
