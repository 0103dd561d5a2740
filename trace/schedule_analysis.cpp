#include "trace/schedule_analysis.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>

#include "tasks/task_cost.hpp"
#include "trace/schedule_bound.hpp"

namespace tg {
namespace {

std::string engine_name(LaneKind kind) {
  switch (kind) {
    case LaneKind::Aic: return "AIC";
    case LaneKind::Aiv: return "AIV";
    case LaneKind::Host: return "host";
    case LaneKind::Thread: return "thread";
    case LaneKind::Scheduler: return "sched";
  }
  return "?";
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  return a > std::numeric_limits<std::int64_t>::max() - b ? std::numeric_limits<std::int64_t>::max() : a + b;
}

// Per task: the earliest ready, and the row whose end decided the task's FIN.
struct TaskSummary {
  bool has_rows = false;
  std::int64_t ready = 0, finish = 0;
  TimelineRow deciding{};  // a copy: rows are decoded on access
};

std::vector<TaskSummary> summarise(const Graph& graph, const Timeline& tl) {
  std::vector<TaskSummary> s(graph.num_tasks());
  for (const auto& r : tl.rows()) {
    auto& t = s[r.task];
    if (!t.has_rows) {
      t = TaskSummary{true, r.ready_ns, r.finish_ns, r};
      continue;
    }
    t.ready = std::min(t.ready, r.ready_ns);
    t.finish = std::max(t.finish, r.finish_ns);
    if (r.end_ns > t.deciding.end_ns) t.deciding = r;
  }
  return s;
}

void static_path(const Graph& graph, const Timeline& tl, const Machine* machine, ScheduleAnalysis& a) {
  const std::size_t n = graph.num_tasks();
  std::vector<std::int64_t> weight(n, 0);
  std::vector<std::int64_t> entry(n, 0);  // paid only by a task that starts a path
  if (machine) {
    weight = isolated_block_durations(graph, *machine);
    for (TaskId t = 0; t < n; ++t)
      if (graph.task(t).kind != TaskKind::Host) {
        weight[t] += machine->fin_detect_ns + machine->completion_ns;  // until the scheduler has seen it
        entry[t] = machine->dispatch_ns + machine->pickup_ns;
      }
  } else {
    for (const auto& r : tl.rows()) weight[r.task] = std::max(weight[r.task], r.end_ns - r.start_ns);
  }
  std::vector<std::int64_t> dist(n, 0);
  std::vector<std::int64_t> via(n, -1);
  for (TaskId t : graph.topo_order()) {
    std::int64_t best = entry[t];  // a sum over a path: saturates rather than wrapping
    for (TaskId p : graph.predecessors(t))
      if (via[t] < 0 || dist[p] > best) {
        best = dist[p];
        via[t] = p;
      }
    dist[t] = saturating_add(best, weight[t]);
  }
  if (n == 0) return;
  TaskId last = 0;
  for (TaskId t = 1; t < n; ++t)
    if (dist[t] > dist[last]) last = t;
  a.static_critical_path_ns = dist[last];
  for (std::int64_t t = last; t >= 0; t = via[static_cast<std::size_t>(t)]) a.static_critical_path.push_back(static_cast<TaskId>(t));
  std::reverse(a.static_critical_path.begin(), a.static_critical_path.end());
}

void observed_path(const Graph& graph, const std::vector<TaskSummary>& s, ScheduleAnalysis& a) {
  std::int64_t last = -1;
  for (TaskId t = 0; t < s.size(); ++t)
    if (s[t].has_rows && (last < 0 || s[t].finish > s[static_cast<std::size_t>(last)].finish)) last = t;
  if (last < 0) return;
  std::vector<TaskId> path{static_cast<TaskId>(last)};
  while (true) {
    const TaskId cur = path.back();
    std::int64_t pred = -1;
    for (TaskId p : graph.predecessors(cur))
      if (s[p].has_rows && (pred < 0 || s[p].finish > s[static_cast<std::size_t>(pred)].finish)) pred = p;
    // Stop where readiness came from something else than a producer's FIN (the submit).
    if (pred < 0 || s[static_cast<std::size_t>(pred)].finish < s[cur].ready) break;
    path.push_back(static_cast<TaskId>(pred));
  }
  std::reverse(path.begin(), path.end());
  PathGaps& gaps = a.observed_gaps;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const TaskSummary& t = s[path[i]];
    const TimelineRow& r = t.deciding;
    if (i > 0) gaps.other_ns += std::max<std::int64_t>(0, t.ready - s[path[i - 1]].finish);
    gaps.ready_undispatched_ns += std::max<std::int64_t>(0, r.dispatch_ns - t.ready);
    gaps.pickup_ns += r.start_ns - std::max(r.dispatch_ns, t.ready);
    gaps.compute_ns += r.end_ns - r.start_ns;
    gaps.fin_detection_ns += t.finish - r.end_ns;
  }
  // The path covers the run from time 0: before its first task was ready (submission).
  gaps.other_ns += s[path.front()].ready;
  a.observed_critical_path = path;
  a.observed_critical_path_ns = s[path.back()].finish;
}

// Sweeps the row intervals once: per engine, busy cores (start..end) and blocks ready
// but not dispatched (ready..dispatch); overhead where both an idle core and such a block
// exist.
void engines(const Timeline& tl, ScheduleAnalysis& a) {
  std::map<LaneKind, int> cores;
  for (const auto& lane : tl.lanes)
    if (lane.kind != LaneKind::Scheduler) ++cores[lane.kind];
  std::map<LaneKind, int> index;
  for (const auto& [kind, count] : cores) {
    index[kind] = static_cast<int>(a.engines.size());
    a.engines.push_back(EngineStats{engine_name(kind), count, 0, 0});
  }
  const std::size_t ne = a.engines.size();
  struct Change {
    std::int64_t time;
    int engine;
    int busy, pending;
  };
  std::vector<Change> changes;
  std::vector<char> has_rows(ne, 0);
  std::vector<double> busy_ns(ne, 0);
  for (const auto& r : tl.rows()) {
    const int e = index[tl.lanes.at(r.lane).kind];
    has_rows[static_cast<std::size_t>(e)] = 1;
    busy_ns[static_cast<std::size_t>(e)] += static_cast<double>(r.end_ns - r.start_ns);
    changes.push_back({r.start_ns, e, +1, 0});
    changes.push_back({r.end_ns, e, -1, 0});
    if (r.dispatch_ns > r.ready_ns) {
      changes.push_back({r.ready_ns, e, 0, +1});
      changes.push_back({r.dispatch_ns, e, 0, -1});
    }
  }
  std::sort(changes.begin(), changes.end(), [](const Change& x, const Change& y) { return x.time < y.time; });
  std::vector<int> busy(ne, 0), pending(ne, 0);
  std::vector<double> over_ns(ne, 0);
  double all_ns = 0, has_ns = 0;
  for (std::size_t i = 0; i < changes.size();) {
    const std::int64_t now = changes[i].time;
    for (; i < changes.size() && changes[i].time == now; ++i) {
      busy[static_cast<std::size_t>(changes[i].engine)] += changes[i].busy;
      pending[static_cast<std::size_t>(changes[i].engine)] += changes[i].pending;
    }
    if (i == changes.size()) break;
    const double span = static_cast<double>(changes[i].time - now);
    bool all = true, any = false, counted = false;
    for (std::size_t e = 0; e < ne; ++e) {
      if (!has_rows[e]) continue;
      counted = true;
      const bool over = pending[e] > 0 && busy[e] < a.engines[e].cores;
      if (over) over_ns[e] += span;
      all = all && over;
      any = any || over;
    }
    if (counted && all) all_ns += span;
    if (any) has_ns += span;
  }
  const double makespan = static_cast<double>(std::max<std::int64_t>(1, a.makespan_ns));
  for (std::size_t e = 0; e < ne; ++e) {
    a.engines[e].utilisation = busy_ns[e] / (a.engines[e].cores * makespan);
    a.engines[e].sched_overhead_pct = 100.0 * over_ns[e] / makespan;
  }
  a.sched_overhead_all_pct = 100.0 * all_ns / makespan;
  a.sched_overhead_has_pct = 100.0 * has_ns / makespan;
}

std::string us(std::int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f us", static_cast<double>(ns) / 1000.0);
  return buf;
}
std::string pct(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", p);
  return buf;
}

std::string format_model_lines(const ScheduleAnalysis& a) {
  const ChipModelStats& m = *a.model;
  std::ostringstream os;
  os << "  orchestration: " << us(m.orchestrator_busy_ns) << " busy, last submission at " << us(m.orchestrator_end_ns)
     << ", stalled " << us(m.orchestrator_stall_ns) << " on full rings\n";
  os << "  scheduler threads busy:";
  for (std::size_t k = 0; k < m.scheduler_busy_ns.size(); ++k)
    os << (k ? "," : "") << " sched " << k << " " << us(m.scheduler_busy_ns[k]);
  os << "; completions waited " << us(m.completion_wait_ns) << " for their thread\n";
  os << "  head overhead " << us(m.head_overhead_ns) << " over all blocks (cold start " << us(m.cold_start_ns)
     << ", switch " << us(m.switch_ns) << ")\n";
  const char* types[] = {"AIC", "AIV"};
  for (int type = 0; type < 2; ++type)
    os << "  " << types[type] << ": HBM-bound " << us(m.hbm_bound_ns[type]) << ", L2/GM-link-bound "
       << us(m.l2_bound_ns[type]) << " (block time beyond compute)\n";
  char bytes[96];
  std::snprintf(bytes, sizeof bytes, "  GM traffic: %.3f MB from HBM, %.3f MB L2 hits\n", m.hbm_bytes / 1e6,
                m.l2_hit_bytes / 1e6);
  os << bytes;
  if (m.jitter_seed) os << "  jitter seed " << *m.jitter_seed << "\n";
  os << "  bound by: " << a.bound_by << " -- " << a.advice << "\n";
  return os.str();
}

}  // namespace

ScheduleAnalysis analyze_schedule(const Graph& graph, const Timeline& timeline, const Machine* machine,
                                  const ChipModelStats* model) {
  ScheduleAnalysis a;
  a.source = timeline.source;
  a.makespan_ns = timeline.makespan_ns;
  const auto summary = summarise(graph, timeline);
  static_path(graph, timeline, machine, a);
  observed_path(graph, summary, a);
  engines(timeline, a);
  if (model) {
    a.model = *model;
    decide_bound(a);
  }
  return a;
}

std::string format_analysis(const ScheduleAnalysis& a) {
  std::ostringstream os;
  os << "schedule " << a.source << "\n";
  os << "  makespan                 " << us(a.makespan_ns) << "\n";
  os << "  static critical path     " << us(a.static_critical_path_ns) << " (" << a.static_critical_path.size()
     << " tasks, infinite cores)\n";
  os << "  observed critical path   " << us(a.observed_critical_path_ns) << " (" << a.observed_critical_path.size()
     << " tasks)\n";
  const auto& g = a.observed_gaps;
  os << "    compute " << us(g.compute_ns) << ", FIN detection " << us(g.fin_detection_ns) << ", ready-undispatched "
     << us(g.ready_undispatched_ns) << ", pickup " << us(g.pickup_ns) << ", other " << us(g.other_ns) << "\n";
  for (const auto& e : a.engines)
    os << "  " << e.engine << " x" << e.cores << ": utilisation " << pct(100 * e.utilisation) << ", scheduler overhead "
       << pct(e.sched_overhead_pct) << "\n";
  os << "  scheduler overhead all engines " << pct(a.sched_overhead_all_pct) << ", any engine "
     << pct(a.sched_overhead_has_pct) << "\n";
  if (a.model) os << format_model_lines(a);
  return os.str();
}

std::string format_comparison(const std::vector<std::string>& names, const std::vector<ScheduleAnalysis>& analyses,
                              const std::vector<std::pair<std::string, std::vector<std::string>>>& extra_rows) {
  std::vector<std::pair<std::string, std::vector<std::string>>> rows;
  auto add = [&](const std::string& label, auto&& cell) {
    std::vector<std::string> cells;
    for (const auto& a : analyses) cells.push_back(cell(a));
    rows.emplace_back(label, std::move(cells));
  };
  add("makespan", [](const ScheduleAnalysis& a) { return us(a.makespan_ns); });
  add("static critical path", [](const ScheduleAnalysis& a) { return us(a.static_critical_path_ns); });
  add("observed critical path", [](const ScheduleAnalysis& a) { return us(a.observed_critical_path_ns); });
  add("  FIN detection", [](const ScheduleAnalysis& a) { return us(a.observed_gaps.fin_detection_ns); });
  add("  ready-undispatched", [](const ScheduleAnalysis& a) { return us(a.observed_gaps.ready_undispatched_ns); });
  add("  pickup", [](const ScheduleAnalysis& a) { return us(a.observed_gaps.pickup_ns); });
  std::vector<std::string> engine_names;
  for (const auto& a : analyses)
    for (const auto& e : a.engines)
      if (std::find(engine_names.begin(), engine_names.end(), e.engine) == engine_names.end()) engine_names.push_back(e.engine);
  auto engine_cell = [](const ScheduleAnalysis& a, const std::string& name, bool util) {
    for (const auto& e : a.engines)
      if (e.engine == name) return pct(util ? 100 * e.utilisation : e.sched_overhead_pct);
    return std::string("-");
  };
  for (const auto& name : engine_names)
    add(name + " utilisation", [&](const ScheduleAnalysis& a) { return engine_cell(a, name, true); });
  for (const auto& name : engine_names)
    add(name + " sched overhead", [&](const ScheduleAnalysis& a) { return engine_cell(a, name, false); });
  add("sched overhead all", [](const ScheduleAnalysis& a) { return pct(a.sched_overhead_all_pct); });
  add("sched overhead has", [](const ScheduleAnalysis& a) { return pct(a.sched_overhead_has_pct); });
  for (const auto& r : extra_rows) rows.push_back(r);

  std::size_t label_width = 0;
  for (const auto& r : rows) label_width = std::max(label_width, r.first.size());
  std::vector<std::size_t> width(names.size());
  for (std::size_t c = 0; c < names.size(); ++c) {
    width[c] = names[c].size();
    for (const auto& r : rows)
      if (c < r.second.size()) width[c] = std::max(width[c], r.second[c].size());
  }
  std::ostringstream os;
  auto line = [&](const std::string& label, const std::vector<std::string>& cells) {
    os << label << std::string(label_width - label.size(), ' ');
    for (std::size_t c = 0; c < names.size(); ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      os << "  " << std::string(width[c] - cell.size(), ' ') << cell;
    }
    os << "\n";
  };
  line("", names);
  for (const auto& r : rows) line(r.first, r.second);
  return os.str();
}

}  // namespace tg
