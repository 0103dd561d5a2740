#include "tuning/fusion_gain.hpp"

#include <algorithm>


namespace tg::tuning {
namespace {

std::int64_t sum(const std::vector<std::int64_t>& v) {
  std::int64_t s = 0;
  for (auto x : v) s += x;
  return s;
}

FusionSavings savings(const ChipModelStats& before, const ChipModelStats& after) {
  return {before.orchestrator_busy_ns - after.orchestrator_busy_ns,
          sum(before.scheduler_busy_ns) - sum(after.scheduler_busy_ns),
          before.head_overhead_ns - after.head_overhead_ns,
          before.switch_ns - after.switch_ns,
          before.completion_wait_ns - after.completion_wait_ns,
          (before.hbm_bytes + before.l2_hit_bytes) - (after.hbm_bytes + after.l2_hit_bytes)};
}

}  // namespace

std::int64_t rank_by_gain(const Graph& graph, const Machine& machine, std::vector<FusionCandidate>& candidates,
                          const SimOptions& options) {
  const SimResult base = SimExecutor(machine, options).simulate(graph);
  const std::int64_t makespan = base.timeline.makespan_ns;
  for (auto& c : candidates) {
    const SimResult fused = SimExecutor(machine, options).simulate(fuse(graph, machine, c).graph);
    c.makespan_ns = makespan;
    c.fused_makespan_ns = fused.timeline.makespan_ns;
    c.savings = savings(base.model, fused.model);
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const FusionCandidate& a, const FusionCandidate& b) {
    if (a.gain_ns() != b.gain_ns()) return a.gain_ns() > b.gain_ns();
    return a.label < b.label;
  });
  return makespan;
}

FusedGraph fuse_gainful(const Graph& graph, const Machine& machine, const std::vector<FusionCandidate>& ranked) {
  std::vector<FusionCandidate> gainful;
  for (const auto& c : ranked)
    if (c.gain_ns() > 0) gainful.push_back(c);
  return fuse(graph, machine, gainful);
}

}  // namespace tg::tuning
