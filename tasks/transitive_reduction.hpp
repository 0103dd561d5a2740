#pragma once
// Transitive reduction of a task graph: the edges (u, v) with no other path from u to v.
// Pictures draw only these (a diamond's shortcut edge adds no ordering, only clutter).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tasks/graph.hpp"

namespace tg {

// Above this many tasks the reduction is skipped and every direct edge is kept: its cost
// grows as tasks × edges, and the caller says so in its output.
inline constexpr std::size_t kTransitiveReductionMaxTasks = 100'000;
// Memory for the reachability bitsets of one chunk of target tasks.
inline constexpr std::size_t kTransitiveReductionChunkBytes = 32u << 20;

struct TransitiveReduction {
  std::vector<std::uint32_t> edges;  // indices into Graph::edges(), ascending
  bool reduced = true;               // false: the graph was too large, `edges` = all edges
  std::size_t max_tasks = kTransitiveReductionMaxTasks;

  // One line for output metadata: "transitive reduction: 12 of 30 edges" or
  // "direct edges: 250000 tasks > 100000, reduction skipped".
  std::string summary(const Graph& graph) const;
};

// Cost: O(E · N / 64) word operations for N tasks and E edges, in chunks of target tasks
// whose reachability bitsets fit in `chunk_bytes`; O(E) when N > max_tasks (no reduction).
TransitiveReduction transitive_reduction(const Graph& graph,
                                         std::size_t max_tasks = kTransitiveReductionMaxTasks,
                                         std::size_t chunk_bytes = kTransitiveReductionChunkBytes);

// Per edge of Graph::edges(): whether it is in the reduction (all true when not reduced).
std::vector<bool> reduction_mask(const Graph& graph, const TransitiveReduction& reduction);

}  // namespace tg
