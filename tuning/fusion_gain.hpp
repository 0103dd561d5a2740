#pragma once
// The gain of each fusion candidate: the graph and the graph with that one fusion applied
// are simulated on the machine with the same options, and the gain is the difference of the
// two makespans. Whatever the fusion saves on the modelled chip (a dispatch, a core pickup
// and switch, a completion, the orchestrator's submit, the intermediate's GM round trip)
// falls out of the simulator; nothing is estimated here.
// Cost: one simulation per candidate plus one.
#include <vector>

#include "scheduler/sim_executor.hpp"
#include "tuning/fusion_candidates.hpp"

namespace tg::tuning {

// Fills each candidate's makespan_ns and fused_makespan_ns and sorts them best first (the
// largest gain; ties by label). Returns the unfused makespan.
std::int64_t rank_by_gain(const Graph& graph, const Machine& machine, std::vector<FusionCandidate>& candidates,
                          const SimOptions& options = {});

}  // namespace tg::tuning
