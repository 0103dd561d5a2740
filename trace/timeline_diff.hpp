#pragma once
// Two timelines of the same graph side by side, task by task: when each task started, how
// long it ran (first block start to last block end), and where its wait went. A device
// capture against a simulation of the same scope says which tasks, kernels and resources
// the model gets wrong, and by how much the makespan is off.
//
// A task's wait is split the way the schedule analysis splits the critical path:
//   orchestration:  its producers were done (FIN seen) but it was not yet submitted
//   FIN:            its deciding producer's end -> that FIN seen
//   ready-undispatched: ready -> its first block dispatched
//   switch:         first dispatch -> first start (dispatch write, pickup, core switch)
#include <cstdint>
#include <string>
#include <vector>

#include "tasks/graph.hpp"
#include "tasks/timeline.hpp"

namespace tg {

struct TaskTimes {
  bool ran = false;  // the timeline has rows for it
  std::int64_t start_ns = 0, end_ns = 0, duration_ns = 0;
  std::int64_t orchestration_ns = 0, fin_ns = 0, ready_undispatched_ns = 0, switch_ns = 0;
};

struct TaskDiff {
  TaskId task = 0;
  std::string label;     // "q_head_proj#12"
  std::string kernel;    // descriptor name, or the task name when it has none
  std::string resource;  // "AIC", "AIV", "MIX", "host"
  TaskTimes measured, simulated;
  std::int64_t start_error_ns() const { return simulated.start_ns - measured.start_ns; }
  std::int64_t duration_error_ns() const { return simulated.duration_ns - measured.duration_ns; }
};

// Sums over the tasks of one kernel or one resource.
struct GroupDiff {
  std::string name;
  int tasks = 0;
  std::int64_t measured_ns = 0, simulated_ns = 0;  // sum of durations
  std::int64_t abs_error_ns = 0;                   // sum of |duration error|
};

struct GapTotals {
  std::int64_t orchestration_ns = 0, fin_ns = 0, ready_undispatched_ns = 0, switch_ns = 0;
};

struct TimelineDiff {
  std::string measured_source, simulated_source;
  std::int64_t measured_makespan_ns = 0, simulated_makespan_ns = 0;
  std::vector<TaskDiff> tasks;         // every task both timelines ran, in task order
  int tasks_missing = 0;               // tasks one of the two has no rows for
  std::vector<GroupDiff> kernels;      // largest abs_error first
  std::vector<GroupDiff> resources;    // largest abs_error first
  GapTotals measured_gaps, simulated_gaps;
  std::int64_t makespan_error_ns() const { return simulated_makespan_ns - measured_makespan_ns; }
  double makespan_error_pct() const;   // of the measured makespan; 0 when that is 0
  // Tasks with a start or duration error, largest |start error| + |duration error| first.
  std::vector<const TaskDiff*> largest_errors(std::size_t n) const;
};

// The per-task times of one timeline. Cost: O(rows + V + E).
std::vector<TaskTimes> task_times(const Graph& graph, const Timeline& timeline);

// `simulated` may come with its own graph (a capture reads its own): the two must have the
// same tasks in the same order (same count, names and kinds), else ConfigError naming the
// first task that differs. Cost: O(rows + V + E + K log K) for K kernels.
TimelineDiff diff_timelines(const Graph& measured_graph, const Timeline& measured, const Graph& simulated_graph,
                            const Timeline& simulated);

// A text report: the makespan error, the `top` tasks with the largest error, kernels,
// resources and the gap totals.
std::string format_diff(const TimelineDiff& diff, std::size_t top = 10);
// The same as JSON (every field above; "tasks" holds the `top` largest errors).
std::string diff_to_json(const TimelineDiff& diff, std::size_t top = 10);

}  // namespace tg
