#include "tasks/edge_region.hpp"

#include "tasks/graph.hpp"

namespace tg {

std::optional<Box> edge_region(const Graph& graph, const Edge& edge) {
  if (edge.buffer == kNoBuffer || edge.from_arg < 0 || edge.to_arg < 0) return std::nullopt;
  if (edge.from >= graph.num_tasks() || edge.to >= graph.num_tasks()) return std::nullopt;
  const auto& from = graph.task(edge.from).args;
  const auto& to = graph.task(edge.to).args;
  const auto from_arg = static_cast<std::size_t>(edge.from_arg), to_arg = static_cast<std::size_t>(edge.to_arg);
  if (from_arg >= from.size() || to_arg >= to.size()) return std::nullopt;
  return overlap_region(from[from_arg].view, to[to_arg].view);
}

}  // namespace tg
