#pragma once
// `--machine a2a3x4` in the CLI (sim, run): the rank graphs simulated on a multi-chip
// machine (scheduler/multichip_sim.hpp) and its report: per-rank makespan, time in
// collectives and exposed communication, each collective's plan; optionally a Perfetto
// trace with a process per chip and an HTML swimlane with a lane group per chip.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "runtime/machine.hpp"
#include "scheduler/multichip_sim.hpp"

namespace tg::cli {

// The chip a --machine value stands for: the machine itself, or each chip of a multi-chip
// machine (what lint --machine and the capacity checks need).
Machine chip_machine(const std::string& name_or_path);

struct MultiChipReportOptions {
  std::string perfetto;  // write a Perfetto trace here ("" = none)
  std::string html;      // write an HTML swimlane here
  bool json = false;     // the report as one JSON object instead of text
};

// The multi-chip simulator spends about 15 us per SPMD block on a shared 2-vCPU Zen 3 (4,096
// chips of v32-decode-scope1 at full dims, ~1,000 blocks each: 62 s), so chips x blocks above
// this (about 30 s there) is refused before the run, with the estimate.
inline constexpr std::int64_t kMaxMultiChipBlocks = std::int64_t{1} << 21;

// Before a multi-chip run (one graph: replicated; otherwise one per chip): every graph fits
// the chip (check_fits_machine) and the blocks of all ranks together are at most
// kMaxMultiChipBlocks. ConfigError (exit 2) naming the chips, the blocks and the estimate.
void check_multichip_run(const std::vector<const Graph*>& graphs, const MultiChipMachine& machine);

// One graph: replicated on every chip; otherwise one per chip, in rank order. Checks the run
// first (check_multichip_run).
MultiChipResult report_multichip(const std::vector<const Graph*>& graphs, const MultiChipMachine& machine,
                                 const SimOptions& options, const MultiChipReportOptions& report, std::ostream& out);

}  // namespace tg::cli
