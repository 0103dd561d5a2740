#pragma once
// HostExecutor: runs a Graph's kernels for real on host threads with oneTBB. A task is
// released when all its predecessors retired; its SPMD blocks run as separate TBB tasks
// and it retires when the last block ends.
#include <memory>

#include "tasks/executor.hpp"

namespace tg {

struct HostExecutorOptions {
  int threads = 0;          // 0 = all host cores
  bool pin_threads = false; // bind worker threads to cores with hwloc
  bool record = true;       // fill the Timeline (per-block timestamps)
};

class HostExecutor final : public Executor {
 public:
  explicit HostExecutor(int threads = 0);
  explicit HostExecutor(HostExecutorOptions options);
  ~HostExecutor() override;
  HostExecutor(const HostExecutor&) = delete;
  HostExecutor& operator=(const HostExecutor&) = delete;

  int threads() const;

  std::string name() const override;

  // Runs every task once, respecting the edges, with kernels on `memory` plus staging from
  // this executor's pool. A kernel exception stops the run (tasks not yet started are
  // skipped) and is rethrown as KernelError naming task and block; the executor stays
  // usable. Tasks with an empty kernel are no-ops; a graph with kernels needs memory.
  // With options.timeout_seconds, or on cancel(), the run stops the same way and throws
  // RunStoppedError naming the tasks still running. Kernels are never killed: a running one
  // ends when it returns (it may poll TaskContext::cancelled() to return early).
  using Executor::run;
  RunResult run(const Graph& graph, Bindings* memory, const RunOptions& options) override;
  // Stops the run in progress, from any thread; nothing when no run is in progress.
  void cancel();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tg
