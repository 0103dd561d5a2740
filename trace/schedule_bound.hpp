#pragma once
// Which part of the modelled chip bounds a run's makespan, and what to do about it: the
// share of the makespan each candidate keeps busy (the orchestrator's submit work, the
// busiest scheduler thread, the busiest engine split into HBM-waiting and computing time,
// the static critical path); the largest wins.
#include "trace/schedule_analysis.hpp"

namespace tg {

// Sets analysis.bound_by and analysis.advice from analysis.model and the rest of the
// analysis (engines, static critical path, makespan).
void decide_bound(ScheduleAnalysis& analysis);

}  // namespace tg
