#pragma once
// The gain of each fusion candidate: the graph and the graph with that one fusion applied
// are simulated on the machine with the same options, and the gain is the difference of the
// two makespans. Whatever the fusion saves on the modelled chip (a dispatch, a core pickup
// and switch, a completion, the orchestrator's submit, the intermediate's GM round trip)
// falls out of the simulator; nothing is estimated here.
// Cost: one simulation per candidate plus one.
#include <vector>

#include "scheduler/sim_executor.hpp"
#include "tuning/fused_graph.hpp"

namespace tg::tuning {

// Fills each candidate's makespan_ns, fused_makespan_ns and savings and sorts them best first (the
// largest gain; ties by label). Returns the unfused makespan.
std::int64_t rank_by_gain(const Graph& graph, const Machine& machine, std::vector<FusionCandidate>& candidates,
                          const SimOptions& options = {});

// The candidates with a positive gain applied best first (tuning/fused_graph.hpp's fuse: one
// that shares a task with an applied one is skipped). Gains do not add up: simulate the
// result for the combined one.
FusedGraph fuse_gainful(const Graph& graph, const Machine& machine, const std::vector<FusionCandidate>& ranked);

}  // namespace tg::tuning
