#pragma once
// The kernel-free micro-graphs of a calibration: tasks with no kernel and no cost, whose
// timelines show the fixed costs alone (per block, per dispatch, per completion). The
// kernel shapes come on top of these (tools/calibrate_kernels.cpp on the host).
#include <string>
#include <vector>

#include "tasks/graph.hpp"

namespace tg {

struct MicroGraph {
  std::string label;  // "chain of 64 empty vector tasks"
  Graph graph;
};

// A chain (completion + dispatch latency per link), a fan-out from one root and a fan-in
// (completion fan-in), independent tasks (sustained dispatch rate) and one SPMD task of
// `tasks` blocks, each of vector and cube tasks. Cost: O(tasks).
std::vector<MicroGraph> empty_micro_graphs(int tasks = 64);

}  // namespace tg
