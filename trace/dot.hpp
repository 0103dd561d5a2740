#pragma once
// Graphviz DOT of a task graph: node colour by task kind, edge style by provenance, nested
// scopes as clusters. Render with `dot -Tsvg graph.dot -o graph.svg`.
#include <iosfwd>

#include "tasks/graph.hpp"

namespace tg {

struct DotOptions {
  // false: only the edges of the transitive reduction (what orders the tasks; a shortcut
  // edge adds clutter, not ordering). true: every edge, the redundant ones thin and grey.
  bool all_edges = false;
};

// Nodes "t<id>" labelled "name#id" plus kind and block_num; fill: cube orange, vector blue,
// mix purple, host green. Edges: raw solid, war dashed red, waw bold orange, explicit
// dotted grey; the tooltip names the buffer region. Same graph, same bytes.
// Cost: O(N + E + E · N / 64) (the transitive reduction; skipped above 10^5 tasks, in
// which case every edge is drawn and the graph label says so).
void write_dot(const Graph& graph, std::ostream& out, const DotOptions& options = {});

}  // namespace tg
