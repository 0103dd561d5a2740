#include "trace/capture_export.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <ostream>

#include "runtime/atomic_file.hpp"
#include "runtime/error.hpp"
#include "trace/common.hpp"

namespace tg {
namespace {

using json = nlohmann::ordered_json;

// Capture core ids follow the device's numbering: every AIC first, then the AIV cores in
// pairs per group (AIV0 of group 0, AIV1 of group 0, ...), then host lanes (an extension:
// the device has none).
std::vector<std::uint16_t> cores_in_capture_order(const Timeline& timeline) {
  std::vector<std::uint16_t> cores;
  auto rank = [&](std::uint16_t lane) {
    const LaneKind k = timeline.lanes[lane].kind;
    return k == LaneKind::Aic ? 0 : k == LaneKind::Aiv ? 1 : 2;
  };
  for (std::uint16_t lane = 0; lane < timeline.lanes.size(); ++lane)
    if (timeline.lanes[lane].kind != LaneKind::Scheduler) cores.push_back(lane);
  std::stable_sort(cores.begin(), cores.end(), [&](std::uint16_t a, std::uint16_t b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return timeline.lanes[a].group < timeline.lanes[b].group;
  });
  return cores;
}

std::string_view core_type_word(LaneKind kind) {
  return kind == LaneKind::Aic ? "aic" : kind == LaneKind::Aiv ? "aiv" : "host";
}

// kernel_ids [aic, aiv0, aiv1]: the callable on each subslot, -1 where the task has none.
json kernel_ids(const Task& task, int callable) {
  json ids = json::array({-1, -1, -1});
  switch (task.kind) {
    case TaskKind::Cube: ids[0] = callable; break;
    case TaskKind::Vector: ids[1] = callable; break;
    case TaskKind::Mix:
      for (int slot = 0; slot < 3; ++slot)
        if (task.mix_slots & (1u << slot)) ids[slot] = callable;
      break;
    case TaskKind::Host: break;
  }
  return ids;
}

std::string records_text(const Graph& graph, const Timeline& timeline, const CaptureExportOptions& o) {
  auto cycles = [&](std::int64_t ns) {
    const long double c = static_cast<long double>(ns) * static_cast<long double>(o.clock_freq_hz) / 1e9L;
    return o.base_cycles + static_cast<std::uint64_t>(std::llround(c));
  };
  const std::vector<std::uint16_t> cores = cores_in_capture_order(timeline);
  std::vector<int> core_of_lane(timeline.lanes.size(), -1);
  json core_types = json::array(), core_groups = json::array();
  for (std::size_t c = 0; c < cores.size(); ++c) {
    core_of_lane[cores[c]] = static_cast<int>(c);
    core_types.push_back(core_type_word(timeline.lanes[cores[c]].kind));
    core_groups.push_back(timeline.lanes[cores[c]].group);
  }
  std::vector<int> thread_of_lane(timeline.lanes.size(), -1);
  int threads = 0;
  for (std::size_t lane = 0; lane < timeline.lanes.size(); ++lane)
    if (timeline.lanes[lane].kind == LaneKind::Scheduler) thread_of_lane[lane] = threads++;

  json doc;
  doc["chip_swimlane_level"] = 4;
  doc["metadata"] = {{"clock_freq_hz", o.clock_freq_hz},
                     {"num_cores", cores.size()},
                     {"core_types", core_types},
                     {"tilegraph", {{"source", timeline.source},
                                    {"graph", graph.name()},
                                    {"base_cycles", o.base_cycles},
                                    {"makespan_cycles", cycles(timeline.makespan_ns)},
                                    {"core_groups", core_groups}}}};

  // Per core in start order, as the device buffers hold them; reg_task_id counts per core.
  std::vector<std::size_t> order(timeline.rows().size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto& packed = timeline.packed_rows();
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const int ca = core_of_lane[packed[a].lane], cb = core_of_lane[packed[b].lane];
    return ca != cb ? ca < cb : packed[a].start < packed[b].start;
  });
  json aicore = json::array(), aicpu = json::array();
  std::vector<std::uint64_t> next_reg(cores.size(), 1);
  for (std::size_t i : order) {
    const TimelineRow r = timeline.row(i);
    const int core = core_of_lane[r.lane];
    if (core < 0) throw Error("timeline row " + std::to_string(i) + " (task '" + graph.task(r.task).label() +
                              "') is on scheduler lane '" + timeline.lanes[r.lane].name + "'; rows belong on cores");
    const std::uint64_t reg = next_reg[static_cast<std::size_t>(core)]++;
    aicore.push_back(json::array({core, r.task, reg, cycles(r.start_ns), cycles(r.end_ns), 0, r.block}));
    aicpu.push_back(json::array({core, reg, cycles(r.dispatch_ns), cycles(r.finish_ns)}));
  }
  doc["aicore_tasks"] = std::move(aicore);
  doc["aicpu_tasks"] = std::move(aicpu);

  json sched = json::array();
  for (int t = 0; t < threads; ++t) sched.push_back(json::array());
  std::vector<std::int64_t> loop_iter(static_cast<std::size_t>(threads), 0);
  for (const LaneSpan s : timeline.scheduler_spans()) {
    const int thread = thread_of_lane.at(s.lane);
    if (thread < 0) continue;  // check_timeline() names spans off the scheduler lanes
    sched[static_cast<std::size_t>(thread)].push_back(
        {{"kind", "dispatch"}, {"start_cycles", cycles(s.begin_ns)}, {"end_cycles", cycles(s.end_ns)},
         {"loop_iter", loop_iter[static_cast<std::size_t>(thread)]++}, {"tasks_processed", 1},
         {"pop_hit", 1}, {"pop_miss", 0}, {"task_id", s.task}, {"block", s.block}});
  }
  doc["aicpu_scheduler_phases"] = std::move(sched);

  // One orchestrator lane submitting in task order: a submit runs from the previous one's end.
  json orch = json::array();
  std::int64_t previous_ns = 0;
  for (TaskId t = 0; t < graph.num_tasks(); ++t) {
    const std::int64_t submit = timeline.submit_ns(t);
    orch.push_back({{"submit_idx", t}, {"task_id", t}, {"start_cycles", cycles(std::min(previous_ns, submit))},
                    {"end_cycles", cycles(submit)}, {"ready_cycles", cycles(timeline.ready_ns(t))}});
    previous_ns = submit;
  }
  doc["aicpu_orchestrator_phases"] = json::array({std::move(orch)});
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string deps_text(const Graph& graph, const std::map<std::string, int>& callables) {
  json tasks = json::array();
  for (const Task& t : graph.tasks())
    tasks.push_back({{"task_id", std::to_string(t.id)},
                     {"scope", "auto"},
                     {"kernel_ids", kernel_ids(t, callables.at(t.name))},
                     {"block_num", t.block_num},
                     {"args", json::array()},
                     {"name", t.name},
                     {"kind", name_of(t.kind)},
                     {"kernel", t.kernel_name}});
  json edges = json::array();
  for (const Edge& e : graph.edges()) {
    const bool expl = e.kind == EdgeKind::Explicit;
    json edge = {{"pred", std::to_string(e.from)},
                 {"succ", std::to_string(e.to)},
                 {"arg", expl ? -1 : e.to_arg},
                 {"source", expl ? "explicit" : "tensormap"},
                 {"flags", expl ? json::array({"wait", "retain"}) : json::array({"wait"})},
                 {"kind", name_of(e.kind)}};
    if (!expl) edge["buffer"] = buffer_name(graph, e.buffer);
    edges.push_back(std::move(edge));
  }
  json doc = {{"tasks", std::move(tasks)}, {"tensors", json::array()}, {"edges", std::move(edges)}};
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

CaptureTexts capture_texts(const Graph& graph, const Timeline& timeline, const CaptureExportOptions& options) {
  if (options.clock_freq_hz < 1 || options.clock_freq_hz > capture::kMaxClockHz)
    throw ConfigError(ErrorContext{.option = "clock_freq_hz"},
                      "clock of " + std::to_string(options.clock_freq_hz) + " Hz; expected 1 Hz to 10 GHz");
  check_timeline(graph, timeline);
  // Callable ids by task name, in order of first appearance: the name map names them.
  std::map<std::string, int> callables;
  json names = json::object();
  for (const Task& t : graph.tasks())
    if (callables.emplace(t.name, static_cast<int>(callables.size())).second)
      names[std::to_string(callables.size() - 1)] = t.name;
  const json name_map = {{"level", 2}, {"orchestrator_name", graph.name()}, {"callable_id_to_name", names}};
  return CaptureTexts{records_text(graph, timeline, options), deps_text(graph, callables), name_map.dump(1, ' ', false, json::error_handler_t::replace)};
}

void write_capture(const Graph& graph, const Timeline& timeline, const std::string& folder,
                   const CaptureExportOptions& options) {
  const CaptureTexts texts = capture_texts(graph, timeline, options);
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) throw IoError(ErrorContext{.file = folder}, "cannot create the capture folder: " + ec.message());
  const std::filesystem::path dir(folder);
  const std::pair<std::string_view, const std::string*> files[] = {
      {capture::kRecordsFile, &texts.records}, {capture::kDepsFile, &texts.deps}, {capture::kNameMapFile, &texts.name_map}};
  for (const auto& file : files) {
    const std::string& text = *file.second;  // a plain name: clang 14 cannot capture a structured binding
    write_stream_atomically(dir / file.first, [&](std::ostream& out) { out << text << "\n"; });
  }
}

}  // namespace tg
