// "bound by" and the chip-model report lines of the schedule analysis, on hand machines
// where one component clearly dominates; and the JSON form's stable keys.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../scheduler/sim_test_machine.hpp"
#include "scheduler/sim_executor.hpp"
#include "tasks/scope.hpp"
#include "trace/schedule_analysis.hpp"

namespace {

using namespace tg;
using tg::testing::hand_machine;
using tg::testing::ns_of_compute;

Graph independent(int n, CostHint cost) {
  Scope s{"independent"};
  auto x = s.input("x", {n, 64}, FP32);
  auto y = s.output("y", {n, 64}, FP32);
  for (int i = 0; i < n; ++i) s.vector("t", {In(x.rows(i, 1)), Out(y.rows(i, 1))}).cost(cost);
  return s.finalize();
}

ScheduleAnalysis analyse(const Graph& g, const Machine& m) {
  const auto r = SimExecutor{m}.simulate(g);
  return analyze_schedule(g, r.timeline, &m, &r.model);
}

TEST(ScheduleBound, ManySmallTasksAreOrchestrationBound) {
  auto m = hand_machine(8, 3);
  m.orchestrator_submit_ns = 5000;
  const auto a = analyse(independent(50, ns_of_compute(100)), m);
  EXPECT_EQ(a.bound_by, "orchestration");
  EXPECT_NE(a.advice.find("fewer, larger tasks"), std::string::npos);
  EXPECT_EQ(a.model->orchestrator_busy_ns, 50 * 5000);
  const std::string text = format_analysis(a);
  EXPECT_NE(text.find("orchestration: 250.000 us busy, last submission at 250.000 us"), std::string::npos) << text;
  EXPECT_NE(text.find("bound by: orchestration"), std::string::npos) << text;
}

TEST(ScheduleBound, ExpensiveDispatchIsSchedulerBound) {
  auto m = hand_machine(8, 1);
  m.dispatch_ns = 5000;
  m.completion_ns = 3000;
  const auto a = analyse(independent(50, ns_of_compute(100)), m);
  EXPECT_EQ(a.bound_by, "scheduler threads");
  EXPECT_NE(format_analysis(a).find("scheduler threads busy: sched 0 400.000 us"), std::string::npos) << format_analysis(a);
}

TEST(ScheduleBound, SharedHbmBoundsMemoryHeavyTasks) {
  auto m = hand_machine(8, 3);
  m.dispatch_ns = 0;
  m.hbm_bytes_per_s = 2e9;  // 2 bytes/ns for 24 cores of 1 byte/ns each
  const auto a = analyse(independent(48, CostHint{0, 100000, 0, false}), m);
  EXPECT_EQ(a.bound_by, "HBM bandwidth");
  EXPECT_GT(a.model->hbm_bound_ns[1], 0);
}

TEST(ScheduleBound, LongKernelsAreComputeBound) {
  auto m = hand_machine(2, 1);
  const auto a = analyse(independent(40, ns_of_compute(100000)), m);
  EXPECT_EQ(a.bound_by, "compute");
}

TEST(ScheduleBound, TheJsonHasStableKeys) {
  auto m = hand_machine(2, 1);
  m.completion_ns = 300;
  const auto a = analyse(independent(4, ns_of_compute(1000)), m);
  const auto j = nlohmann::json::parse(analysis_json(a));
  for (const char* key : {"source", "makespan_ns", "static_critical_path_ns", "observed_critical_path_ns", "gaps_ns",
                          "engines", "sched_overhead_all_pct", "bound_by", "advice", "model"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["makespan_ns"], a.makespan_ns);
  EXPECT_EQ(j["model"]["scheduler_busy_ns"].size(), 1u);
  EXPECT_EQ(j["model"]["scheduler_busy_ns"][0], a.model->scheduler_busy_ns[0]);
  EXPECT_TRUE(j["model"]["jitter_seed"].is_null());
  // Without a chip model: the same keys, model null.
  const auto plain = nlohmann::json::parse(analysis_json(analyze_schedule(independent(1, ns_of_compute(1)),
                                                                          SimExecutor{m}.simulate(independent(1, ns_of_compute(1))).timeline, &m)));
  EXPECT_TRUE(plain["model"].is_null());
  EXPECT_EQ(plain["bound_by"], "");
}

TEST(ScheduleBound, SeedSpreadIsMeanAndStandardDeviation) {
  const SeedSpread s = seed_spread({100, 200, 300});
  EXPECT_DOUBLE_EQ(s.mean_ns, 200);
  EXPECT_NEAR(s.stddev_ns, 81.6497, 1e-3);
  EXPECT_EQ(s.min_ns, 100);
  EXPECT_EQ(s.max_ns, 300);
}

}  // namespace
