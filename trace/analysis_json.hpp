#pragma once
// A ScheduleAnalysis as JSON, for `--format json` of the commands that analyse a timeline.
#include <string>
#include <string_view>

#include "trace/schedule_analysis.hpp"

namespace tg {

// {"source", "makespan_ns", "static_critical_path_ns", "observed_critical_path_ns",
//  "observed_gaps": {...}, "engines": [...], "sched_overhead_all_pct", "sched_overhead_any_pct"}
std::string analysis_to_json(const ScheduleAnalysis& analysis);

// `text` as a JSON string literal, quotes and escapes included, for tools that write a
// little JSON around the documents above.
std::string json_quoted(std::string_view text);

}  // namespace tg
