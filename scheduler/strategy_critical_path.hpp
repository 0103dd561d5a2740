#pragma once
// Critical-path priority (HEFT-like): among ready tasks of a shape, the one with the
// longest modelled path to the end of the graph (its upward rank) goes first.
#include <vector>

#include "scheduler/strategy.hpp"

namespace tg {

// rank(t) = w(t) + max over successors s of rank(s), with w(t) = the isolated block
// duration plus dispatch, pickup and FIN detection (a HOST task: its duration alone).
// Cost: O(V + E) once per run.
std::vector<std::int64_t> upward_ranks(const Graph& graph, const Machine& machine, std::span<const std::int64_t> block_ns);

class CriticalPathStrategy final : public DispatchStrategy {
 public:
  std::string_view name() const override { return "critical-path"; }
  void prepare(const Graph& graph, const Machine& machine, std::span<const std::int64_t> block_ns) override;
  double priority(TaskId task) const override { return -static_cast<double>(rank_[task]); }
  std::size_t state_bytes() const override { return rank_.capacity() * sizeof(std::int64_t); }

 private:
  std::vector<std::int64_t> rank_;
};

}  // namespace tg
