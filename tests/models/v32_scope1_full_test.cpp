// DeepSeek V3.2 decode scope 1 at full dims (B = 16, HIDDEN 7168, 128 heads): every stage
// within tolerance of the golden, caches frozen outside the written rows. Labelled `slow`.
#include <gtest/gtest.h>

#include "models/deepseek_v3_2/scope1_run.hpp"
#include "scheduler/host_executor.hpp"

namespace {

TEST(V32Scope1FullTest, FullDimsMatchGolden) {
  tg::models::ModelOptions options;
  options.config = "full";
  auto run = tg::models::deepseek_v3_2::Scope1Run::make(options);
  ASSERT_EQ(run->config().hidden, 7168);
  ASSERT_EQ(run->config().num_heads, 128);
  ASSERT_EQ(run->config().batch, 16);
  run->generate_inputs(2026);
  run->validate_inputs();
  run->run(tg::HostExecutor{2});
  const auto report = run->check();
  EXPECT_TRUE(report.pass()) << "first diverging stage: " << report.first_diverging_stage().value_or("-");
  for (const auto& stage : report.stages)
    for (const auto& t : stage.local) {
      EXPECT_LE(t.untouched_changed, 0) << t.tensor;
      EXPECT_EQ(t.non_finite, 0) << t.tensor;
    }
}

}  // namespace
