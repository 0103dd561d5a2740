#include "trace/timeline_diff.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <iomanip>
#include <map>
#include <sstream>

#include "runtime/error.hpp"
#include "trace/common.hpp"

namespace tg {
namespace {

// Names the importer makes up when a capture has no deps.json or name map: they say nothing
// about which task it is, so they match any name.
bool placeholder_name(const std::string& name) { return name == "task" || name.rfind("func_", 0) == 0; }

void check_same_graph(const Graph& a, const Graph& b) {
  if (a.num_tasks() != b.num_tasks())
    throw ConfigError("the timelines are of different graphs: '" + a.name() + "' has " + std::to_string(a.num_tasks()) +
                      " tasks, '" + b.name() + "' has " + std::to_string(b.num_tasks()) +
                      "; diff two runs of the same scope");
  for (TaskId t = 0; t < a.num_tasks(); ++t) {
    const Task &x = a.task(t), &y = b.task(t);
    const bool names_differ = x.name != y.name && !placeholder_name(x.name) && !placeholder_name(y.name);
    if (names_differ || x.kind != y.kind)
      throw ConfigError(ErrorContext{.task_id = t, .task = x.label()},
                        "is " + std::string(name_of(x.kind)) + " '" + x.name + "' in the measured run but " +
                            std::string(name_of(y.kind)) + " '" + y.name + "' in the simulated one; diff two runs of the same scope");
  }
}

GroupDiff& group(std::map<std::string, GroupDiff>& groups, const std::string& name) {
  GroupDiff& g = groups[name];
  g.name = name;
  return g;
}

std::vector<GroupDiff> by_error(std::map<std::string, GroupDiff> groups) {
  std::vector<GroupDiff> out;
  for (auto& [name, g] : groups) out.push_back(std::move(g));
  std::stable_sort(out.begin(), out.end(), [](const GroupDiff& a, const GroupDiff& b) { return a.abs_error_ns > b.abs_error_ns; });
  return out;
}

std::string us(std::int64_t ns) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(2) << static_cast<double>(ns) / 1000.0 << " us";
  return os.str();
}

std::string signed_us(std::int64_t ns) { return (ns > 0 ? "+" : "") + us(ns); }

void add_gaps(GapTotals& total, const TaskTimes& t) {
  total.orchestration_ns += t.orchestration_ns;
  total.fin_ns += t.fin_ns;
  total.ready_undispatched_ns += t.ready_undispatched_ns;
  total.switch_ns += t.switch_ns;
}

}  // namespace

double TimelineDiff::makespan_error_pct() const {
  return measured_makespan_ns ? 100.0 * static_cast<double>(makespan_error_ns()) / static_cast<double>(measured_makespan_ns) : 0.0;
}

std::vector<const TaskDiff*> TimelineDiff::largest_errors(std::size_t n) const {
  std::vector<const TaskDiff*> out;
  for (const TaskDiff& t : tasks)
    if (t.start_error_ns() != 0 || t.duration_error_ns() != 0) out.push_back(&t);
  auto weight = [](const TaskDiff* t) { return std::llabs(t->start_error_ns()) + std::llabs(t->duration_error_ns()); };
  std::stable_sort(out.begin(), out.end(), [&](const TaskDiff* a, const TaskDiff* b) { return weight(a) > weight(b); });
  if (out.size() > n) out.resize(n);
  return out;
}

std::vector<TaskTimes> task_times(const Graph& graph, const Timeline& timeline) {
  check_timeline(graph, timeline);
  const std::size_t n = graph.num_tasks();
  std::vector<TaskTimes> times(n);
  std::vector<std::int64_t> first_dispatch(n, 0), last_finish(n, 0), last_end(n, 0);
  for (const TimelineRow r : timeline.rows()) {
    TaskTimes& t = times[r.task];
    if (!t.ran) {
      t.ran = true;
      t.start_ns = r.start_ns;
      t.end_ns = r.end_ns;
      first_dispatch[r.task] = r.dispatch_ns;
    }
    t.start_ns = std::min(t.start_ns, r.start_ns);
    t.end_ns = std::max(t.end_ns, r.end_ns);
    first_dispatch[r.task] = std::min(first_dispatch[r.task], r.dispatch_ns);
    last_finish[r.task] = std::max(last_finish[r.task], r.finish_ns);
    last_end[r.task] = std::max(last_end[r.task], r.end_ns);
  }
  for (TaskId id = 0; id < n; ++id) {
    TaskTimes& t = times[id];
    if (!t.ran) continue;
    t.duration_ns = t.end_ns - t.start_ns;
    // The deciding producer: the one whose FIN came last.
    std::int64_t inputs_done = 0, deciding_end = 0, deciding_finish = 0;
    for (const TaskId p : graph.predecessors(id))
      if (times[p].ran && last_finish[p] >= inputs_done) {
        inputs_done = last_finish[p];
        deciding_end = last_end[p];
        deciding_finish = last_finish[p];
      }
    const std::int64_t submit = timeline.submit_ns(id), ready = timeline.ready_ns(id);
    t.orchestration_ns = std::max<std::int64_t>(0, submit - inputs_done);
    t.fin_ns = std::max<std::int64_t>(0, deciding_finish - deciding_end);
    t.ready_undispatched_ns = std::max<std::int64_t>(0, first_dispatch[id] - ready);
    t.switch_ns = std::max<std::int64_t>(0, t.start_ns - std::max(first_dispatch[id], ready));
  }
  return times;
}

TimelineDiff diff_timelines(const Graph& measured_graph, const Timeline& measured, const Graph& simulated_graph,
                            const Timeline& simulated) {
  check_same_graph(measured_graph, simulated_graph);
  const std::vector<TaskTimes> a = task_times(measured_graph, measured), b = task_times(simulated_graph, simulated);
  TimelineDiff d;
  d.measured_source = measured.source;
  d.simulated_source = simulated.source;
  d.measured_makespan_ns = measured.makespan_ns;
  d.simulated_makespan_ns = simulated.makespan_ns;
  std::map<std::string, GroupDiff> kernels, resources;
  for (TaskId t = 0; t < measured_graph.num_tasks(); ++t) {
    if (!a[t].ran || !b[t].ran) {
      d.tasks_missing += a[t].ran != b[t].ran;
      continue;
    }
    const Task& task = simulated_graph.task(t);
    TaskDiff td{t, task.label(), task.kernel_name.empty() ? task.name : task.kernel_name,
                std::string(core_type_of(task.kind)), a[t], b[t]};
    for (GroupDiff* g : {&group(kernels, td.kernel), &group(resources, td.resource)}) {
      ++g->tasks;
      g->measured_ns += a[t].duration_ns;
      g->simulated_ns += b[t].duration_ns;
      g->abs_error_ns += std::llabs(td.duration_error_ns());
    }
    add_gaps(d.measured_gaps, a[t]);
    add_gaps(d.simulated_gaps, b[t]);
    d.tasks.push_back(std::move(td));
  }
  d.kernels = by_error(std::move(kernels));
  d.resources = by_error(std::move(resources));
  return d;
}

std::string format_diff(const TimelineDiff& d, std::size_t top) {
  std::ostringstream os;
  os << "measured:  " << d.measured_source << "\nsimulated: " << d.simulated_source << "\n";
  os << "makespan: measured " << us(d.measured_makespan_ns) << ", simulated " << us(d.simulated_makespan_ns) << ", error "
     << signed_us(d.makespan_error_ns()) << " (" << std::showpos << std::fixed << std::setprecision(1)
     << d.makespan_error_pct() << std::noshowpos << "%)\n";
  os << d.tasks.size() << " tasks lined up" << (d.tasks_missing ? ", " + std::to_string(d.tasks_missing) + " ran in only one" : "")
     << "\n";
  const auto worst = d.largest_errors(top);
  if (worst.empty()) {
    os << "no task differs in start or duration\n";
  } else {
    os << "tasks with the largest error (simulated - measured):\n";
    for (const TaskDiff* t : worst)
      os << "  " << std::left << std::setw(28) << t->label << std::right << " " << std::setw(5) << t->resource
         << "  start " << std::setw(12) << signed_us(t->start_error_ns()) << "  duration " << std::setw(12)
         << signed_us(t->duration_error_ns()) << "  (measured " << us(t->measured.duration_ns) << ")\n";
  }
  auto groups = [&](const char* title, const std::vector<GroupDiff>& list) {
    os << title << " by duration error (sum of |error|; measured -> simulated busy time):\n";
    for (std::size_t i = 0; i < list.size() && i < top; ++i)
      os << "  " << std::left << std::setw(28) << list[i].name << std::right << " " << std::setw(4) << list[i].tasks
         << " tasks  " << std::setw(12) << us(list[i].abs_error_ns) << "  " << us(list[i].measured_ns) << " -> "
         << us(list[i].simulated_ns) << "\n";
  };
  groups("kernels", d.kernels);
  groups("resources", d.resources);
  os << "waits summed over tasks (measured -> simulated):\n"
     << "  orchestration       " << us(d.measured_gaps.orchestration_ns) << " -> " << us(d.simulated_gaps.orchestration_ns) << "\n"
     << "  FIN detection       " << us(d.measured_gaps.fin_ns) << " -> " << us(d.simulated_gaps.fin_ns) << "\n"
     << "  ready-undispatched  " << us(d.measured_gaps.ready_undispatched_ns) << " -> "
     << us(d.simulated_gaps.ready_undispatched_ns) << "\n"
     << "  switch              " << us(d.measured_gaps.switch_ns) << " -> " << us(d.simulated_gaps.switch_ns) << "\n";
  return os.str();
}

std::string diff_to_json(const TimelineDiff& d, std::size_t top) {
  using json = nlohmann::ordered_json;
  auto gaps = [](const GapTotals& g) {
    return json{{"orchestration_ns", g.orchestration_ns}, {"fin_ns", g.fin_ns},
                {"ready_undispatched_ns", g.ready_undispatched_ns}, {"switch_ns", g.switch_ns}};
  };
  auto times = [](const TaskTimes& t) {
    return json{{"start_ns", t.start_ns}, {"duration_ns", t.duration_ns}, {"orchestration_ns", t.orchestration_ns},
                {"fin_ns", t.fin_ns}, {"ready_undispatched_ns", t.ready_undispatched_ns}, {"switch_ns", t.switch_ns}};
  };
  auto groups = [](const std::vector<GroupDiff>& list) {
    json out = json::array();
    for (const GroupDiff& g : list)
      out.push_back({{"name", g.name}, {"tasks", g.tasks}, {"measured_ns", g.measured_ns},
                     {"simulated_ns", g.simulated_ns}, {"abs_error_ns", g.abs_error_ns}});
    return out;
  };
  json tasks = json::array();
  for (const TaskDiff* t : d.largest_errors(top))
    tasks.push_back({{"task", t->task}, {"label", t->label}, {"kernel", t->kernel}, {"resource", t->resource},
                     {"start_error_ns", t->start_error_ns()}, {"duration_error_ns", t->duration_error_ns()},
                     {"measured", times(t->measured)}, {"simulated", times(t->simulated)}});
  json doc = {{"measured", d.measured_source},
              {"simulated", d.simulated_source},
              {"makespan", {{"measured_ns", d.measured_makespan_ns}, {"simulated_ns", d.simulated_makespan_ns},
                            {"error_ns", d.makespan_error_ns()}, {"error_pct", d.makespan_error_pct()}}},
              {"tasks_lined_up", d.tasks.size()},
              {"tasks_missing", d.tasks_missing},
              {"largest_errors", std::move(tasks)},
              {"kernels", groups(d.kernels)},
              {"resources", groups(d.resources)},
              {"gaps", {{"measured", gaps(d.measured_gaps)}, {"simulated", gaps(d.simulated_gaps)}}}};
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace tg
