#pragma once
// A sweep's result as one self-contained HTML page (no scripts, no network): a bar per
// simulated (or timed) combination and strategy, best first, its length the makespan (or
// host median), with a whisker over min .. max and a band of mean ± std dev over the jitter
// seeds (or timed runs); the numbers in a table below; the refused combinations with their
// reasons. Same result, same bytes.
#include <iosfwd>

#include "tuning/sweep/sweep_result.hpp"

namespace tg::tuning {

void write_sweep_html(const SweepResult& result, std::ostream& out);

}  // namespace tg::tuning
