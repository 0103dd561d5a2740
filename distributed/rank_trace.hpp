#pragma once
// Traces across ranks. A rank's Timeline stays as the executor made it; the rank travels
// beside it in RankTimeline. Rank 0 gathers them and writes one Perfetto trace (a process
// per rank) or one HTML swimlane (a lane group per rank, lanes "rank 1 / thread 0").
//
// Times are from each rank's own run start; the ranks start a run together (after the
// collective check), so on one host they line up to a few microseconds.
#include <string>
#include <utility>
#include <vector>

#include "distributed/comm.hpp"
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

// What this rank contributes, without MPI.
RankTimeline rank_timeline(int rank, const Graph& graph, const Timeline& timeline);

// Every rank of `comm` calls it after a run. On `root`: every rank's timeline, in rank
// order; elsewhere empty. Blocking: call it outside runs.
std::vector<RankTimeline> gather_timelines(const Comm& comm, const Graph& graph, const Timeline& timeline, int root = 0);

// Chrome trace-event JSON: pid = rank + 1 named "rank R", a thread per lane, a slice per row.
std::string ranks_perfetto_string(const std::vector<RankTimeline>& ranks);
void write_ranks_perfetto(const std::vector<RankTimeline>& ranks, const std::string& path);

// The HTML swimlane (trace/html.hpp) of all ranks at once: one graph whose tasks are
// "rK:label" with each rank's edges, one timeline with each rank's lanes, grouped by rank.
void write_ranks_html(const std::vector<RankTimeline>& ranks, const std::string& path);

}  // namespace tg
