#pragma once
// Locality: a block goes to the free core group where most of its producers ran (ties and
// no producer history: the lowest group). Ready order as fifo. On the modelled chip GM
// traffic costs the same from every group, so this changes placement, not durations:
// compare it against fifo to see what placement alone does.
#include "scheduler/strategy.hpp"

namespace tg {

class LocalityStrategy final : public DispatchStrategy {
 public:
  std::string_view name() const override { return "locality"; }
  // Cost: O(p^2) for p predecessors per block (p is small), independent of the groups.
  int choose_group(const Graph& graph, TaskId task, const sim::FreeSet& free_groups,
                   std::span<const int> group_of_task) const override;
  bool uses_placement_history() const override { return true; }
};

}  // namespace tg
