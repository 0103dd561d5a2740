// Pipelining on the modelled chip: with a two-stage staging ring the load of iteration
// i+1 runs while iteration i computes; with one stage it never does.
#include <gtest/gtest.h>

#include "scheduler/sim_executor.hpp"
#include "sim_test_machine.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;
using tg::testing::hand_machine;
using tg::testing::ns_of_compute;

struct Interval {
  std::int64_t start, end;
};

struct PipelineRun {
  std::vector<Interval> loads, computes;
};

PipelineRun simulate(int stages) {
  Scope s{"pipeline"};
  const int n = 6;
  auto a = s.input("a", {n, 64}, FP32);
  auto out = s.output("out", {n, 64}, FP32);
  auto ring = s.staging_ring("a_tile", stages, {16, 64}, FP32);
  std::vector<TaskId> loads, computes;
  s.pipeline(n, stages, [&](const PipelineStep& step) {
    loads.push_back(s.vector("load", {In(a.rows(step.iter, 1)), Out(ring[step])}).cost(ns_of_compute(2000)));
    computes.push_back(s.cube("compute", {In(ring[step]), Out(out.rows(step.iter, 1))}).cost(ns_of_compute(4000)));
  });
  auto g = s.finalize();
  const auto r = SimExecutor{hand_machine(1)}.simulate(g);
  PipelineRun p;
  auto interval = [&](TaskId t) {
    for (const auto& row : r.timeline.rows())
      if (row.task == t) return Interval{row.start_ns, row.end_ns};
    return Interval{0, 0};
  };
  for (TaskId t : loads) p.loads.push_back(interval(t));
  for (TaskId t : computes) p.computes.push_back(interval(t));
  return p;
}

bool overlap(const Interval& x, const Interval& y) { return x.start < y.end && y.start < x.end; }

TEST(SimPipeline, TwoStagesOverlapLoadOfNextWithComputeOfCurrent) {
  const auto p = simulate(2);
  // Load 1 has a free slot from the start and runs beside load 0, before compute 0.
  EXPECT_LT(p.loads[1].start, p.computes[0].end);
  // From then on load i+1 waits (WAR) for compute i-1 and runs while compute i does.
  for (std::size_t i = 1; i + 1 < p.loads.size(); ++i)
    EXPECT_TRUE(overlap(p.loads[i + 1], p.computes[i])) << "iteration " << i;
}

TEST(SimPipeline, OneStageNeverOverlaps) {
  const auto p = simulate(1);
  for (std::size_t i = 0; i < p.loads.size(); ++i)
    for (std::size_t j = 0; j < p.computes.size(); ++j) EXPECT_FALSE(overlap(p.loads[i], p.computes[j])) << i << "," << j;
}

}  // namespace
