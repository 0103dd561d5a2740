#pragma once
// Dispatch strategies: which ready task goes out next and on which core group. Pluggable
// and selected by name: "fifo", "critical-path", "locality", "early-dispatch".
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/machine.hpp"
#include "scheduler/sim/free_set.hpp"
#include "tasks/graph.hpp"

namespace tg {

class DispatchStrategy {
 public:
  virtual ~DispatchStrategy() = default;
  virtual std::string_view name() const = 0;

  // Called once per run before any dispatch. `block_ns` is every task's isolated block
  // duration on `machine`.
  virtual void prepare(const Graph& graph, const Machine& machine, std::span<const std::int64_t> block_ns);

  // Among ready tasks of one resource shape the smallest priority goes first; equal
  // priorities go in the order the tasks became ready (FIFO). Default: 0 for all.
  virtual double priority(TaskId task) const;

  // Picks the core group for a block of `task` among `free_groups` (non-empty, each able
  // to host the block now). `group_of_task[p]` is the group where task p's last dispatched
  // block ran (-1: not yet, or a HOST task); it is empty unless uses_placement_history().
  // Returns a member of free_groups. Default: the lowest group. Cost: keep it independent
  // of the number of groups (FreeSet::lowest and contains are O(1)).
  virtual int choose_group(const Graph& graph, TaskId task, const sim::FreeSet& free_groups,
                           std::span<const int> group_of_task) const;
  virtual bool uses_placement_history() const { return false; }

  // True: a task whose unfinished producers are all running may be staged on a free core
  // (dispatch cost and pickup paid early) and starts the moment its last producer's FIN is
  // seen. Staging only uses cores no ready task of that shape wants.
  virtual bool stages_early() const { return false; }

  // Bytes of per-run state prepare() keeps (for SimResult::model_state_bytes).
  virtual std::size_t state_bytes() const { return 0; }
};

// The names make_strategy accepts, in the order `--strategy all` runs them.
std::vector<std::string> strategy_names();

// Throws ConfigError listing the valid names for an unknown one.
std::unique_ptr<DispatchStrategy> make_strategy(std::string_view name);

}  // namespace tg
