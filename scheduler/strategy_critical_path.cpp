#include "scheduler/strategy_critical_path.hpp"

#include <algorithm>

namespace tg {

std::vector<std::int64_t> upward_ranks(const Graph& graph, const Machine& machine, std::span<const std::int64_t> block_ns) {
  std::vector<std::int64_t> rank(graph.num_tasks(), 0);
  const auto& order = graph.topo_order();
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const TaskId t = *it;
    std::int64_t tail = 0;
    for (TaskId s : graph.successors(t)) tail = std::max(tail, rank[s]);
    const bool host = graph.task(t).kind == TaskKind::Host;
    const std::int64_t latency = host ? 0 : machine.dispatch_ns + machine.pickup_ns + machine.fin_detect_ns + machine.completion_ns;
    rank[t] = block_ns[t] + latency + tail;
  }
  return rank;
}

void CriticalPathStrategy::prepare(const Graph& graph, const Machine& machine, std::span<const std::int64_t> block_ns) {
  rank_ = upward_ranks(graph, machine, block_ns);
}

}  // namespace tg
