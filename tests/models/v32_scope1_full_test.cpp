// DeepSeek V3.2 decode scope 1 at full dims (B = 16, HIDDEN 7168, 128 heads): every stage
// within tolerance of the golden, caches frozen outside the written rows; the host tiling
// bit-identical to the reference. Labelled `slow`.
#include <gtest/gtest.h>

#include <cstring>

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

TEST(V32Scope1FullTest, HostTilingIsBitIdenticalToTheReferenceAndMatchesGolden) {
  tg::models::ModelOptions options;
  options.config = "full";
  auto reference = tg::models::deepseek_v3_2::Scope1Run::make(options);
  options.mode = "host";
  auto host = tg::models::deepseek_v3_2::Scope1Run::make(options);
  for (auto* run : {reference.get(), host.get()}) {
    run->generate_inputs(2027);
    run->run(tg::HostExecutor{2});
  }
  EXPECT_GT(host->packing_ms(), 0.0);
  for (const auto& buffer : reference->graph().buffers()) {
    if (buffer->role() == tg::Role::Input || buffer->role() == tg::Role::Weight) continue;
    const auto& a = reference->tensor(buffer->name());
    EXPECT_EQ(0, std::memcmp(a.data(), host->tensor(buffer->name()).data(), a.bytes())) << buffer->name();
  }
  const auto report = host->check();
  EXPECT_TRUE(report.pass()) << "first diverging stage: " << report.first_diverging_stage().value_or("-");
}

}  // namespace
