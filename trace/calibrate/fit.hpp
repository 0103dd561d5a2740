#pragma once
// Fits a Machine's parameters to measured runs: the simulator's block duration
// (max(flops / rate, bytes / bandwidth) + kernel overhead, tasks/task_cost.hpp) and its
// latencies (dispatch per block, pickup, FIN detection, orchestrator submit), from
// timelines of graphs whose tasks carry cost hints. The runs may come from the host
// executor (tilegraph calibrate --host), from a simulation (the tests: a known preset must
// come back) or from a device capture (trace/capture_import.hpp), so a device owner fits
// the a2a3 preset to their chip. Only parameters the Machine has are fitted; per-kernel
// rates are reported beside them (the Machine keeps one rate per core type).
//
// How each parameter is read from the runs (docs/calibration.md):
//   kernel_overhead_ns   the median over kernels of a call's fixed cost: the intercept of the
//                        line through a kernel's median durations per block size (kernels run
//                        at two sizes or more); else the median duration of empty tasks
//   <kind> rate          per kernel, that line's slope (one size: median (duration -
//                        overhead) per flop); per core type, its blocks' flops over the time
//                        their kernels' lines give them (cube flops padded to the machine's
//                        M box, as simulated). Medians: robust to a preempted block
//   bandwidths           the smallest that keeps bytes / bandwidth within every block's
//                        measured time (a block is never modelled slower than it ran)
//   fin_detect_ns        median (finish - end) + median over producers of (ready - its FIN)
//                        of the first consumer it released
//   dispatch_ns          median scheduler span per block when the runs have spans (a
//                        simulation or a capture); else the sustained period per block of
//                        independent empty tasks (the host has no dispatcher of its own)
//   pickup_ns            median (start - dispatch) of first blocks, less dispatch_ns (on the
//                        host, dispatch = ready: the model then starts a lone block as late)
//   orchestrator_submit_ns  median submit record (capture), else the median step between
//                        consecutive submit times; 0 when every task is submitted at once
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/machine.hpp"
#include "tasks/graph.hpp"
#include "tasks/timeline.hpp"
#include "trace/capture_import.hpp"

namespace tg {

// One measured run. `phases` and `submits` come with a device capture (else empty).
struct CalibrationRun {
  std::string label;  // "chain of 64 empty tasks"
  const Graph* graph = nullptr;
  const Timeline* timeline = nullptr;
  std::vector<CapturePhase> phases;
  std::vector<CaptureSubmit> submits;
  // False for a capture read without the scope it ran (deps.json has no cost hints): its
  // blocks then say nothing about rates or the kernel overhead, only about latencies.
  bool costs_known = true;
};

struct FittedParameter {
  std::string name;  // as machine JSON names it: "latency_ns/dispatch", "compute/vector_fp32_tflops_per_chip"
  double value = 0;  // in the JSON field's unit
  double previous = 0;
  std::size_t samples = 0;
  std::string from;  // which measurement gave it
};

// Achieved rate of one kernel (descriptor name, or task name without one).
struct KernelRate {
  std::string kernel;
  std::string kind;  // "cube", "vector", "mix", "host"
  std::size_t blocks = 0;
  double flops_per_s = 0;
};

struct MachineFit {
  Machine machine;  // `base` with the fitted parameters replaced
  std::vector<FittedParameter> parameters;
  std::vector<KernelRate> kernels;
  std::vector<std::string> runs;  // labels of the runs it was fitted on
};

// Parameters the runs say nothing about (no empty task, no cost of a kind) keep `base`'s
// value and are not listed. Throws ConfigError when no run has a row. Deterministic: the
// same runs give the same fit. Cost: O(total rows log rows + V + E).
MachineFit fit_machine(const Machine& base, const std::vector<CalibrationRun>& runs);

// A machine JSON file (runtime/machine.hpp's format) of `fit.machine`, with a "fitted_on"
// record: the runs, every fitted parameter with its previous value and sample count, the
// per-kernel rates, and `note` (how the runs were made).
std::string fitted_machine_json(const MachineFit& fit, const std::string& note);

}  // namespace tg
