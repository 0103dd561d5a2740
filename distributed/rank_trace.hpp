#pragma once
// Traces across ranks on MPI: rank 0 gathers every rank's RankTimeline (trace/ranks_trace.hpp
// writes them as one Perfetto trace or one HTML swimlane).
//
// Times are from each rank's own run start; the ranks start a run together (after the
// collective check), so on one host they line up to a few microseconds.
#include <vector>

#include "distributed/comm.hpp"
#include "tasks/graph.hpp"
#include "tasks/timeline.hpp"
#include "trace/ranks_trace.hpp"

namespace tg {

// Every rank of `comm` calls it after a run. On `root`: every rank's timeline, in rank
// order; elsewhere empty. Blocking: call it outside runs.
std::vector<RankTimeline> gather_timelines(const Comm& comm, const Graph& graph, const Timeline& timeline, int root = 0);

}  // namespace tg
