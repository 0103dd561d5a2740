#pragma once
// Staging memory of a simulated run, under both release policies at once:
//  - last use: a staging buffer is held from the first dispatch of a task using it until
//    the FIN of its last user (a runtime with a general allocator);
//  - scope exit: the orchestrator allocates it when it submits the buffer's first user, in
//    the ring of its scope's depth, and it is released only when every task of its scope
//    has finished and its last reader is done; a ring reclaims in FIFO order, so a released buffer behind a live one
//    still takes space (the simpler runtime's model).
// In ScopeExitRing mode the rings have capacities and the orchestrator waits for space;
// otherwise both are measured passively. Cost: O(args) per task event, O(depth) per finish.
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <vector>

#include "scheduler/sim_executor.hpp"
#include "tasks/graph.hpp"

namespace tg {

class StagingTracker {
 public:
  // Throws CapacityError when, in ScopeExitRing mode, one buffer alone exceeds its ring.
  StagingTracker(const Graph& graph, const SimOptions& options);

  // Whether the orchestrator can submit `task` now (its first-use buffers fit their rings).
  bool can_submit(TaskId task) const;
  void on_submit(TaskId task);
  void on_first_dispatch(TaskId task);
  // Returns true when ring space was reclaimed (a waiting orchestrator may retry).
  bool on_task_finished(TaskId task);

  // Why `task` cannot be submitted, for the deadlock error: the ring, its size, the buffer.
  std::string deadlock_message(TaskId task) const;

  std::uint64_t peak_last_use_bytes() const { return peak_live_; }
  std::uint64_t peak_scope_exit_bytes() const { return peak_ring_total_; }
  std::vector<RingUsage> ring_usage() const;
  std::size_t state_bytes() const;

 private:
  struct RingEntry {
    std::uint32_t buffer;
    std::uint64_t bytes;
  };
  struct Ring {
    std::uint64_t capacity = 0;  // 0 = unbounded
    std::uint64_t used = 0;      // head-to-tail span
    std::uint64_t peak = 0;
    std::deque<RingEntry> entries;
  };

  // Per task, a list of buffer ids, in one flat array (CSR): a vector per task would cost
  // 24 bytes a task even when empty. No offsets at all when no task has an entry.
  class PerTaskLists {
   public:
    void add(TaskId task, std::uint32_t id);  // tasks in ascending order
    void finish(std::size_t tasks);
    std::span<const std::uint32_t> of(TaskId task) const {
      if (begin_.empty()) return {};
      return {ids_.data() + begin_[task], ids_.data() + begin_[task + 1]};
    }
    std::size_t bytes() const { return begin_.capacity() * 4 + ids_.capacity() * 4; }

   private:
    std::vector<std::uint32_t> begin_;  // n + 1 offsets into ids_
    std::vector<std::uint32_t> ids_;
  };

  std::uint64_t bytes_of(std::uint32_t buffer) const;
  bool release_in_ring(std::uint32_t buffer);  // true when ring space was reclaimed

  const Graph& graph_;
  bool enforce_rings_;
  std::vector<int> scope_depth_;
  std::vector<std::uint32_t> scope_tasks_left_;          // tasks of the scope's subtree not finished
  std::vector<std::vector<std::uint32_t>> scope_buffers_;  // ring-allocated, per scope
  PerTaskLists first_use_;                                 // staging buffers a task uses first (by id)
  PerTaskLists staging_args_;                              // distinct staging buffers per task
  std::vector<std::uint32_t> users_left_;                  // per buffer
  std::vector<char> live_;                                 // per buffer, last-use accounting
  std::vector<char> in_ring_;                              // per buffer, allocated in a ring
  std::vector<char> released_;                             // per buffer, no longer held
  std::vector<char> scope_exited_;                         // per buffer, its scope exited
  std::vector<Ring> rings_;                                // per depth
  std::uint64_t live_bytes_ = 0, peak_live_ = 0;
  std::uint64_t ring_total_ = 0, peak_ring_total_ = 0;
};

}  // namespace tg
