#include "tasks/transitive_reduction.hpp"

#include <algorithm>
#include <numeric>

namespace tg {

std::string TransitiveReduction::summary(const Graph& graph) const {
  if (!reduced)
    return "direct edges: " + std::to_string(graph.num_tasks()) + " tasks > " + std::to_string(max_tasks) +
           ", transitive reduction skipped (" + std::to_string(edges.size()) + " edges)";
  return "transitive reduction: " + std::to_string(edges.size()) + " of " + std::to_string(graph.edges().size()) +
         " edges";
}

// Per chunk of targets [c0, c_end) (positions in topological order), every task u gets a
// bitset of the chunk's tasks reachable from it, built in reverse topological order from
// its successors' bitsets. An edge (u, v) is redundant iff v is reachable from some
// successor of u, i.e. v is in the union of the successors' bitsets before u's own direct
// edges are added to it.
TransitiveReduction transitive_reduction(const Graph& graph, std::size_t max_tasks, std::size_t chunk_bytes) {
  TransitiveReduction result;
  result.max_tasks = max_tasks;
  const std::size_t n = graph.num_tasks();
  const auto& edges = graph.edges();
  if (n > max_tasks) {
    result.reduced = false;
    result.edges.resize(edges.size());
    std::iota(result.edges.begin(), result.edges.end(), 0u);
    return result;
  }
  const auto& order = graph.topo_order();
  std::vector<std::uint32_t> position(n);
  for (std::size_t p = 0; p < n; ++p) position[order[p]] = static_cast<std::uint32_t>(p);

  const std::size_t all_words = (n + 63) / 64;
  const std::size_t words = std::clamp<std::size_t>(chunk_bytes / (8 * std::max<std::size_t>(n, 1)), 1,
                                                    std::max<std::size_t>(all_words, 1));
  const std::size_t chunk_bits = words * 64;
  std::vector<bool> keep(edges.size(), false);
  std::vector<std::uint64_t> reach;
  reach.reserve(n * words);  // within chunk_bytes (or one word per task); never reallocated
  for (std::size_t c0 = 0; c0 < n; c0 += chunk_bits) {
    const std::size_t c_end = std::min(n, c0 + chunk_bits);
    // Tasks at positions >= c_end reach nothing in the chunk: they are never visited.
    // Each bitset is cleared when its task is visited (one pass over memory, not two).
    reach.resize(c_end * words);
    for (std::size_t p = c_end; p-- > 0;) {
      const TaskId u = order[p];
      std::uint64_t* mine = &reach[p * words];
      std::fill(mine, mine + words, std::uint64_t{0});
      const auto out = graph.out_edges(u);
      for (std::uint32_t e : out) {
        const std::uint32_t pv = position[edges[e].to];
        if (pv >= c_end) continue;
        const std::uint64_t* theirs = &reach[pv * words];
        for (std::size_t w = 0; w < words; ++w) mine[w] |= theirs[w];
      }
      for (std::uint32_t e : out) {
        const std::uint32_t pv = position[edges[e].to];
        if (pv < c0 || pv >= c_end) continue;
        const std::size_t bit = pv - c0;
        if (!((mine[bit / 64] >> (bit % 64)) & 1u)) keep[e] = true;
      }
      for (std::uint32_t e : out) {
        const std::uint32_t pv = position[edges[e].to];
        if (pv < c0 || pv >= c_end) continue;
        const std::size_t bit = pv - c0;
        mine[bit / 64] |= std::uint64_t{1} << (bit % 64);
      }
    }
  }
  for (std::uint32_t e = 0; e < edges.size(); ++e)
    if (keep[e]) result.edges.push_back(e);
  return result;
}

std::vector<bool> reduction_mask(const Graph& graph, const TransitiveReduction& reduction) {
  std::vector<bool> mask(graph.edges().size(), false);
  for (std::uint32_t e : reduction.edges) mask.at(e) = true;
  return mask;
}

}  // namespace tg
