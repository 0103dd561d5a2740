#pragma once
// Deferred completion: a kernel whose work ends after it returns (a request that another
// thread progresses, e.g. a collective) hands its block's retirement to that thread. The
// HostExecutor keeps the block running, and its successors waiting, until the completion is
// signalled; no worker thread waits for it meanwhile.
#include <functional>
#include <memory>
#include <string>

namespace tg {

class BlockCompletion {
 public:
  virtual ~BlockCompletion() = default;
  // Retires the block (from any thread). Exactly one of succeed / fail, once.
  virtual void succeed() = 0;
  // Retires the block as failed: the run stops as after a kernel exception, with `what`.
  virtual void fail(const std::string& what) = 0;
  // What to do if the run stops (a kernel error elsewhere, its deadline, cancel()) while
  // this block is still deferred: give the work up and signal fail(), since the run waits
  // for the signal. Runs at once when the run has stopped already; at most once.
  virtual void on_run_stopped(std::function<void()> handler) = 0;
};

// Called by a kernel while it runs: from now on the block retires when the returned
// completion is signalled, not when the kernel returns. Null when the executor running the
// kernel completes blocks when they return (the simulator's functional replay, a direct
// call): the kernel must then finish its work before returning.
std::shared_ptr<BlockCompletion> defer_block_completion();

}  // namespace tg
