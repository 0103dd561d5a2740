// The schedule analysis as one JSON object for scripts. The keys are stable: new figures
// get new keys, existing keys keep their meaning and unit (ns, percent, fractions).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "trace/schedule_analysis.hpp"

namespace tg {

namespace {
using nlohmann::json;

json analysis_object(const ScheduleAnalysis& a) {
  const auto& g = a.observed_gaps;
  json engines = json::array();
  for (const auto& e : a.engines)
    engines.push_back({{"engine", e.engine},
                       {"cores", e.cores},
                       {"utilisation", e.utilisation},
                       {"sched_overhead_pct", e.sched_overhead_pct}});
  json out = {
      {"source", a.source},
      {"makespan_ns", a.makespan_ns},
      {"static_critical_path_ns", a.static_critical_path_ns},
      {"static_critical_path_tasks", a.static_critical_path.size()},
      {"observed_critical_path_ns", a.observed_critical_path_ns},
      {"observed_critical_path_tasks", a.observed_critical_path.size()},
      {"gaps_ns",
       {{"compute", g.compute_ns},
        {"fin_detection", g.fin_detection_ns},
        {"ready_undispatched", g.ready_undispatched_ns},
        {"pickup", g.pickup_ns},
        {"other", g.other_ns}}},
      {"engines", engines},
      {"sched_overhead_all_pct", a.sched_overhead_all_pct},
      {"sched_overhead_has_pct", a.sched_overhead_has_pct},
      {"bound_by", a.bound_by},
      {"advice", a.advice},
      {"model", nullptr},
  };
  if (a.model) {
    const ChipModelStats& m = *a.model;
    out["model"] = {
        {"orchestrator_busy_ns", m.orchestrator_busy_ns},
        {"orchestrator_end_ns", m.orchestrator_end_ns},
        {"orchestrator_stall_ns", m.orchestrator_stall_ns},
        {"scheduler_busy_ns", m.scheduler_busy_ns},
        {"completion_wait_ns", m.completion_wait_ns},
        {"head_overhead_ns", m.head_overhead_ns},
        {"cold_start_ns", m.cold_start_ns},
        {"switch_ns", m.switch_ns},
        {"hbm_bound_ns", {{"AIC", m.hbm_bound_ns[0]}, {"AIV", m.hbm_bound_ns[1]}}},
        {"l2_bound_ns", {{"AIC", m.l2_bound_ns[0]}, {"AIV", m.l2_bound_ns[1]}}},
        {"hbm_bytes", m.hbm_bytes},
        {"l2_hit_bytes", m.l2_hit_bytes},
        {"jitter_seed", m.jitter_seed ? json(*m.jitter_seed) : json(nullptr)},
    };
  }
  return out;
}
}  // namespace

std::string analysis_json(const ScheduleAnalysis& a) { return analysis_object(a).dump(); }

SeedSpread seed_spread(const std::vector<std::int64_t>& makespans_ns) {
  SeedSpread s;
  if (makespans_ns.empty()) return s;
  s.min_ns = *std::min_element(makespans_ns.begin(), makespans_ns.end());
  s.max_ns = *std::max_element(makespans_ns.begin(), makespans_ns.end());
  for (std::int64_t m : makespans_ns) s.mean_ns += static_cast<double>(m);
  s.mean_ns /= static_cast<double>(makespans_ns.size());
  for (std::int64_t m : makespans_ns) s.stddev_ns += (static_cast<double>(m) - s.mean_ns) * (static_cast<double>(m) - s.mean_ns);
  s.stddev_ns = std::sqrt(s.stddev_ns / static_cast<double>(makespans_ns.size()));
  return s;
}

std::string report_json(const std::vector<std::pair<std::string, std::string>>& header, const std::vector<RunReport>& runs) {
  json out = json::object();
  for (const auto& [key, value] : header) out[key] = value;
  json list = json::array();
  for (const auto& r : runs) {
    json run = {{"strategy", r.strategy}, {"analysis", analysis_object(r.analysis)}, {"seeds", nullptr}};
    for (const auto& [key, value] : r.figures) run[key] = value;
    if (!r.seed_makespans_ns.empty()) {
      const SeedSpread s = seed_spread(r.seed_makespans_ns);
      run["seeds"] = {{"count", r.seed_makespans_ns.size()},
                      {"makespan_mean_ns", s.mean_ns},
                      {"makespan_stddev_ns", s.stddev_ns},
                      {"makespan_min_ns", s.min_ns},
                      {"makespan_max_ns", s.max_ns}};
    }
    list.push_back(run);
  }
  out["runs"] = list;
  return out.dump(2);
}

}  // namespace tg
