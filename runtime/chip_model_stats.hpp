#pragma once
// What the chip model saw in one simulated run, beside the Timeline: the orchestrator's and
// scheduler threads' busy time, the time cores lost to head overhead, and how long blocks
// were bound by memory rather than compute. The simulator fills it (SimResult::model); the
// schedule analysis reports it and says which of these bounds the makespan.
#include <cstdint>
#include <optional>
#include <vector>

namespace tg {

struct ChipModelStats {
  std::int64_t orchestrator_busy_ns = 0;   // submit work (fixed + per argument), summed
  std::int64_t orchestrator_end_ns = 0;    // the last task's submission is done
  std::int64_t orchestrator_stall_ns = 0;  // waiting for a task-ring slot or staging-ring space
  std::vector<std::int64_t> scheduler_busy_ns;  // per scheduler thread: dispatches + completions
  std::int64_t completion_wait_ns = 0;     // completions signalled but not yet taken by their thread
  std::int64_t head_overhead_ns = 0;       // per block: dispatch written -> start (pickup, cold start, switch)
  std::int64_t cold_start_ns = 0;          // the part of it from cores' first blocks
  std::int64_t switch_ns = 0;              // the part of it from a core changing task
  // Per core type (0 AIC: CUBE and cube-using MIX, 1 AIV): block time beyond compute spent
  // waiting for the shared HBM, and for the per-core GM link (which L2 hits use too).
  std::int64_t hbm_bound_ns[2] = {0, 0};
  std::int64_t l2_bound_ns[2] = {0, 0};
  double hbm_bytes = 0;     // GM bytes charged to the shared HBM
  double l2_hit_bytes = 0;  // GM bytes read from the L2 instead
  std::optional<std::uint64_t> jitter_seed;  // the run drew its latencies from this seed
};

}  // namespace tg
