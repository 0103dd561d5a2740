#pragma once
// The task two fused tasks become. Its arguments are the union of theirs (an identical In
// read by both appears once), minus the consumer's read of the intermediate, and minus the
// producer's write of it when it stays on chip. When both tasks have a kernel, its kernel is
// a composed descriptor (tasks/kernel_descriptor.hpp) "producer+consumer" whose body, per
// fused block, runs the producer's blocks and then the consumer's, each through its own
// descriptor on its own tiles (a fusion of fused tasks runs their original tasks); an on-chip intermediate lives in a block-local buffer of one
// tile, never in GM. Its cost hint per block is the sum of theirs (compute time kept: flops
// rescaled to the fused task's rate on the machine) minus the intermediate's GM round trip
// when on chip.
#include <optional>
#include <vector>

#include "tuning/fusion_candidates.hpp"

namespace tg::tuning {

struct FusedTask {
  Task task;  // id, after: the input graph's (the transform renumbers them)
  std::vector<int> producer_arg;  // producer arg -> fused arg, -1 when dropped
  std::vector<int> consumer_arg;  // consumer arg -> fused arg, -1 when dropped
};

FusedTask fused_task(const Graph& graph, const Machine& machine, const FusionPlan& plan);

// What a task fused_task built runs (nullopt for any other task): its original tasks, the
// block-local tiles it holds, and the most blocks of one part a fused block runs.
struct FusedParts {
  std::size_t parts = 0;
  std::size_t local_tiles = 0;
  int max_blocks_per_block = 1;
};
std::optional<FusedParts> fused_parts(const Task& task);

}  // namespace tg::tuning
