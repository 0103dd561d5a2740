// RMSNorm against an fp64 loop on ragged shapes; the V3.2 operand-rounding option; chunked
// sums; inv_rms reuse; scale (the second pass); every CPU path, bit-identical.
#include "kernels/rmsnorm.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "kernel_test_support.hpp"
#include "kernels/scale.hpp"
#include "runtime/error.hpp"

namespace {

using namespace tg::kernels;
using namespace tg::kernels::testing;
using tg::View;

struct Case {
  std::int64_t rows, cols, chunk;
  tg::DType x, gamma, y;
  bool round_operand;
};

const Case kCases[] = {
    {4, 512, 512, tg::BF16, tg::FP32, tg::BF16, false},   // V3.2 input_rmsnorm (small config)
    {3, 7168, 512, tg::BF16, tg::FP32, tg::BF16, false},  // HIDDEN with RMSNORM_K chunks
    {4, 256, 0, tg::FP32, tg::FP32, tg::BF16, true},      // q_lora_rmsnorm: bf16 operand, fp32 ss
    {5, 77, 16, tg::FP32, tg::BF16, tg::FP32, false},     // ragged, bf16 gamma, fp32 out
    {2, 512, 0, tg::FP32, tg::DType::INT8, tg::FP32, false},  // INT8 here means "no gamma"
    {1, 3, 2, tg::BF16, tg::FP32, tg::FP32, false},
};

TEST(RmsNorm, MatchesFp64LoopOnEveryPath) {
  std::uint64_t seed = 1;
  for (const Case& k : kCases) {
    const bool has_gamma = k.gamma != tg::DType::INT8;
    auto x_buf = make_buffer("x", k.x, {k.rows, k.cols + 9});
    auto g_buf = make_buffer("gamma", has_gamma ? k.gamma : tg::FP32, {1, k.cols});
    const View x = View(*x_buf).cols(4, k.cols);
    fill_uniform(View(*x_buf), -1, 1, seed);
    fill_uniform(View(*g_buf), -1, 1, seed + 1);
    const View gamma = has_gamma ? View(*g_buf) : View();
    std::vector<std::uint8_t> first;
    for (CpuPath path : all_paths()) {
      SCOPED_TRACE(std::string(name_of(path)) + " cols=" + std::to_string(k.cols));
      ScopedCpuPath scoped(path);
      auto y_buf = make_buffer("y", k.y, {k.rows, k.cols});
      auto inv_buf = make_buffer("inv_rms", tg::FP32, {k.rows, 1});
      RmsNormOptions opt;
      opt.chunk_cols = k.chunk;
      opt.round_operand_to_bf16 = k.round_operand;
      rmsnorm(x, gamma, View(*y_buf), opt, View(*inv_buf));
      for (std::int64_t r = 0; r < k.rows; ++r) {
        double ss = 0;
        for (std::int64_t c = 0; c < k.cols; ++c) ss += get(x, r, c) * get(x, r, c);
        const double inv = 1.0 / std::sqrt(ss / k.cols + 1e-6);
        // inv_rms: fp32 sums in lane order and recip(sqrt): a few ulp.
        ASSERT_NEAR(View(*inv_buf).at<float>({r, 0}), inv, 1e-6 * inv);
        for (std::int64_t c = 0; c < k.cols; ++c) {
          double xv = get(x, r, c);
          if (k.round_operand) xv = tg::round_to_bf16(static_cast<float>(xv));
          const double ref = xv * inv * (has_gamma ? get(gamma, 0, c) : 1.0);
          const double got = get(View(*y_buf), r, c);
          // bf16 out: one bf16 rounding (2^-9 relative) plus fp32 error; fp32 out: a few ulp.
          const double tol = (k.y == tg::BF16 ? std::ldexp(1.0, -8) : 4e-6) * std::fabs(ref) + 1e-30;
          ASSERT_NEAR(got, ref, tol) << "at (" << r << ", " << c << ")";
        }
      }
      const auto result = bytes_of(View(*y_buf));
      if (first.empty()) first = result;
      else EXPECT_TRUE(first == result) << "differs bitwise from the scalar path";
    }
    seed += 2;
  }
}

TEST(RmsNorm, RoundOperandUsesUnroundedSumOfSquares) {
  // One row where rounding the operand changes ss noticeably if done before the sum.
  auto x_buf = make_buffer("qr_fp32", tg::FP32, {1, 4});
  const View x(*x_buf);
  const float vals[] = {1.00390625f + 1e-4f, -3.0001f, 0.5f, 2.9999f};
  for (int c = 0; c < 4; ++c) x.at<float>({0, c}) = vals[c];
  auto inv_buf = make_buffer("inv", tg::FP32, {1});
  auto y_buf = make_buffer("qr_out", tg::BF16, {1, 4});
  RmsNormOptions opt;
  opt.round_operand_to_bf16 = true;
  rmsnorm(x, View(), View(*y_buf), opt, View(*inv_buf));
  float ss = 0;  // the order the kernel documents: lanes 0..3 then the tree
  float lanes[4];
  for (int c = 0; c < 4; ++c) lanes[c] = vals[c] * vals[c];
  ss = ((lanes[0] + lanes[2]) + (lanes[1] + lanes[3]));
  const float inv = 1.0f / std::sqrt(ss / 4.0f + 1e-6f);
  EXPECT_EQ(View(*inv_buf).at<float>({0}), inv);
  for (int c = 0; c < 4; ++c)
    EXPECT_EQ(View(*y_buf).at<tg::bf16>({0, c}).bits, tg::bf16(tg::round_to_bf16(vals[c]) * inv).bits) << c;
}

TEST(RmsNorm, TwoPassMatchesFused) {
  auto x_buf = make_buffer("kv_a_out", tg::BF16, {6, 512});
  auto g_buf = make_buffer("kv_norm_weight", tg::BF16, {512});
  fill_uniform(View(*x_buf), -1, 1, 9);
  fill_uniform(View(*g_buf).reshape({1, 512}), -1, 1, 10);
  for (CpuPath path : all_paths()) {
    ScopedCpuPath scoped(path);
    for (InvSqrtMode mode : {InvSqrtMode::exact, InvSqrtMode::recip_sqrt, InvSqrtMode::rsqrt_approx}) {
      RmsNormOptions opt;
      opt.inv_sqrt = mode;
      opt.chunk_cols = 128;
      auto fused = make_buffer("fused", tg::BF16, {6, 512});
      auto inv_fused = make_buffer("inv_fused", tg::FP32, {6});
      rmsnorm(View(*x_buf), View(*g_buf), View(*fused), opt, View(*inv_fused));
      auto inv = make_buffer("inv", tg::FP32, {6, 1});
      auto two = make_buffer("two_pass", tg::BF16, {6, 512});
      rms_inv(View(*x_buf), View(*inv), opt);
      scale(View(*x_buf), View(*inv), View(*g_buf), View(*two));
      EXPECT_TRUE(bytes_of(View(*fused)) == bytes_of(View(*two))) << name_of(mode);
      for (std::int64_t r = 0; r < 6; ++r) {
        EXPECT_EQ(View(*inv).at<float>({r, 0}), View(*inv_fused).at<float>({r}));
        // The mode is honoured: same sum of squares, inverse sqrt as the mode computes it.
        float ss_over_n_plus_eps = 1.0f / (View(*inv).at<float>({r, 0}) * View(*inv).at<float>({r, 0}));
        EXPECT_NEAR(View(*inv).at<float>({r, 0}), inv_sqrt(ss_over_n_plus_eps, InvSqrtMode::exact),
                    2 * kRsqrtApproxMaxRelativeError);
      }
    }
  }
}

TEST(Scale, DequantOrderAndAccumulate) {
  auto acc = make_buffer("q_i32", tg::INT32, {3, 20});
  auto rs = make_buffer("qr_scale", tg::FP32, {3, 1});
  auto cs = make_buffer("wq_b_scale", tg::FP32, {20});
  auto y = make_buffer("q_full", tg::FP32, {3, 20});
  fill_uniform(View(*acc), -100000, 100000, 3);
  fill_uniform(View(*rs), 1e-3, 1e-2, 4);
  fill_uniform(View(*cs).reshape({1, 20}), 1e-3, 1e-2, 5);
  fill_uniform(View(*y), -1, 1, 6);
  for (CpuPath path : all_paths()) {
    ScopedCpuPath scoped(path);
    auto y2 = make_buffer("y2", tg::FP32, {3, 20});
    std::memcpy(y2->data(), y->data(), y->bytes());
    ScaleOptions opt;
    opt.accumulate = true;
    scale(View(*acc), View(*rs), View(*cs), View(*y2), opt);
    for (std::int64_t r = 0; r < 3; ++r)
      for (std::int64_t c = 0; c < 20; ++c) {
        const float expect = View(*y).at<float>({r, c}) + static_cast<float>(View(*acc).at<std::int32_t>({r, c})) *
                                                               View(*rs).at<float>({r, 0}) * View(*cs).at<float>({c});
        EXPECT_EQ(View(*y2).at<float>({r, c}), expect);
      }
  }
  EXPECT_THROW(scale(View(*acc), View(*cs), View(), View(*y)), tg::ShapeError);  // 20 values for 3 rows
}

TEST(RmsNorm, BadArgumentsNameTheViews) {
  auto x = make_buffer("hidden_states", tg::BF16, {4, 512});
  auto g = make_buffer("input_rms_weight", tg::FP32, {1, 256});
  auto y = make_buffer("normed_states", tg::BF16, {4, 512});
  try {
    rmsnorm(View(*x), View(*g), View(*y));
    FAIL();
  } catch (const tg::ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("input_rms_weight"), std::string::npos) << e.what();
  }
  auto yi = make_buffer("int_out", tg::INT8, {4, 512});
  EXPECT_THROW(rmsnorm(View(*x), View(), View(*yi)), tg::ShapeError);
  RmsNormOptions bad;
  bad.chunk_cols = -1;
  EXPECT_THROW(rmsnorm(View(*x), View(), View(*y), bad), tg::ShapeError);
}

}  // namespace
