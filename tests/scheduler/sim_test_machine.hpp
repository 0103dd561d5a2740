#pragma once
// A small machine with round numbers, so the tests can compute timelines by hand:
// 1 flop = 1 ns on every core, 1 GM byte = 1 ns, no contention, dispatch 100 ns,
// pickup 800 ns, FIN detection 500 ns, no kernel overhead, no submission cost.
#include "runtime/machine.hpp"
#include "tasks/task.hpp"

namespace tg::testing {

inline Machine hand_machine(int groups = 2, int scheduler_threads = 1) {
  Machine m;
  m.name = "hand";
  m.origin = "test";
  m.core_groups = groups;
  m.scheduler_threads = scheduler_threads;
  m.host_lanes = 1;
  m.cube_bf16_flops_per_s = m.cube_int8_ops_per_s = m.vector_flops_per_s = 1e9;
  m.host_flops_per_s = 1e9;
  m.gm_bytes_per_s_per_core = 1e9;
  m.hbm_bytes_per_s = 1e18;
  m.host_bytes_per_s = 1e9;
  m.gm_line_bytes = 512;
  m.cube_m_box_rows = 16;
  m.orchestrator_submit_ns = 0;
  m.dispatch_ns = 100;
  m.pickup_ns = 800;
  m.fin_detect_ns = 500;
  m.kernel_overhead_ns = 0;
  m.aiv_ub_bytes = 192 * 1024;
  m.aiv_ub_usable_bytes = 184 * 1024;
  m.aic_l1_bytes = 512 * 1024;
  m.aic_l0a_bytes = m.aic_l0b_bytes = 64 * 1024;
  m.aic_l0c_bytes = 128 * 1024;
  return m;
}

// A cost hint of `ns` nanoseconds of compute on the hand machine.
inline CostHint ns_of_compute(double ns) { return CostHint{ns, 0, 0, false}; }

}  // namespace tg::testing
