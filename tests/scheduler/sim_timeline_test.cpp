// Hand-computed timelines on the hand machine (sim_test_machine.hpp): every block takes
// dispatch 100 + pickup 800 before it starts and FIN detection 500 after it ends.
#include <gtest/gtest.h>

#include "scheduler/sim_executor.hpp"
#include "sim_test_machine.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;
using tg::testing::hand_machine;
using tg::testing::ns_of_compute;

TimelineRow only_row(const Timeline& tl, TaskId t, int block = 0, int subslot = 0) {
  for (const auto& r : tl.rows())
    if (r.task == t && r.block == block && r.subslot == subslot) return r;
  ADD_FAILURE() << "no row for task " << t << " block " << block;
  static TimelineRow none;
  return none;
}

void expect_row(const TimelineRow& r, std::int64_t ready, std::int64_t dispatch, std::int64_t start, std::int64_t end,
                std::int64_t finish) {
  EXPECT_EQ(r.ready_ns, ready);
  EXPECT_EQ(r.dispatch_ns, dispatch);
  EXPECT_EQ(r.start_ns, start);
  EXPECT_EQ(r.end_ns, end);
  EXPECT_EQ(r.finish_ns, finish);
}

TEST(SimTimeline, ChainPaysEveryLatencyOnce) {
  Scope s{"chain"};
  auto x = s.input("x", {1, 64}, FP32);
  auto a = s.staging("a", {1, 64}, FP32);
  auto b = s.staging("b", {1, 64}, FP32);
  auto y = s.output("y", {1, 64}, FP32);
  s.vector("t0", {In(x), Out(a)}).cost(ns_of_compute(1000));
  s.vector("t1", {In(a), Out(b)}).cost(ns_of_compute(1000));
  s.vector("t2", {In(b), Out(y)}).cost(ns_of_compute(1000));
  auto g = s.finalize();
  const auto r = SimExecutor{hand_machine()}.simulate(g);
  // Per task: dispatch 100 + pickup 800 + compute 1000 + FIN 500 = 2400.
  expect_row(only_row(r.timeline, 0), 0, 0, 900, 1900, 2400);
  expect_row(only_row(r.timeline, 1), 2400, 2400, 3300, 4300, 4800);
  expect_row(only_row(r.timeline, 2), 4800, 4800, 5700, 6700, 7200);
  EXPECT_EQ(r.timeline.makespan_ns, 7200);
  EXPECT_EQ(r.timeline.source, "sim:hand:fifo");
}

TEST(SimTimeline, DiamondBranchesShareOneSchedulerThread) {
  Scope s{"diamond"};
  auto x = s.input("x", {1, 64}, FP32);
  auto a = s.staging("a", {1, 64}, FP32);
  auto b = s.staging("b", {1, 32}, FP32);
  auto c = s.staging("c", {1, 32}, FP32);
  auto y = s.output("y", {1, 64}, FP32);
  s.vector("top", {In(x), Out(a)}).cost(ns_of_compute(1000));
  s.vector("left", {In(a), Out(b)}).cost(ns_of_compute(1000));
  s.vector("right", {In(a), Out(c)}).cost(ns_of_compute(3000));
  s.vector("bottom", {In(b), In(c), Out(y)}).cost(ns_of_compute(1000));
  auto g = s.finalize();
  const auto r = SimExecutor{hand_machine()}.simulate(g);
  expect_row(only_row(r.timeline, 0), 0, 0, 900, 1900, 2400);
  // Both branches are ready at 2400; the one scheduler thread dispatches left, then right.
  expect_row(only_row(r.timeline, 1), 2400, 2400, 3300, 4300, 4800);
  expect_row(only_row(r.timeline, 2), 2400, 2500, 3400, 6400, 6900);
  expect_row(only_row(r.timeline, 3), 6900, 6900, 7800, 8800, 9300);
  EXPECT_EQ(r.timeline.makespan_ns, 9300);
  EXPECT_NE(only_row(r.timeline, 1).lane, only_row(r.timeline, 2).lane);
}

TEST(SimTimeline, SpmdBlocksGoOutInTwoWaves) {
  Scope s{"spmd"};
  auto x = s.input("x", {3, 64}, FP32);
  auto y = s.output("y", {3, 64}, FP32);
  s.vector("rows", {In(x), Out(y)}).blocks(3).cost(ns_of_compute(1000));
  auto g = s.finalize();
  // One group: two AIV cores for three blocks.
  const auto r = SimExecutor{hand_machine(1)}.simulate(g);
  ASSERT_EQ(r.timeline.rows().size(), 3u);
  expect_row(only_row(r.timeline, 0, 0), 0, 0, 900, 1900, 2400);
  expect_row(only_row(r.timeline, 0, 1), 0, 100, 1000, 2000, 2500);
  // The second wave waits for the first core's FIN, not its end.
  expect_row(only_row(r.timeline, 0, 2), 0, 2400, 3300, 4300, 4800);
  EXPECT_EQ(r.timeline.makespan_ns, 4800);
}

TEST(SimTimeline, SyncStartLaunchesAllBlocksTogether) {
  Scope s{"sync"};
  auto x = s.input("x", {2, 64}, FP32);
  auto y = s.output("y", {2, 64}, FP32);
  s.vector("rows", {In(x), Out(y)}).blocks(2).sync_start().cost(ns_of_compute(1000));
  auto g = s.finalize();
  const auto r = SimExecutor{hand_machine(1)}.simulate(g);
  // One launch writes both cores (2 x 100 ns), then both pick up together.
  expect_row(only_row(r.timeline, 0, 0), 0, 0, 1000, 2000, 2500);
  expect_row(only_row(r.timeline, 0, 1), 0, 0, 1000, 2000, 2500);
  ASSERT_EQ(r.timeline.scheduler_spans().size(), 1u);
  EXPECT_EQ(r.timeline.scheduler_spans()[0].end_ns, 200);
}

TEST(SimTimeline, MixTaskHoldsTheWholeGroupAndRetiresTogether) {
  Scope s{"mix"};
  auto x = s.input("x", {16, 64}, FP32);
  auto y = s.output("y", {16, 64}, FP32);
  auto z = s.output("z", {16, 64}, FP32);
  s.mix("fused", {In(x), Out(y)}).cost(ns_of_compute(1000));
  s.vector("other", {In(x), Out(z)}).cost(ns_of_compute(1000));
  auto g = s.finalize();
  const auto r = SimExecutor{hand_machine(1)}.simulate(g);
  ASSERT_EQ(r.timeline.rows().size(), 4u);  // 3 subslots + 1
  for (int sub = 0; sub < 3; ++sub) expect_row(only_row(r.timeline, 0, 0, sub), 0, 0, 900, 1900, 2400);
  EXPECT_EQ(only_row(r.timeline, 0, 0, 0).lane, 0);  // g0.AIC
  EXPECT_EQ(only_row(r.timeline, 0, 0, 2).lane, 2);  // g0.AIV1
  // The vector task is ready at 0 but the group is taken until the MIX task's FIN.
  expect_row(only_row(r.timeline, 1), 0, 2400, 3300, 4300, 4800);
  EXPECT_EQ(r.timeline.makespan_ns, 4800);
}

TEST(SimTimeline, MixWithOneSubslotHasOneRow) {
  Scope s{"mix1"};
  auto x = s.input("x", {16, 64}, FP32);
  auto y = s.output("y", {16, 64}, FP32);
  s.mix("aic_only", {In(x), Out(y)}).mix_slots(kSlotAic).blocks(2).cost(ns_of_compute(1000));
  auto g = s.finalize();
  const auto r = SimExecutor{hand_machine(2)}.simulate(g);
  EXPECT_EQ(r.timeline.rows().size(), 2u);
}

TEST(SimTimeline, CubeRowsArePaddedToBoxesOfSixteen) {
  Scope s{"pad"};
  auto x = s.input("x", {8, 64}, BF16);
  auto w = s.weight("w", {64, 64}, BF16);
  auto y = s.output("y", {8, 64}, FP32);
  s.cube("decode_matmul", {In(x), In(w), Out(y)}).cost(ns_of_compute(1000));
  auto g = s.finalize();
  const auto r = SimExecutor{hand_machine(1)}.simulate(g);
  // 8 rows count as 16: twice the cube time.
  EXPECT_EQ(only_row(r.timeline, 0).end_ns - only_row(r.timeline, 0).start_ns, 2000);
}

TEST(SimTimeline, GmTrafficBoundTaskTakesItsBytesTime) {
  Scope s{"bw"};
  auto x = s.input("x", {1, 64}, FP32);
  auto y = s.output("y", {1, 64}, FP32);
  s.vector("copy", {In(x), Out(y)}).cost(CostHint{100, 5000, 0, false});
  auto g = s.finalize();
  const auto r = SimExecutor{hand_machine(1)}.simulate(g);
  EXPECT_EQ(only_row(r.timeline, 0).end_ns - only_row(r.timeline, 0).start_ns, 5000);
}

TEST(SimTimeline, OrchestratorSubmitsOneTaskPerSubmitCost) {
  Scope s{"submit"};
  auto x = s.input("x", {4, 64}, FP32);
  auto y = s.output("y", {4, 64}, FP32);
  for (int i = 0; i < 4; ++i) s.vector("t", {In(x.rows(i, 1)), Out(y.rows(i, 1))}).cost(ns_of_compute(1000));
  auto g = s.finalize();
  auto m = hand_machine(2, 3);
  m.orchestrator_submit_ns = 50;
  const auto r = SimExecutor{m}.simulate(g);
  // A task is visible once its own submission is done (issue 17: the orchestrator's work
  // comes before the task exists for the schedulers), so task t at 50 (t + 1), not 50 t.
  for (TaskId t = 0; t < 4; ++t) {
    EXPECT_EQ(only_row(r.timeline, t).submit_ns, 50 * (t + 1));
    EXPECT_EQ(only_row(r.timeline, t).ready_ns, 50 * (t + 1));
  }
}

TEST(SimTimeline, HostTaskRunsOnAHostLaneWithoutDeviceLatencies) {
  Scope s{"host"};
  auto x = s.input("x", {1, 64}, FP32);
  auto a = s.staging("a", {1, 64}, FP32);
  auto y = s.output("y", {1, 64}, FP32);
  s.host("prepare", {In(x), Out(a)}).cost(ns_of_compute(1000));
  s.vector("use", {In(a), Out(y)}).cost(ns_of_compute(1000));
  auto g = s.finalize();
  const auto r = SimExecutor{hand_machine(1)}.simulate(g);
  expect_row(only_row(r.timeline, 0), 0, 0, 0, 1000, 1000);
  EXPECT_EQ(r.timeline.lanes.at(only_row(r.timeline, 0).lane).kind, LaneKind::Host);
  expect_row(only_row(r.timeline, 1), 1000, 1000, 1900, 2900, 3400);
}

TEST(SimTimeline, LanesAreNamedPerCoreSchedulerAndHost) {
  Scope s{"lanes"};
  auto g = s.finalize();
  const auto r = SimExecutor{hand_machine(2, 3)}.simulate(g);
  const auto& lanes = r.timeline.lanes;
  ASSERT_EQ(lanes.size(), 2u * 3 + 3 + 1);
  EXPECT_EQ(lanes[0].name, "g0.AIC");
  EXPECT_EQ(lanes[4].name, "g1.AIV0");
  EXPECT_EQ(lanes[4].group, 1);
  EXPECT_EQ(lanes[5].name, "g1.AIV1");
  EXPECT_EQ(lanes[6].name, "sched 0");
  EXPECT_EQ(lanes[6].kind, LaneKind::Scheduler);
  EXPECT_EQ(lanes[9].name, "host 0");
  EXPECT_EQ(r.timeline.makespan_ns, 0);
}

}  // namespace
