// Schedule analysis on hand-computed timelines (sim_test_machine.hpp).
#include <gtest/gtest.h>

#include "trace/schedule_analysis.hpp"
#include "scheduler/sim_executor.hpp"
#include "../scheduler/sim_test_machine.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;
using tg::testing::hand_machine;
using tg::testing::ns_of_compute;

const EngineStats& engine(const ScheduleAnalysis& a, const std::string& name) {
  for (const auto& e : a.engines)
    if (e.engine == name) return e;
  throw std::runtime_error("no engine " + name);
}

TEST(SimAnalysis, ChainObservedPathEqualsStaticAndSplitsItsGaps) {
  Scope s{"chain"};
  auto x = s.input("x", {1, 64}, FP32);
  auto a = s.staging("a", {1, 64}, FP32);
  auto b = s.staging("b", {1, 64}, FP32);
  auto y = s.output("y", {1, 64}, FP32);
  s.vector("t0", {In(x), Out(a)}).cost(ns_of_compute(1000));
  s.vector("t1", {In(a), Out(b)}).cost(ns_of_compute(1000));
  s.vector("t2", {In(b), Out(y)}).cost(ns_of_compute(1000));
  auto g = s.finalize();
  const Machine m = hand_machine();
  const auto r = SimExecutor{m}.simulate(g);
  const auto an = analyze_schedule(g, r.timeline, &m);
  EXPECT_EQ(an.makespan_ns, 7200);
  // Ideal dispatch: 900 to start the chain, then 1000 + 500 per task.
  EXPECT_EQ(an.static_critical_path_ns, 900 + 3 * 1500);
  EXPECT_EQ(an.static_critical_path, (std::vector<TaskId>{0, 1, 2}));
  EXPECT_EQ(an.observed_critical_path, (std::vector<TaskId>{0, 1, 2}));
  EXPECT_EQ(an.observed_critical_path_ns, 7200);
  EXPECT_EQ(an.observed_gaps.compute_ns, 3000);
  EXPECT_EQ(an.observed_gaps.fin_detection_ns, 1500);
  EXPECT_EQ(an.observed_gaps.pickup_ns, 2700);
  EXPECT_EQ(an.observed_gaps.ready_undispatched_ns, 0);
  EXPECT_EQ(an.observed_gaps.other_ns, 0);
  // 3000 ns of work over 4 AIV cores x 7200 ns.
  EXPECT_DOUBLE_EQ(engine(an, "AIV").utilisation, 3000.0 / (4 * 7200.0));
  EXPECT_DOUBLE_EQ(engine(an, "AIV").sched_overhead_pct, 0.0);
  EXPECT_FALSE(format_analysis(an).empty());
}

TEST(SimAnalysis, SecondWaveWaitsReadyButUndispatched) {
  Scope s{"spmd"};
  auto x = s.input("x", {3, 64}, FP32);
  auto y = s.output("y", {3, 64}, FP32);
  s.vector("rows", {In(x), Out(y)}).blocks(3).cost(ns_of_compute(1000));
  auto g = s.finalize();
  const Machine m = hand_machine(1);
  const auto r = SimExecutor{m}.simulate(g);
  const auto an = analyze_schedule(g, r.timeline, &m);
  EXPECT_EQ(an.makespan_ns, 4800);
  EXPECT_EQ(an.static_critical_path_ns, 2400);  // infinite cores: one wave, 900 + 1000 + 500
  // The deciding block (2) was ready at 0 and dispatched at 2400.
  EXPECT_EQ(an.observed_gaps.ready_undispatched_ns, 2400);
  EXPECT_EQ(an.observed_gaps.pickup_ns, 900);
  // An AIV core idles while a block waits: [0, 1000) (before both start) and
  // [1900, 2400) (the first core's FIN not seen yet): 1500 of 4800 ns.
  EXPECT_DOUBLE_EQ(engine(an, "AIV").sched_overhead_pct, 100.0 * 1500 / 4800);
  EXPECT_DOUBLE_EQ(an.sched_overhead_has_pct, 100.0 * 1500 / 4800);
  EXPECT_DOUBLE_EQ(an.sched_overhead_all_pct, 100.0 * 1500 / 4800);  // the only engine with rows
}

TEST(SimAnalysis, ComparisonTableHasAColumnPerRun) {
  Scope s{"two"};
  auto x = s.input("x", {1, 64}, FP32);
  auto y = s.output("y", {1, 64}, FP32);
  s.vector("t", {In(x), Out(y)}).cost(ns_of_compute(1000));
  auto g = s.finalize();
  const Machine m = hand_machine();
  const auto r = SimExecutor{m}.simulate(g);
  const auto an = analyze_schedule(g, r.timeline, &m);
  const auto table = format_comparison({"first", "second"}, {an, an}, {{"peak staging", {"0 B", "0 B"}}});
  EXPECT_NE(table.find("first"), std::string::npos);
  EXPECT_NE(table.find("second"), std::string::npos);
  EXPECT_NE(table.find("makespan"), std::string::npos);
  EXPECT_NE(table.find("peak staging"), std::string::npos);
  EXPECT_NE(table.find("2.400 us"), std::string::npos) << table;
}

}  // namespace
