#include "trace/schedule_bound.hpp"

#include <algorithm>

namespace tg {

void decide_bound(ScheduleAnalysis& a) {
  if (!a.model || a.makespan_ns <= 0) return;
  const ChipModelStats& m = *a.model;
  const double makespan = static_cast<double>(a.makespan_ns);
  struct Candidate {
    const char* name;
    double share;
    const char* advice;
  };
  std::vector<Candidate> candidates;
  candidates.push_back({"orchestration", static_cast<double>(m.orchestrator_busy_ns) / makespan,
                        "fewer, larger tasks (or fewer tensor arguments each): the orchestrator submits one task at a time"});
  std::int64_t busiest = 0;
  for (std::int64_t busy : m.scheduler_busy_ns) busiest = std::max(busiest, busy);
  candidates.push_back({"scheduler threads", static_cast<double>(busiest) / makespan,
                        "fewer, larger blocks: every dispatch and every completion costs a scheduler thread"});
  double compute = 0, memory = 0;
  for (const auto& e : a.engines) {
    const int type = e.engine == "AIC" ? 0 : e.engine == "AIV" ? 1 : -1;
    if (type < 0 || e.cores == 0) continue;
    // Busy core time, and the part of it spent waiting for the shared HBM.
    const double busy = e.utilisation;
    const double hbm = static_cast<double>(m.hbm_bound_ns[type]) / (e.cores * makespan);
    memory = std::max(memory, std::min(busy, hbm));
    compute = std::max(compute, busy - std::min(busy, hbm));
  }
  candidates.push_back({"HBM bandwidth", memory,
                        "keep data on chip: larger tiles, fused producer and consumer, or a consumer soon after its producer (L2)"});
  candidates.push_back({"compute", compute, "the cores are busy: cheaper kernels or a larger machine; the schedule is not the limit"});
  candidates.push_back({"critical path", static_cast<double>(a.static_critical_path_ns) / makespan,
                        "the dependency chain sets the pace: shorten the critical path (split its long tasks, early dispatch)"});
  const Candidate* best = &candidates.front();
  for (const auto& c : candidates)
    if (c.share > best->share) best = &c;
  a.bound_by = best->name;
  a.advice = best->advice;
}

}  // namespace tg
