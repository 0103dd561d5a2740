#pragma once
// Traces of several chips (ranks) at once: one Perfetto trace with a process per rank, one
// HTML swimlane with a lane group per rank ("rank 1 / g0.AIC"). A rank's Timeline stays as
// its executor made it; the rank travels beside it in RankTimeline. The distributed layer
// gathers them over MPI (distributed/rank_trace.hpp); the multi-chip simulator has them all
// in one process (scheduler/multichip_sim.hpp).
#include <string>
#include <utility>
#include <vector>

#include "tasks/graph.hpp"
#include "tasks/timeline.hpp"

namespace tg {

struct RankTimeline {
  int rank = 0;
  std::string graph_name;
  std::vector<std::string> task_labels;             // by TaskId
  std::vector<TaskKind> task_kinds;                 // by TaskId
  std::vector<int> task_blocks;                     // block_num by TaskId
  std::vector<std::pair<TaskId, TaskId>> edges;     // (from, to)
  Timeline timeline;
};

// What one rank contributes.
RankTimeline rank_timeline(int rank, const Graph& graph, const Timeline& timeline);

// Chrome trace-event JSON: pid = rank + 1 named "rank R", a thread per lane, a slice per row.
std::string ranks_perfetto_string(const std::vector<RankTimeline>& ranks);
void write_ranks_perfetto(const std::vector<RankTimeline>& ranks, const std::string& path);

// The HTML swimlane (trace/html.hpp) of all ranks at once: one graph whose tasks are
// "rK:label" with each rank's edges, one timeline with each rank's lanes, grouped by rank.
void write_ranks_html(const std::vector<RankTimeline>& ranks, const std::string& path);

}  // namespace tg
