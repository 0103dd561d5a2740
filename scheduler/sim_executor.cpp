#include "scheduler/sim_executor.hpp"

#include "scheduler/capacity_check.hpp"
#include "scheduler/functional_replay.hpp"
#include "scheduler/staging_pool.hpp"
#include "scheduler/sim/sim_run.hpp"
#include "scheduler/strategy.hpp"

namespace tg {

SimExecutor::SimExecutor(Machine machine, SimOptions options) : machine_(std::move(machine)), options_(std::move(options)) {
  machine_.validate();               // lanes are 16-bit; counts and rates must make sense
  make_strategy(options_.strategy);  // fail early on an unknown name
}

SimExecutor::~SimExecutor() = default;

std::string SimExecutor::name() const { return "sim:" + machine_.name + ":" + options_.strategy; }

SimResult SimExecutor::simulate(const Graph& graph, Bindings* memory, const RunOptions& options) const {
  check_capacity(graph, machine_);
  auto strategy = make_strategy(options_.strategy);
  sim::SimRun sim(graph, machine_, options_, *strategy);
  SimResult result = sim.run(options_.strategy);
  if (memory) {
    std::lock_guard lock(one_run_at_a_time_);
    if (!staging_) staging_ = std::make_unique<StagingPool>();
    RunMemory run_memory(graph, memory, *staging_, options);
    replay_kernels(graph, result.timeline, run_memory.table(), options_.functional_threads, options.timeout_seconds);
    run_memory.fill_result(graph, result);
  }
  return result;
}

}  // namespace tg
