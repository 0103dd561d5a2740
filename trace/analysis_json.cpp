#include "trace/analysis_json.hpp"

#include <nlohmann/json.hpp>

namespace tg {

std::string analysis_to_json(const ScheduleAnalysis& a) {
  using json = nlohmann::ordered_json;
  json engines = json::array();
  for (const EngineStats& e : a.engines)
    engines.push_back({{"engine", e.engine}, {"cores", e.cores}, {"utilisation", e.utilisation},
                       {"sched_overhead_pct", e.sched_overhead_pct}});
  const PathGaps& g = a.observed_gaps;
  const json doc = {{"source", a.source},
                    {"makespan_ns", a.makespan_ns},
                    {"static_critical_path_ns", a.static_critical_path_ns},
                    {"static_critical_path_tasks", a.static_critical_path.size()},
                    {"observed_critical_path_ns", a.observed_critical_path_ns},
                    {"observed_critical_path_tasks", a.observed_critical_path.size()},
                    {"observed_gaps", {{"compute_ns", g.compute_ns}, {"fin_detection_ns", g.fin_detection_ns},
                                       {"ready_undispatched_ns", g.ready_undispatched_ns}, {"pickup_ns", g.pickup_ns},
                                       {"other_ns", g.other_ns}}},
                    {"engines", std::move(engines)},
                    {"sched_overhead_all_pct", a.sched_overhead_all_pct},
                    {"sched_overhead_any_pct", a.sched_overhead_has_pct}};
  return doc.dump(2, ' ', false, json::error_handler_t::replace);
}

std::string json_quoted(std::string_view text) {
  return nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tg
