#pragma once
// A sweep's result as a text table (best first, a column per swept tile, then the refused
// combinations with their reasons) and as one JSON object with stable keys (docs/tuning.md).
#include <iosfwd>
#include <string>

#include "tuning/sweep/sweep_result.hpp"

namespace tg::tuning {

void print_sweep_table(const SweepResult& result, std::ostream& out);

// {"model", "base", "executor", "machine", "strategy", "jitter", "seeds", "threads",
//  "combinations", "rows": [{"config", "strategy", "makespan_ns", "tasks", "edges", "blocks",
//  "bound_by", "spread", "golden_pass"}], "refused": [{"config", "reason"}], "cpu_seconds"};
// every key is always there (null where it does not apply).
std::string sweep_json(const SweepResult& result);

}  // namespace tg::tuning
