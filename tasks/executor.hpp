#pragma once
// The executor interface: run a Graph, with the run's memory where kernels run, and get a
// Timeline (and the outputs) back. The host executor (oneTBB, real kernels) and the
// simulator (the modelled chip; kernels only in functional mode) implement it, and so can
// any other executor (multi-chip, Python-driven) without reshaping the core.
//
// Thread safety: a Graph is immutable and may be run by several executors at once; an
// executor runs one graph at a time (concurrent run() calls on one executor wait for each
// other; a kernel must therefore not start a run on the executor running it); each concurrent
// run needs its own Bindings. Kernels of one graph running on two executors at once must be
// reentrant (the library's are).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/tensor.hpp"
#include "tasks/timeline.hpp"
#include "tasks/bindings.hpp"
#include "tasks/graph.hpp"

namespace tg {

// How staging memory starts each run. It holds no defined value on the device; lint refuses
// reads before writes. Zero makes a stray read harmless and repeatable; Poison makes it show:
// NaN in every float element (fp32, bf16, fp16), 0x5A bytes in integer ones.
enum class StagingFill : std::uint8_t { Zero, Poison };

struct RunOptions {
  StagingFill staging_fill = StagingFill::Zero;
  // Keep this run's staging tensors in the RunResult (for dumps and stage-by-stage checks);
  // they are then fresh allocations instead of the executor's reused pool.
  bool keep_staging = false;
  // HostExecutor: stop the run this many seconds after it starts (0 = no deadline). Tasks
  // not started are skipped, a running kernel sees TaskContext::cancelled(), and the run
  // throws RunStoppedError naming the tasks still running once they have returned.
  double timeout_seconds = 0;
};


class RunResult {
 public:
  Timeline timeline;
  // The most staging bytes the run held at once (HostExecutor: a buffer is held from its
  // first user's start to its last user's end; every buffer for the whole run with
  // keep_staging). 0 when the executor does not measure it.
  std::uint64_t peak_staging_bytes = 0;

  // An Output or InOut tensor after the run: the Bindings' own tensor (shared memory, so it
  // changes when the same Bindings run again). Throws BindingError for another name.
  const Tensor& output(std::string_view name) const;
  // A staging tensor of this run; only with RunOptions::keep_staging (BindingError else).
  const Tensor& staging(std::string_view name) const;
  bool has_staging() const { return !staging_.empty(); }

  // For executors.
  void add_output(Tensor t) { outputs_.push_back(std::move(t)); }
  void add_staging(Tensor t) { staging_.push_back(std::move(t)); }

 private:
  std::vector<Tensor> outputs_;
  std::vector<Tensor> staging_;
};

class Executor {
 public:
  virtual ~Executor() = default;
  // "host:2 threads", "sim:a2a3:fifo"
  virtual std::string name() const = 0;
  // Runs the graph once. `memory` may be null when the run needs none: a timing-only
  // simulation, or a graph whose tasks have no kernels; otherwise BindingError.
  virtual RunResult run(const Graph& graph, Bindings* memory, const RunOptions& options) = 0;

  RunResult run(const Graph& graph, Bindings& memory, const RunOptions& options = {}) {
    return run(graph, &memory, options);
  }
  RunResult run(const Graph& graph) { return run(graph, nullptr, RunOptions{}); }
};

}  // namespace tg
