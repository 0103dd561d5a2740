// The precision report: statistics per tensor, the cache rule, and the first diverging stage.
#include "models/common/precision.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "models/common/inputs.hpp"

namespace {

using tg::models::compare;
using tg::models::Tolerance;

TEST(PrecisionTest, CountsMismatchesExactMatchesAndErrors) {
  const std::vector<float> expected = {1.0f, 2.0f, -4.0f, 0.0f};
  // One ulp of bf16 at 2.0 is 2^-6: within |ref|/128; 0.1 off -4 is not.
  const std::vector<float> actual = {1.0f, 2.0f + 0.015625f, -4.1f, 0.0f};
  const auto s = compare("t", tg::BF16, actual, expected, Tolerance::bf16());
  EXPECT_EQ(s.compared, 4);
  EXPECT_EQ(s.exact, 2);
  EXPECT_EQ(s.mismatches, 1);
  EXPECT_NEAR(s.max_abs_err, 0.1, 1e-6);
  EXPECT_NEAR(s.max_rel_err, 0.1 / 4, 1e-6);
  EXPECT_FALSE(s.allclose);  // 0.1 > 4e-3 + 4e-3 * 4
  EXPECT_DOUBLE_EQ(s.mismatch_ratio(), 0.25);
  EXPECT_FALSE(s.pass());
}

TEST(PrecisionTest, RatioBelowHalfAPercentPasses) {
  std::vector<float> expected(1000, 1.0f), actual(1000, 1.0f);
  for (int i = 0; i < 5; ++i) actual[static_cast<std::size_t>(i)] = 1.5f;  // 0.5%: allowed
  EXPECT_TRUE(compare("t", tg::BF16, actual, expected, Tolerance::bf16()).pass());
  actual[5] = 1.5f;  // 0.6%
  EXPECT_FALSE(compare("t", tg::BF16, actual, expected, Tolerance::bf16()).pass());
}

TEST(PrecisionTest, NanFailsWhateverTheRatio) {
  std::vector<float> expected(1000, 1.0f), actual(1000, 1.0f);
  actual[3] = std::numeric_limits<float>::quiet_NaN();
  const auto s = compare("t", tg::FP32, actual, expected, Tolerance::fp32());
  EXPECT_EQ(s.non_finite, 1);
  EXPECT_FALSE(s.pass());
}

TEST(PrecisionTest, Fp32RuleCatchesABf16Rounding) {
  const std::vector<float> expected = {1.99f};
  const std::vector<float> rounded = {tg::round_to_bf16(1.99f)};
  EXPECT_TRUE(compare("t", tg::BF16, rounded, expected, Tolerance::bf16()).pass());
  EXPECT_FALSE(compare("t", tg::FP32, rounded, expected, Tolerance::fp32()).pass());
}

TEST(PrecisionTest, CacheRuleJudgesWrittenRowsAndFreezesTheRest) {
  // 3 rows of 2; row 1 is written.
  const std::vector<float> before = {1, 2, 3, 4, 5, 6};
  const std::vector<float> expected = {1, 2, 30, 40, 5, 6};
  std::vector<float> actual = expected;
  auto s = tg::models::compare_cache("c", tg::BF16, actual, expected, before, 2, std::vector<std::int64_t>{1}, Tolerance::bf16());
  EXPECT_EQ(s.compared, 2);
  EXPECT_EQ(s.untouched_changed, 0);
  EXPECT_TRUE(s.pass());
  actual[5] = 6.0001f;  // a stray write to an untouched row, however small, fails
  s = tg::models::compare_cache("c", tg::BF16, actual, expected, before, 2, std::vector<std::int64_t>{1}, Tolerance::bf16());
  EXPECT_EQ(s.untouched_changed, 1);
  EXPECT_FALSE(s.pass());
}

TEST(PrecisionTest, FirstDivergingStageIsTheEarliestLocalFailure) {
  const std::vector<float> ref = {1, 2}, bad = {1, 3};
  auto ok = compare("a", tg::BF16, ref, ref, Tolerance::bf16());
  auto fail = compare("b", tg::BF16, bad, ref, Tolerance::bf16());
  tg::models::PrecisionReport report;
  // Stage one fails only end to end (upstream drift): not a divergence.
  report.stages.push_back({"one", {ok}, {fail}});
  report.stages.push_back({"two", {fail}, {fail}});
  report.stages.push_back({"three", {fail}, {ok}});
  EXPECT_EQ(report.first_diverging_stage(), "two");
  EXPECT_FALSE(report.pass());
  std::ostringstream text;
  report.print(text);
  EXPECT_NE(text.str().find("first diverging stage: two"), std::string::npos) << text.str();
}

TEST(InputsTest, StreamsAreDeterministicPerTensorNameAndInRange) {
  tg::Tensor a("x", tg::BF16, {64}), b("x", tg::BF16, {64}), c("y", tg::BF16, {64});
  tg::models::fill_uniform(a, -0.1, 0.1, 7);
  tg::models::fill_uniform(b, -0.1, 0.1, 7);
  tg::models::fill_uniform(c, -0.1, 0.1, 7);
  const auto va = tg::models::to_floats(a), vb = tg::models::to_floats(b), vc = tg::models::to_floats(c);
  EXPECT_EQ(va, vb);
  EXPECT_NE(va, vc);
  for (float v : va) {
    EXPECT_GE(v, -0.1f);
    EXPECT_LE(v, 0.1f);
    EXPECT_EQ(v, tg::round_to_bf16(v));
  }
  tg::Tensor lens("seq_lens", tg::INT32, {1000});
  tg::models::fill_uniform(lens, 1, 64, 3);
  bool saw_low = false, saw_high = false;
  for (auto v : tg::models::to_ints(lens)) {
    EXPECT_GE(v, 1);
    EXPECT_LE(v, 64);
    saw_low |= v == 1;
    saw_high |= v == 64;
  }
  EXPECT_TRUE(saw_low && saw_high) << "both ends of [1, 64] are drawn";
}

}  // namespace
