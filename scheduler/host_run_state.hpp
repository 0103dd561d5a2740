#pragma once
// HostRunState: the counters of one host run, kept by the executor and re-armed for every
// run, so that a run of a graph no bigger than the last allocates nothing per task. Arming
// reads the Graph's CSR and each Task's block_num: O(tasks + edges into wide fan-ins).
//
// A task's counters share one 16-byte record (preds_left, blocks_left, running, and a copy
// of its block_num), so releasing and running it touches one cache line of run state, and
// of its Task only the kernel's line. Arming reads each Task's block_num in one pass, which
// streams, where the run's reads are each a cache miss paid after the last.
//
// Release rule per task: `preds_left` counts the predecessors not yet retired. A predecessor
// that reads 1 there is the last one and needs no atomic write (chains, trees and fan-outs
// never write the counter); a fan-in wider than kWideFanIn counts down a CountdownTree
// instead, so its predecessors do not all hit one line.
#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdint>
#include <span>
#include <vector>

#include "scheduler/countdown_tree.hpp"
#include "scheduler/reusable_array.hpp"
#include "tasks/graph.hpp"

namespace tg {

class HostRunState {
 public:
  static constexpr std::size_t kWideFanIn = 128;

  void arm(const Graph& graph) {
    graph_ = &graph;
    const std::size_t n = graph.num_tasks();
    counters_ = counters_store_.first(n);
    roots_.clear();
    wide_tasks_.clear();
    wide_trees_.clear();
    std::size_t wide_nodes = 0;
    for (TaskId t = 0; t < n; ++t) {
      const std::span<const TaskId> preds = graph.predecessors(t);
      int left = static_cast<int>(preds.size());
      // The tree finds a predecessor's position by binary search, so it needs them sorted.
      if (preds.size() > kWideFanIn && std::is_sorted(preds.begin(), preds.end())) {
        left = kWide;
        wide_tasks_.push_back(t);
        wide_nodes += CountdownTree::nodes_for(preds.size());
      }
      counters_[t].preds_left.store(left, std::memory_order_relaxed);
      counters_[t].running.store(0, std::memory_order_relaxed);
      counters_[t].blocks = graph.tasks()[t].block_num;
      if (preds.empty()) roots_.push_back(t);
    }
    const std::span<CountdownNode> nodes = wide_nodes_store_.first(wide_nodes);
    std::size_t base = 0;
    for (TaskId t : wide_tasks_) {
      const std::span<const TaskId> preds = graph.predecessors(t);
      const std::size_t count = preds.size(), used = CountdownTree::nodes_for(count);
      const bool contiguous = preds.back() - preds.front() + 1 == count;  // sorted, no duplicates
      wide_trees_.push_back(WideFanIn{CountdownTree(nodes.subspan(base, used), count), preds.front(), contiguous});
      base += used;
    }
  }

  // Whether `task` is ready now that its predecessor `from` retired (each edge once).
  bool ready_after(TaskId task, TaskId from) {
    std::atomic<int>& left = counters_[task].preds_left;
    const int seen = left.load(std::memory_order_acquire);
    if (seen == 1) return true;  // `from` is the one predecessor not retired yet
    if (seen == kWide) return arrive_wide(task, from);
    return left.fetch_sub(1, std::memory_order_acq_rel) == 1;
  }

  // Asks the cache for t's counters before they are needed (a hint, never an access).
  void prefetch(TaskId t) const { __builtin_prefetch(&counters_[t], 1); }

  const std::vector<TaskId>& roots() const { return roots_; }
  int blocks(TaskId t) const { return counters_[t].blocks; }
  // Blocks of a task not yet retired; set when the task is released (SPMD tasks only).
  std::atomic<int>& blocks_left(TaskId t) { return counters_[t].blocks_left; }
  // Blocks of a task whose kernel runs now, to name them when the run stops. A task of one
  // block sets and clears it with plain stores; only SPMD blocks count it atomically.
  std::atomic<int>& blocks_running(TaskId t) { return counters_[t].running; }

 private:
  static constexpr int kWide = INT_MIN;

  struct alignas(16) Counters {
    std::atomic<int> preds_left{0};
    std::atomic<int> blocks_left{0};
    std::atomic<int> running{0};
    int blocks = 1;  // Task::block_num
  };

  // A predecessor's position among the task's: its distance from the first when they are
  // consecutive ids (a parallel loop's join), else a binary search, O(log preds).
  bool arrive_wide(TaskId task, TaskId from) {
    const auto it = std::lower_bound(wide_tasks_.begin(), wide_tasks_.end(), task);
    WideFanIn& wide = wide_trees_[static_cast<std::size_t>(it - wide_tasks_.begin())];
    if (wide.contiguous) return wide.tree.arrive(from - wide.first);
    const std::span<const TaskId> preds = graph_->predecessors(task);
    const auto position = static_cast<std::size_t>(std::lower_bound(preds.begin(), preds.end(), from) - preds.begin());
    return wide.tree.arrive(position);
  }

  struct WideFanIn {
    CountdownTree tree;
    TaskId first;     // the lowest predecessor
    bool contiguous;  // the predecessors are first, first + 1, ...
  };

  const Graph* graph_ = nullptr;
  ReusableArray<Counters> counters_store_;
  std::span<Counters> counters_;
  std::vector<TaskId> roots_;
  std::vector<TaskId> wide_tasks_;  // ascending
  std::vector<WideFanIn> wide_trees_;  // per wide_tasks_ entry
  ReusableArray<CountdownNode> wide_nodes_store_;
};

}  // namespace tg
