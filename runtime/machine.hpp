#pragma once
// Machine: the modelled chip the simulator schedules on. N core groups, each of
// aic_per_group AIC (cube) + aiv_per_group AIV (vector) cores (1 + 2 on a2a3 and a5), AICPU scheduler threads that dispatch, host lanes for HOST tasks,
// per-core rates, dispatch latencies and on-chip buffer capacities. Presets live as JSON in
// machines/ (compiled in); docs/machines.md gives every figure's source.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tg {

// The two device core types. Cube = AIC, Vector = AIV.
enum class CoreType : std::uint8_t { Aic, Aiv };

struct Machine {
  std::string name;         // "a2a3"
  std::string description;  // one line
  std::string origin;       // "preset a2a3", "file my_chip.json", "hwloc host"

  // Topology.
  int core_groups = 0;        // each = aic_per_group AIC + aiv_per_group AIV
  int aic_per_group = 1;      // the core-group shape: a MIX task takes a whole group,
  int aiv_per_group = 2;      // its subslots are the group's AIC cores, then its AIV cores
  int scheduler_threads = 0;  // AICPU threads that dispatch blocks to cores
  int host_lanes = 0;         // host cores that run HOST tasks

  // Per-core rates (the chip figure divided by the cores of that type).
  double cube_bf16_flops_per_s = 0;  // one AIC
  double cube_int8_ops_per_s = 0;    // one AIC
  double vector_flops_per_s = 0;     // one AIV
  double host_flops_per_s = 0;       // one host lane
  // GM traffic: one core alone gets gm_bytes_per_s_per_core; all running cores share
  // hbm_bytes_per_s (a block's bandwidth is fixed when it starts: min of the two, the shared
  // figure divided by the blocks running then).
  double gm_bytes_per_s_per_core = 0;
  double hbm_bytes_per_s = 0;
  double host_bytes_per_s = 0;  // one host lane
  std::uint64_t gm_line_bytes = 0;
  int cube_m_box_rows = 16;  // cube work comes in boxes of this many M rows (M is padded)

  // Latencies, ns.
  std::int64_t orchestrator_submit_ns = 0;  // orchestrator cost per submitted task
  std::int64_t dispatch_ns = 0;             // scheduler-thread busy time per block dispatch
  std::int64_t pickup_ns = 0;               // dispatch written -> core starts the block
  std::int64_t fin_detect_ns = 0;           // block ends -> scheduler sees its FIN
  std::int64_t kernel_overhead_ns = 0;      // fixed cost of every block on a core

  // Chip-model components (docs/machines.md gives each figure's source). Every one defaults
  // to "not modelled" (0, or an efficiency of 1), so a machine built in code or a file
  // without them keeps the simple model above.
  std::int64_t orchestrator_per_arg_ns = 0;  // orchestrator cost per tensor argument (tensor-map lookup + insert)
  int task_ring_slots = 0;                   // tasks submitted and not yet retired at once; 0 = unbounded
  std::uint64_t staging_ring_bytes = 0;      // scope-exit staging ring per scope depth; 0 = unbounded
  std::int64_t completion_ns = 0;            // scheduler-thread busy time per completion; 0 = FIN seen with no thread
  // Scheduler-thread time for each later block of an SPMD task (publishing a block handle);
  // unset = dispatch_ns for every block.
  std::optional<std::int64_t> spmd_block_dispatch_ns;
  std::int64_t cold_start_ns = 0;            // extra head on the first block a core ever runs
  std::int64_t switch_ns = 0;                // extra head when a core's previous block was another task
  // A busy core can hold this many blocks queued behind its running one (0 or 1; 0 = a core
  // takes its next block only once its FIN is seen). A queued block starts queued_switch_ns
  // after the core's previous block ends.
  int core_pending_slots = 0;
  std::int64_t queued_switch_ns = 0;
  std::uint64_t l2_bytes = 0;                // chip-wide L2 for data written then read soon; 0 = none
  double cube_efficiency = 1;                // achieved fraction of the cube peak
  double vector_efficiency = 1;              // achieved fraction of the vector peak
  // A kernel's efficiency for tiles of at least rows x cols (the block's tile of its first
  // Out/InOut argument): the entry with the most rows <= the tile's, then the most cols.
  struct TileEfficiency {
    std::int64_t rows, cols;
    double efficiency;
  };
  struct KernelEfficiency {
    std::string kernel;  // a kernel descriptor's name (Task::kernel_name)
    double efficiency;   // achieved fraction of its core type's peak (tiles below every by_tile entry)
    std::vector<TileEfficiency> by_tile = {};  // sorted by rows, then cols
    double at(std::int64_t rows, std::int64_t cols) const;
  };
  std::vector<KernelEfficiency> kernel_efficiency;
  // What --jitter draws a latency of mean x from: x * low .. x * high, with the mean kept
  // (scheduler/sim/jitter.hpp). low = high = 1: no spread.
  struct Spread {
    double low = 1, high = 1;
    static Spread symmetric(double half_width) { return {1 - half_width, 1 + half_width}; }
    bool none() const { return low == 1 && high == 1; }
  };
  struct Spreads {
    Spread dispatch, completion, head, cold_start, fin_detect, kernel;  // cold_start: a core's first head
  } jitter;

  // On-chip buffers, bytes, per core.
  std::uint64_t aiv_ub_bytes = 0;
  std::uint64_t aiv_ub_usable_bytes = 0;  // what a kernel's working set may use
  std::uint64_t aic_l1_bytes = 0;
  std::uint64_t aic_l0a_bytes = 0;
  std::uint64_t aic_l0b_bytes = 0;
  std::uint64_t aic_l0c_bytes = 0;

  int cores(CoreType type) const { return core_groups * (type == CoreType::Aic ? aic_per_group : aiv_per_group); }
  int cores_per_group() const { return aic_per_group + aiv_per_group; }
  // Scheduler-thread time to dispatch a block: a task's first block pays dispatch_ns.
  std::int64_t block_dispatch_ns(bool first_block) const {
    return first_block || !spmd_block_dispatch_ns ? dispatch_ns : *spmd_block_dispatch_ns;
  }
  // The achieved fraction of peak for a task of `kernel` (its descriptor name) on `type`.
  // Inline: the simulator asks it for every block, and most machines name no kernel.
  double efficiency(std::string_view kernel, CoreType type) const {
    if (!kernel_efficiency.empty() && !kernel.empty())
      for (const auto& k : kernel_efficiency)  // a handful of named kernels
        if (k.kernel == kernel) return k.efficiency;
    return type == CoreType::Aic ? cube_efficiency : vector_efficiency;
  }
  // The same for a block whose tile is rows x cols (0 x 0 when unknown).
  double efficiency(std::string_view kernel, CoreType type, std::int64_t rows, std::int64_t cols) const {
    if (!kernel_efficiency.empty() && !kernel.empty())
      for (const auto& k : kernel_efficiency)
        if (k.kernel == kernel) return k.at(rows, cols);
    return type == CoreType::Aic ? cube_efficiency : vector_efficiency;
  }
  // For machines built in code: throws ConfigError naming the first field out of range
  // (counts >= 1 and at most 20000 groups, a group of at most 8 cores with at least one of
  // each type, rates > 0, latencies >= 0, UB usable <= UB).
  void validate() const;
  // Multi-line, human readable, with units.
  std::string summary() const;
};

// Names of the compiled-in presets: "a2a3", "a5", "host".
std::vector<std::string> machine_preset_names();

// A preset by name ("a2a3", "a5", "host": the host's counts and caches from hwloc, rates
// from machines/host.json) or a path to a JSON file (anything ending in .json or holding a
// '/'). A malformed or incomplete file throws ConfigError naming the file and the JSON path
// of the field ("my.json: /latency_ns/pickup: missing; a number of ns >= 0"); an unknown
// name lists the presets; an unreadable file is an IoError.
Machine load_machine(std::string_view name_or_path);

// Parses machine JSON text; `origin` names it in errors.
Machine parse_machine_json(std::string_view text, std::string_view origin);

}  // namespace tg
