#pragma once
// How `sim`, `trace`, `dot` (and `run`, for model scopes) treat a graph with lint errors:
// they refuse it, print the lint report naming rule and task, and exit 1; with
// --allow-hazards they build it anyway (finalize with Lint::Off) and print the same report.
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "runtime/machine.hpp"
#include "tasks/graph.hpp"
#include "tasks/lint.hpp"

namespace tg::cli {

// Errors and warnings in full, hints counted, then one summary line. Returns whether any
// diagnostic is an error.
bool print_lint_report(const std::vector<Diagnostic>& diagnostics, std::ostream& out);

// The graph of a JSON scope file, or nullopt when it has lint errors and !allow_hazards
// (after printing the report and how to run it anyway to `out`).
std::optional<Graph> read_checked_scope(const std::string& file, bool allow_hazards, std::ostream& out);

// A graph whose tasks cannot fit the machine (a block's working set over its on-chip buffer,
// a sync_start task wider than the machine: scheduler/capacity_check.hpp) is bad input: a
// ConfigError (exit 2) naming the task, the buffer and the sizes, raised before anything runs
// (the host run of `run --machine` took 73 s before the simulator found it, then exited 3).
void check_fits_machine(const Graph& graph, const Machine& machine);

// What to tell a user whose graph was refused.
inline constexpr const char* kRefusedHint =
    "refusing to run a graph with lint errors; fix them, or pass --allow-hazards to run it anyway";

}  // namespace tg::cli
