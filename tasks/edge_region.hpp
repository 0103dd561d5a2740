#pragma once
// The region an inferred edge is about: recomputed from the two arguments' views on
// demand, so the Edge record stays a few words (lint, traces, DOT and JSON ask for it; the
// executors never do).
#include <optional>

#include "runtime/box.hpp"
#include "tasks/edge.hpp"

namespace tg {

class Graph;

// The overlap of the edge's from-argument and to-argument, in buffer coordinates: exact when
// both views are boxes, otherwise the first overlapping box of their decompositions.
// nullopt for an edge without arguments (explicit, or imported without them).
// Cost: O(rank) for two boxes.
std::optional<Box> edge_region(const Graph& graph, const Edge& edge);

}  // namespace tg
