// DeepSeek V4 SWA sparse attention: golden pass stage by stage at WIN = 128 (one tile) and
// WIN = 256 (two tiles: the online merge runs), the demo inputs' masking cases, the untiled
// fp32 golden's disagreement shown for information, and bad inputs as clear errors.
#include <gtest/gtest.h>

#include <iostream>

#include "models/deepseek_v4/demo_inputs.hpp"
#include "models/deepseek_v4/swa_run.hpp"
#include "runtime/error.hpp"
#include "scheduler/host_executor.hpp"

namespace {

// End to end, only the scope outputs are held to their rule: a legal one-ulp difference
// upstream moves fp32 staging tensors past their tight local rules (the spec's reason for
// judging each stage locally).
bool outputs_end_to_end_pass(const tg::models::PrecisionReport& report, const tg::Graph& graph) {
  for (const auto& stage : report.stages)
    for (const auto& t : stage.end_to_end) {
      const auto* buffer = graph.find_buffer(t.tensor);
      if (buffer && buffer->role() == tg::Role::Output && !t.pass()) return false;
    }
  return true;
}

using namespace tg::models::deepseek_v4;
using tg::models::ModelOptions;
using tg::models::PrecisionReport;
using tg::models::TensorStats;

ModelOptions small_options(const std::string& preset = "flash") {
  ModelOptions o;
  o.config = "small";
  o.preset = preset;
  return o;
}

std::unique_ptr<SwaAttentionRun> run_scope(const ModelOptions& options, std::int64_t window = 0, std::uint64_t seed = 4) {
  auto run = SwaAttentionRun::make(options, window);
  run->graph().verify();
  run->generate_inputs(seed);
  run->validate_inputs();
  run->run(tg::HostExecutor{2});
  return run;
}

const TensorStats& find(const std::vector<TensorStats>& list, const std::string& tensor) {
  for (const auto& t : list)
    if (t.tensor == tensor) return t;
  throw std::runtime_error("no check of " + tensor);
}

void expect_pass(const SwaAttentionRun& run) {
  const auto report = run.check();
  EXPECT_TRUE(report.pass()) << "first diverging stage " << report.first_diverging_stage().value_or("-");
  if (!report.pass() || !outputs_end_to_end_pass(report, run.graph())) report.print(std::cout);
  EXPECT_TRUE(outputs_end_to_end_pass(report, run.graph()));
  ASSERT_EQ(report.stages.size(), 4u);
  EXPECT_EQ(report.stages[0].stage, "swa_attention");
  EXPECT_EQ(report.stages[3].stage, "o_proj_b");
}

TEST(V4SwaAttention, OneTileWindowMatchesGoldenOnSeveralSeeds) {
  for (std::uint64_t seed : {4u, 5u, 11u}) {
    SCOPED_TRACE(seed);
    expect_pass(*run_scope(small_options(), 0, seed));
  }
}

TEST(V4SwaAttention, TwoTileWindowRunsTheOnlineMergeAndMatchesGolden) {
  auto run = run_scope(small_options(), 256);
  EXPECT_EQ(run->config().dims.window, 256);
  expect_pass(*run);
}

TEST(V4SwaAttention, ProPresetMatchesGolden) { expect_pass(*run_scope(small_options("pro"), 256)); }

// The demo inputs cover what a kernel must mask: a full window, short windows, holes, a
// token with no valid slot, and stale but in-range rows past swa_lens for odd tokens.
TEST(V4SwaAttention, DemoInputsCoverTheMaskingCases) {
  auto run = run_scope(small_options(), 256);
  const auto in = swa_inputs_view(run->tensors());
  const auto W = run->config().dims.window, T = run->config().tokens();
  EXPECT_EQ(in.swa_lens[0], W);
  int short_windows = 0, stale = 0, holes = 0;
  for (std::int64_t t = 0; t < T; ++t) {
    short_windows += in.swa_lens[t] <= 8;
    for (std::int64_t j = 0; j < W; ++j) {
      const auto r = in.swa_indices[t * W + j];
      if (j >= in.swa_lens[t] && r >= 0) ++stale;
      if (j < in.swa_lens[t] && r < 0) ++holes;
    }
  }
  EXPECT_GE(short_windows, 2);
  EXPECT_GT(stale, 0);
  EXPECT_GT(holes, 0);
  // Token 3 has a single slot, a hole: its o rows are 0.
  const auto& o = run->tensor("o");
  const auto row = run->config().dims.heads * run->config().dims.head_dim;
  for (std::int64_t i = 0; i < row; ++i) ASSERT_EQ(o.data_as<tg::bf16>()[3 * row + i].to_float(), 0.0f) << i;
}

// Seed 004's lesson: the untiled fp32 softmax is not what the kernel computes; against it the
// run differs (shown for information), against the tiled golden it is exact more often.
TEST(V4SwaAttention, UntiledFp32GoldenIsReportedForInformation) {
  const auto report = run_scope(small_options(), 256)->check();
  const auto& tiled = find(report.stages[0].local, "o");
  const auto& untiled = find(report.stages[0].end_to_end, "o vs untiled fp32 softmax");
  EXPECT_GT(untiled.max_abs_err, 0.0);
  EXPECT_GT(tiled.exact_ratio(), untiled.exact_ratio());
}

TEST(V4SwaAttention, BadInputsAreClearErrors) {
  auto run = SwaAttentionRun::make(small_options());
  run->generate_inputs(4);
  run->tensor("swa_indices").data_as<std::int32_t>()[5] = 1 << 30;
  EXPECT_THROW(run->validate_inputs(), tg::ConfigError);
  EXPECT_THROW(run->run(tg::HostExecutor{2}), tg::KernelError);
  EXPECT_THROW(SwaAttentionRun::make(small_options(), 200), tg::ConfigError);  // not a multiple of ATTN_K_TILE
  auto bad = small_options();
  bad.plant_bug = "rsqrt-q-head";
  EXPECT_THROW(SwaAttentionRun::make(bad), tg::ConfigError);
}

}  // namespace
