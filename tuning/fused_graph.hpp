#pragma once
// Applying a fusion: a graph transform that replaces a producer and its consumer (or a
// chain) by one task (tuning/fused_task.hpp builds it) at the consumer's place in submission
// order. Every other task, buffer and edge stays; edges of the two tasks become edges of the
// fused one, arguments renumbered. The result is verified (Graph::verify) and linted with
// the machine-independent rules: a transform that broke either is a bug and throws.
//   auto candidates = tg::tuning::fusion_candidates(graph, machine);
//   tg::tuning::FusedGraph fused = tg::tuning::fuse(graph, machine, candidates);
// Cost: O(T + E) per fused pair, plus the re-check of the pair (tuning/fusion_candidates.hpp).
#include <string>
#include <vector>

#include "tuning/fusion_candidates.hpp"

namespace tg::tuning {

struct FusedGraph {
  Graph graph;
  std::vector<TaskId> new_id;         // id in the input graph -> id in `graph` (a fusion's members -> the fused task)
  std::vector<std::string> applied;   // labels of the candidates applied, in order
  std::vector<std::string> skipped;   // "label: why" for candidates not applied
};

// One pair by its plan (check_fusion on this graph).
FusedGraph fuse_pair(const Graph& graph, const Machine& machine, const FusionPlan& plan);
// One candidate: each step of its chain is checked again on the graph fused so far; a step
// that is not fusable throws GraphError with the reason.
FusedGraph fuse(const Graph& graph, const Machine& machine, const FusionCandidate& candidate);
// Several candidates in the order given (best first, from rank_by_gain): one that shares a
// task with a candidate already applied, or is no longer fusable, is skipped with its reason.
FusedGraph fuse(const Graph& graph, const Machine& machine, const std::vector<FusionCandidate>& candidates);

}  // namespace tg::tuning
