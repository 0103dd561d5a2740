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
// `timeout_seconds` > 0 is the replay's deadline, as the HostExecutor's (RunOptions): past it
// blocks not started are skipped, running kernels see TaskContext::cancelled(), and once they
// have returned it throws RunStoppedError naming the tasks that were still running.
void replay_kernels(const Graph& graph, const Timeline& timeline, std::byte* const* memory, int threads = 0,
                    double timeout_seconds = 0);

}  // namespace tg
