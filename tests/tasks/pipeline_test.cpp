#include <gtest/gtest.h>

#include "tasks/scope.hpp"

namespace {

using namespace tg;

// Reachability by DFS over the graph's successors.
bool has_path(const Graph& g, TaskId from, TaskId to) {
  std::vector<bool> seen(g.num_tasks());
  std::vector<TaskId> stack{from};
  while (!stack.empty()) {
    TaskId t = stack.back();
    stack.pop_back();
    if (t == to) return true;
    for (auto s : g.successors(t))
      if (!seen[s]) {
        seen[s] = true;
        stack.push_back(s);
      }
  }
  return false;
}

struct PipelineGraph {
  Graph graph;
  std::vector<TaskId> loads, computes;
};

PipelineGraph build(int stages) {
  Scope s{"pipeline"};
  const int n = 6;
  auto a = s.input("a", {n, 64}, FP32);
  auto out = s.output("out", {n, 64}, FP32);
  auto ring = s.staging_ring("a_tile", stages, {1, 64}, FP32);
  PipelineGraph p;
  s.pipeline(n, stages, [&](const PipelineStep& step) {
    p.loads.push_back(s.vector("load", {In(a.rows(step.iter, 1)), Out(ring[step])}));
    p.computes.push_back(s.cube("compute", {In(ring[step]), Out(out.rows(step.iter, 1))}));
  });
  p.graph = s.finalize();
  p.graph.verify();
  return p;
}

TEST(Pipeline, TwoStagesLetLoadOfNextOverlapComputeOfCurrent) {
  auto p = build(2);
  for (std::size_t i = 0; i + 1 < p.loads.size(); ++i) {
    EXPECT_FALSE(has_path(p.graph, p.computes[i], p.loads[i + 1])) << i;
    EXPECT_FALSE(has_path(p.graph, p.loads[i + 1], p.computes[i])) << i;
  }
  // The WAR edge on the slot bounds the overlap: load i+2 waits for compute i.
  for (std::size_t i = 0; i + 2 < p.loads.size(); ++i) EXPECT_TRUE(has_path(p.graph, p.computes[i], p.loads[i + 2]));
}

TEST(Pipeline, OneStageSerializes) {
  auto p = build(1);
  for (std::size_t i = 0; i + 1 < p.loads.size(); ++i) EXPECT_TRUE(has_path(p.graph, p.computes[i], p.loads[i + 1])) << i;
}

}  // namespace
