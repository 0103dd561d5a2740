#pragma once
// Functional replay: runs every task's kernel on the host in the order a Timeline shows,
// so a simulated run also produces real outputs. Tasks are taken in order of their first
// block's start; consecutive tasks none of whose producers is among them form a batch, and
// a batch's blocks run in parallel on oneTBB. Producers always run in an earlier batch.
// Cost: O(V log V + E) plus the kernels.
#include "tasks/timeline.hpp"
#include "tasks/graph.hpp"

namespace tg {

// Throws KernelError naming the task and block of the first kernel that threw; tasks
// without a kernel are skipped. `threads` = 0: all host cores.
// `memory`: the run's memory table (RunMemory::table()).
void replay_kernels(const Graph& graph, const Timeline& timeline, std::byte* const* memory, int threads = 0);

}  // namespace tg
