#include "trace/perfetto.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "runtime/error.hpp"
#include "trace/common.hpp"
#include "trace/counters.hpp"
#include "tasks/transitive_reduction.hpp"

namespace tg {
namespace {

using nlohmann::json;

// A slice lists at most this many edges each way; the rest are counted, not dropped silently.
constexpr std::size_t kMaxListedEdges = 16;

double to_us(std::int64_t ns) { return static_cast<double>(ns) / 1000.0; }
int tid_of(std::uint16_t lane) { return kFirstLaneTid + lane; }

// Invalid UTF-8 in a user's task or buffer name is shown as U+FFFD instead of failing.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

class EventWriter {
 public:
  explicit EventWriter(std::ostream& out) : out_(out) {}
  void operator()(const json& event) {
    out_ << (first_ ? "\n" : ",\n") << dump(event);
    first_ = false;
  }

 private:
  std::ostream& out_;
  bool first_ = true;
};

json edge_list(const Graph& graph, std::span<const std::uint32_t> edge_ids, bool incoming) {
  json list = json::array();
  for (std::size_t i = 0; i < edge_ids.size() && i < kMaxListedEdges; ++i) {
    const Edge& e = graph.edges()[edge_ids[i]];
    list.push_back(describe_edge(graph, e) + (incoming ? " from " : " to ") +
                   graph.task(incoming ? e.from : e.to).label());
  }
  if (edge_ids.size() > kMaxListedEdges) list.push_back("... and " + std::to_string(edge_ids.size() - kMaxListedEdges) + " more");
  return list;
}

json slice_event(const Graph& graph, const TimelineRow& r) {
  const Task& task = graph.task(r.task);
  json args = json::object();
  args["task"] = task.label();
  args["kind"] = std::string(name_of(task.kind));
  args["block"] = std::to_string(r.block) + " of " + std::to_string(task.block_num);
  if (task.kind == TaskKind::Mix) args["subslot"] = std::string(subslot_name(r.subslot));
  if (const std::string tile = describe_block_writes(task, r.block); !tile.empty()) args["block_writes"] = tile;
  json task_args = json::array();
  for (const Arg& a : task.args) task_args.push_back(describe_arg(a));
  args["args"] = std::move(task_args);
  args["in_edges"] = edge_list(graph, graph.in_edges(r.task), true);
  args["out_edges"] = edge_list(graph, graph.out_edges(r.task), false);
  args["submit_ns"] = r.submit_ns;
  args["ready_ns"] = r.ready_ns;
  args["dispatch_ns"] = r.dispatch_ns;
  args["start_ns"] = r.start_ns;
  args["end_ns"] = r.end_ns;
  args["finish_ns"] = r.finish_ns;
  return json{{"ph", "X"}, {"name", task.name}, {"cat", "task"}, {"ts", to_us(r.start_ns)},
              {"dur", to_us(r.end_ns - r.start_ns)}, {"pid", kTracePid}, {"tid", tid_of(r.lane)},
              {"args", std::move(args)}};
}

}  // namespace

void write_perfetto_trace(const Graph& graph, const Timeline& timeline, std::ostream& out) {
  check_timeline(graph, timeline);
  const auto reduction = transitive_reduction(graph);
  const auto ends = task_ends(graph, timeline);
  std::size_t flows_without_rows = 0;
  for (std::uint32_t e : reduction.edges) {
    const Edge& edge = graph.edges()[e];
    if (ends[edge.from].last_end_row == kNoRow || ends[edge.to].first_start_row == kNoRow) ++flows_without_rows;
  }

  json other = json::object();
  other["graph"] = graph.name();
  other["source"] = timeline.source;
  other["tasks"] = graph.num_tasks();
  other["rows"] = timeline.rows().size();
  other["makespan_ns"] = timeline.makespan_ns;
  other["flow_edges"] = reduction.summary(graph);
  if (flows_without_rows > 0)
    other["flow_edges_not_drawn"] = std::to_string(flows_without_rows) + " edges touch a task with no timeline rows";
  out << "{\"displayTimeUnit\":\"ns\",\"otherData\":" << dump(other) << ",\"traceEvents\":[";
  EventWriter emit(out);

  emit(json{{"ph", "M"}, {"name", "process_name"}, {"pid", kTracePid}, {"tid", 0},
            {"args", {{"name", graph.name() + " on " + timeline.source}}}});
  for (std::size_t l = 0; l < timeline.lanes.size(); ++l) {
    const int tid = tid_of(static_cast<std::uint16_t>(l));
    emit(json{{"ph", "M"}, {"name", "thread_name"}, {"pid", kTracePid}, {"tid", tid},
              {"args", {{"name", timeline.lanes[l].name}}}});
    emit(json{{"ph", "M"}, {"name", "thread_sort_index"}, {"pid", kTracePid}, {"tid", tid},
              {"args", {{"sort_index", l}}}});
  }
  for (const auto& row : timeline.rows()) emit(slice_event(graph, row));
  for (const auto& span : timeline.scheduler_spans()) {
    const Task& task = graph.task(span.task);
    emit(json{{"ph", "X"}, {"name", "dispatch " + task.name}, {"cat", "scheduler"}, {"ts", to_us(span.begin_ns)},
              {"dur", to_us(span.end_ns - span.begin_ns)}, {"pid", kTracePid}, {"tid", tid_of(span.lane)},
              {"args", {{"task", task.label()}, {"block", span.block}}}});
  }

  // An arrow leaves the producer's last-ending row (what releases the consumer) and enters
  // the consumer's first-starting row. "s" binds to the slice enclosing its ts; "f" with
  // bp "e" likewise; both sit at their slice's start so Chrome's (pid, tid, ts) match works.
  std::uint64_t flow_id = 0;
  for (std::uint32_t e : reduction.edges) {
    const Edge& edge = graph.edges()[e];
    const std::size_t from_row = ends[edge.from].last_end_row, to_row = ends[edge.to].first_start_row;
    ++flow_id;
    if (from_row == kNoRow || to_row == kNoRow) continue;
    const TimelineRow& src = timeline.rows()[from_row];
    const TimelineRow& dst = timeline.rows()[to_row];
    const std::string name{name_of(edge.kind)};
    emit(json{{"ph", "s"}, {"id", flow_id}, {"name", name}, {"cat", "task"}, {"ts", to_us(src.start_ns)},
              {"pid", kTracePid}, {"tid", tid_of(src.lane)}});
    emit(json{{"ph", "f"}, {"bp", "e"}, {"id", flow_id}, {"name", name}, {"cat", "task"},
              {"ts", to_us(dst.start_ns)}, {"pid", kTracePid}, {"tid", tid_of(dst.lane)}});
  }

  for (const auto& series : trace_counters(graph, timeline))
    for (const auto& p : series.points)
      emit(json{{"ph", "C"}, {"name", series.name}, {"ts", to_us(p.ts_ns)}, {"pid", kTracePid}, {"tid", 0},
                {"args", {{series.unit, p.value}}}});
  out << "\n]}\n";
}

void write_perfetto_trace(const Graph& graph, const Timeline& timeline, const std::string& path) {
  std::ofstream file(path, std::ios::binary);
  if (!file) throw IoError("cannot open '" + path + "' to write the trace: " + std::strerror(errno) + "; check that the directory exists and is writable");
  write_perfetto_trace(graph, timeline, file);
  file.close();
  if (!file) throw IoError("writing the trace '" + path + "' failed (disk full?)");
}

std::string perfetto_trace_string(const Graph& graph, const Timeline& timeline) {
  std::ostringstream out;
  write_perfetto_trace(graph, timeline, out);
  return out.str();
}

}  // namespace tg
