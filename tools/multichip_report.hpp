#pragma once
// `--machine a2a3x4` in the CLI (sim, run): the rank graphs simulated on a multi-chip
// machine (scheduler/multichip_sim.hpp) and its report: per-rank makespan, time in
// collectives and exposed communication, each collective's plan; optionally a Perfetto
// trace with a process per chip and an HTML swimlane with a lane group per chip.
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

// One graph: replicated on every chip; otherwise one per chip, in rank order.
MultiChipResult report_multichip(const std::vector<const Graph*>& graphs, const MultiChipMachine& machine,
                                 const SimOptions& options, const MultiChipReportOptions& report, std::ostream& out);

}  // namespace tg::cli
