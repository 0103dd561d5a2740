#include "tuning/fusion_gain.hpp"

#include <algorithm>

#include "tuning/fused_graph.hpp"

namespace tg::tuning {

std::int64_t rank_by_gain(const Graph& graph, const Machine& machine, std::vector<FusionCandidate>& candidates,
                          const SimOptions& options) {
  const std::int64_t makespan = SimExecutor(machine, options).simulate(graph).timeline.makespan_ns;
  for (auto& c : candidates) {
    const FusedGraph fused = fuse(graph, machine, c);
    c.makespan_ns = makespan;
    c.fused_makespan_ns = SimExecutor(machine, options).simulate(fused.graph).timeline.makespan_ns;
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const FusionCandidate& a, const FusionCandidate& b) {
    if (a.gain_ns() != b.gain_ns()) return a.gain_ns() > b.gain_ns();
    return a.label < b.label;
  });
  return makespan;
}

}  // namespace tg::tuning
