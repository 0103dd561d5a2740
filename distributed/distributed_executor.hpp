#pragma once
// DistributedExecutor: one rank's executor. It runs this rank's graph on a HostExecutor
// (compute on the TBB workers, communication tasks on the progress thread), after the
// ranks agreed on the collectives, and turns failures into errors naming the failing rank.
#include <memory>

#include "distributed/comm.hpp"
#include "scheduler/host_executor.hpp"
#include "tasks/executor.hpp"

namespace tg {

class DistributedExecutor final : public Executor {
 public:
  // `comm`: the ranks this executor's graphs communicate with (MpiSession::world()).
  explicit DistributedExecutor(Comm comm, HostExecutorOptions host = {});
  ~DistributedExecutor() override;

  int rank() const { return comm_.rank(); }
  const Comm& comm() const { return comm_; }
  std::string name() const override;  // "rank 1/4, host:2 threads"

  // Every rank runs its graph (collectives on a Comm in the same order on every rank).
  // Before posting anything, CollectiveMismatchError if the ranks' collectives disagree.
  // When a kernel throws or a request times out here, the other ranks are told and this
  // throws RankFailedError naming this rank, task and block; when another rank fails, this
  // run stops (tasks not started are skipped, requests given up) and throws
  // RankFailedError naming that rank. After either, end the process with
  // MpiSession::exit_after_error: peers may still wait inside MPI.
  // One run at a time per Comm (the posting order is per Comm): two executors must not run
  // graphs with tasks on the same Comm at once.
  using Executor::run;
  RunResult run(const Graph& graph, Bindings* memory, const RunOptions& options) override;

 private:
  Comm comm_;
  HostExecutor host_;
};

}  // namespace tg
