// The a2a3 preset reproduces the component figures measured on a2a3 silicon by the
// reference runtime's authors (hw-native-sys/simpler); each test names the measurement it
// reproduces with a micro-graph in the model. docs/machines.md says which figure each
// preset parameter came from.
#include <gtest/gtest.h>

#include <string>

#include "runtime/machine.hpp"
#include "scheduler/sim_executor.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;

// n independent tiny vector tasks of `args` tensor arguments each (one In, the rest Out).
Graph tiny_tasks(int n, int args) {
  Scope s{"tiny"};
  auto x = s.input("x", {n, 64}, FP32);
  std::vector<View> outs;
  for (int a = 1; a < args; ++a) outs.push_back(s.output("y" + std::to_string(a), {n, 64}, FP32));
  for (int i = 0; i < n; ++i) {
    std::vector<Arg> list{In(x.rows(i, 1))};
    for (const View& y : outs) list.push_back(Out(y.rows(i, 1)));
    s.vector("t", list).cost(CostHint{64, 512, 0, false});
  }
  return s.finalize();
}

// simpler, device_log_profiling.md (tensormap_and_ringbuffer runtime): 16,704 tasks
// submitted in 14,601.58 us, 0.874 us per task, 49.9% of it tensor-map lookup and
// dependency insertion. The preset's split assumes 4 tensor arguments per task.
TEST(SimA2a3Components, OrchestratorSubmitCostPerTask) {
  const Machine m = load_machine("a2a3");
  const int n = 1000;
  const auto r = SimExecutor{m}.simulate(tiny_tasks(n, 4));
  const double per_task_ns = static_cast<double>(r.model.orchestrator_busy_ns) / n;
  EXPECT_NEAR(per_task_ns, 874, 874 * 0.01);
  const double lookup_share = 4.0 * static_cast<double>(m.orchestrator_per_arg_ns) / per_task_ns;
  EXPECT_NEAR(lookup_share, 0.499, 0.01);
}

// simpler, device_log_profiling.md: one measured run of 352 tasks on one scheduler
// thread took 3,477 us (dispatch + completion of every task).
TEST(SimA2a3Components, TasksOnOneSchedulerThread) {
  Machine m = load_machine("a2a3");
  m.scheduler_threads = 1;
  const auto r = SimExecutor{m}.simulate(tiny_tasks(352, 2));
  ASSERT_EQ(r.model.scheduler_busy_ns.size(), 1u);
  EXPECT_NEAR(static_cast<double>(r.model.scheduler_busy_ns[0]) / 1000.0, 3477, 3477 * 0.005);
}

// simpler, batch_paged_attention example report (PR 235): with 3 scheduler threads the
// scheduler CPU time is 9.84 us per task.
TEST(SimA2a3Components, SchedulerCostPerTaskOverThreeThreads) {
  const Machine m = load_machine("a2a3");
  ASSERT_EQ(m.scheduler_threads, 3);
  const int n = 600;
  const auto r = SimExecutor{m}.simulate(tiny_tasks(n, 2));
  std::int64_t busy = 0;
  for (std::int64_t b : r.model.scheduler_busy_ns) busy += b;
  EXPECT_NEAR(static_cast<double>(busy) / n / 1000.0, 9.84, 9.84 * 0.01);
}

// simpler, docs/investigations/2026-06-aicore-cold-start-warmup.md: 4 chained MIX tasks of
// 24 blocks on 72 cores; head overhead (start - dispatch) of the first task avg 2.29 us,
// of the later tasks avg 0.23-0.39 us; publishing the 72 block handles takes ~360 ns (so
// an SPMD task's later blocks cost the scheduler ~5 ns each, not a whole dispatch).
TEST(SimA2a3Components, ColdAndWarmHeadOverhead) {
  const Machine m = load_machine("a2a3");
  Scope s{"mix chain"};
  std::vector<View> stage{s.input("x", {24, 64}, FP32)};
  for (int i = 1; i <= 4; ++i) stage.push_back(i < 4 ? s.staging("s" + std::to_string(i), {24, 64}, FP32) : s.output("y", {24, 64}, FP32));
  for (int i = 0; i < 4; ++i) s.mix("mix" + std::to_string(i), {In(stage[i]), Out(stage[i + 1])}).blocks(24).cost(CostHint{1e5, 4096, 0, false});
  const auto r = SimExecutor{m}.simulate(s.finalize());
  std::vector<double> head_sum(4, 0);
  std::vector<int> blocks(4, 0);
  for (const auto& row : r.timeline.rows()) {
    if (row.subslot != 0) continue;
    head_sum[row.task] += static_cast<double>(row.start_ns - (row.dispatch_ns + m.block_dispatch_ns(row.block == 0)));
    ++blocks[row.task];
  }
  ASSERT_EQ(blocks[0], 24);
  EXPECT_NEAR(head_sum[0] / blocks[0] / 1000.0, 2.29, 0.01);
  for (int t = 1; t < 4; ++t) {
    const double warm_us = head_sum[static_cast<std::size_t>(t)] / blocks[static_cast<std::size_t>(t)] / 1000.0;
    EXPECT_GE(warm_us, 0.23) << t;
    EXPECT_LE(warm_us, 0.39) << t;
  }
}

// simpler, docs/investigations/2026-06-cond-vs-gm-notification.md: an AICore completion is
// seen through the COND register after 600 ns on average; the scheduler thread then spends
// its completion cost (device_log_profiling.md, see TasksOnOneSchedulerThread).
TEST(SimA2a3Components, CompletionSignalThenCompletionWork) {
  const Machine m = load_machine("a2a3");
  const auto r = SimExecutor{m}.simulate(tiny_tasks(1, 2));
  const auto row = r.timeline.rows().front();
  EXPECT_EQ(row.finish_ns - row.end_ns, 600 + m.completion_ns);
}

}  // namespace
