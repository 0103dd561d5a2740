#pragma once
// A tile sweep on the host executor, for host tilings: for every combination the model run
// is built (the config's validation and finalize's lint may refuse it), its inputs generated
// (seed 1), run once and checked against the golden stage by stage, then timed over `reps`
// runs: a row's makespan is the median wall time, its spread over the timed runs.
//   auto result = sweep_on_host(request, {.threads = 2, .reps = 5});
#include "tuning/sweep/sweep_result.hpp"

namespace tg::tuning {

struct HostSweepOptions {
  int threads = 0;  // 0 = all cores
  int reps = 5;     // timed runs per combination, after the checked one
};

// Throws ConfigError for an unknown model. Wall times: figures of this host under its load.
SweepResult sweep_on_host(const SweepRequest& request, const HostSweepOptions& options);

}  // namespace tg::tuning
