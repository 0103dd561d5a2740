#pragma once
// SimExecutor: a deterministic discrete-event model of running a Graph on a Machine.
// Each block goes submit -> ready -> dispatch -> start -> end -> finish (FIN seen):
//   submit   = the orchestrator's sequential submission (fixed + per-argument cost each;
//              it stalls on a full task ring or staging ring)
//   ready    = max(submit, FIN seen of the last producer)
//   dispatch = a scheduler thread begins writing the block to a free core (dispatch_ns busy)
//   start    = dispatch + dispatch_ns + head (pickup, cold start or switch; a staged
//              early-dispatch block: its ready)
//   end      = start + compute and GM time (task_cost.hpp; HBM shared, L2 hits)
//   finish   = end + fin_detect_ns, then, with completion_ns, when the core's scheduler
//              thread has taken the completion
// docs/simulator.md describes every component; a machine without them keeps the simple model.
// A core is busy for the scheduler from dispatch to finish. MIX tasks take their active
// subslots of one core group and retire together; SPMD blocks go out in waves as cores
// free; sync_start tasks go out all at once or wait (and hold back their queue). HOST tasks
// run on host lanes without the AICPU. Staging buffers are held from the first dispatch of a
// task using them until release: at the FIN of their last user (LastUse) or when, besides,
// every task of their scope has finished, reclaimed in FIFO order from one ring per scope depth
// (ScopeExitRing, the simpler runtime's model). The run's parts live in scheduler/sim/
// (sim_run.hpp). Cost: O(B + E) for B blocks and E edges, plus O(log h) per block end for
// h blocks running; a dispatch finds a free core group without scanning the cores.
#include <cstdint>
#include <string>
#include <vector>

#include <memory>
#include <mutex>
#include <optional>

#include "runtime/chip_model_stats.hpp"
#include "runtime/machine.hpp"
#include "tasks/executor.hpp"

namespace tg {

class StagingPool;

enum class StagingRelease : std::uint8_t { LastUse, ScopeExitRing };

struct SimOptions {
  std::string strategy = "fifo";  // see strategy.hpp: fifo, critical-path, locality, early-dispatch
  // A run given Bindings is functional: every task's kernel also runs on the host (oneTBB),
  // in the simulated start order and respecting the edges, on those Bindings.
  int functional_threads = 0;  // 0 = all host cores
  StagingRelease staging = StagingRelease::LastUse;
  // ScopeExitRing: bytes of the ring of every scope depth (0 = unbounded: measure only);
  // ring_bytes_by_depth[d], where given and non-zero, overrides it for depth d (root = 0).
  std::uint64_t ring_bytes = 0;
  std::vector<std::uint64_t> ring_bytes_by_depth;
  // Draw dispatch, completion, head, FIN-detection and kernel times from the machine's
  // measured spreads (Machine::jitter) with this seed; unset = the deterministic means.
  std::optional<std::uint64_t> jitter_seed;
};

// One staging ring of ScopeExitRing mode (or of the measurement in LastUse mode).
struct RingUsage {
  std::string name;               // "ring depth 1"
  int depth = 0;
  std::uint64_t capacity_bytes = 0;  // 0 = unbounded
  std::uint64_t peak_bytes = 0;      // head-to-tail span, freed-but-unreclaimed holes included
};

// The RunResult's timeline has lanes g<i>.AIC, g<i>.AIV0, g<i>.AIV1 ..., sched <k> ..., host <h> ...
struct SimResult : RunResult {
  std::string strategy;
  // Peak GM bytes of staging buffers held at once when each is released at its last use,
  // and when held until its scope exits with FIFO ring reclaim. Both are measured in every
  // run (the one not in force passively, on this run's schedule).
  std::uint64_t peak_staging_bytes_last_use = 0;
  std::uint64_t peak_staging_bytes_scope_exit = 0;
  std::vector<RingUsage> rings;      // per scope depth
  std::size_t tasks_without_cost = 0;  // these cost the kernel overhead alone
  std::size_t events = 0;              // discrete events processed
  std::size_t model_state_bytes = 0;   // measured: the run's containers at their peak + the Timeline it returns
  ChipModelStats model;                // orchestrator, scheduler threads, head overhead, memory bounds
};

class SimExecutor final : public Executor {
 public:
  // Throws ConfigError for an unknown strategy name or a machine that fails validate().
  explicit SimExecutor(Machine machine, SimOptions options = {});
  ~SimExecutor() override;

  const Machine& machine() const { return machine_; }
  const SimOptions& options() const { return options_; }

  std::string name() const override;

  // Binds the graph to the machine (check_capacity: CapacityError before anything runs)
  // and simulates it; with `memory`, also runs the kernels on it (KernelError naming task
  // and block; past options.timeout_seconds, RunStoppedError naming the tasks running). A staging ring too small for its scope throws CapacityError naming the
  // ring, its size, the task and the buffer waiting for space. Same inputs, identical result.
  SimResult simulate(const Graph& graph, Bindings* memory = nullptr, const RunOptions& options = {}) const;
  SimResult simulate(const Graph& graph, Bindings& memory, const RunOptions& options = {}) const {
    return simulate(graph, &memory, options);
  }

  using Executor::run;
  RunResult run(const Graph& graph, Bindings* memory, const RunOptions& options) override {
    return simulate(graph, memory, options);
  }

 private:
  Machine machine_;
  SimOptions options_;
  // Functional runs take the staging pool one at a time; timing-only runs share nothing.
  mutable std::mutex one_run_at_a_time_;
  mutable std::unique_ptr<StagingPool> staging_;
};

}  // namespace tg
