#include "trace/ranks_trace.hpp"

#include <sstream>

#include <nlohmann/json.hpp>

#include "runtime/atomic_file.hpp"
#include "tasks/scope.hpp"
#include "trace/html.hpp"

namespace tg {
namespace {

// Atomic as every other trace file (docs/cli.md, "Output files"): a failed or interrupted
// write leaves the previous file, never half of one.
void write_text(const std::string& text, const std::string& path) {
  write_stream_atomically(path, [&](std::ostream& out) { out << text; });
}

}  // namespace

RankTimeline rank_timeline(int rank, const Graph& graph, const Timeline& timeline) {
  RankTimeline r;
  r.rank = rank;
  r.graph_name = graph.name();
  for (const Task& task : graph.tasks()) {
    r.task_labels.push_back(task.label());
    r.task_kinds.push_back(task.kind);
    r.task_blocks.push_back(task.block_num);
  }
  for (const Edge& e : graph.edges()) r.edges.emplace_back(e.from, e.to);
  r.timeline = timeline;
  return r;
}

std::string ranks_perfetto_string(const std::vector<RankTimeline>& ranks) {
  constexpr int kFirstTid = 10;  // above the pids, as trace/perfetto.hpp does
  std::ostringstream out;
  out << "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"ranks\":" << ranks.size() << "},\"traceEvents\":[\n";
  bool first = true;
  auto event = [&](const nlohmann::json& e) {
    out << (first ? "" : ",\n") << e.dump();
    first = false;
  };
  for (const RankTimeline& r : ranks) {
    const int pid = r.rank + 1;
    event({{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"args", {{"name", "rank " + std::to_string(r.rank)}}}});
    event({{"ph", "M"}, {"name", "process_sort_index"}, {"pid", pid}, {"args", {{"sort_index", r.rank}}}});
    for (std::size_t l = 0; l < r.timeline.lanes.size(); ++l)
      event({{"ph", "M"}, {"name", "thread_name"}, {"pid", pid}, {"tid", kFirstTid + static_cast<int>(l)},
             {"args", {{"name", r.timeline.lanes[l].name}}}});
    for (const TimelineRow& row : r.timeline.rows()) {
      const std::string& label = row.task < r.task_labels.size() ? r.task_labels[row.task] : std::string("?");
      event({{"ph", "X"}, {"name", label}, {"cat", "task"}, {"pid", pid}, {"tid", kFirstTid + row.lane},
             {"ts", static_cast<double>(row.start_ns) / 1e3}, {"dur", static_cast<double>(row.end_ns - row.start_ns) / 1e3},
             {"args", {{"block", row.block}, {"rank", r.rank}}}});
    }
  }
  out << "\n]}\n";
  return out.str();
}

void write_ranks_perfetto(const std::vector<RankTimeline>& ranks, const std::string& path) {
  write_text(ranks_perfetto_string(ranks), path);
}

void write_ranks_html(const std::vector<RankTimeline>& ranks, const std::string& path) {
  Scope merged{"ranks"};
  Timeline timeline;
  timeline.source = std::to_string(ranks.size()) + " ranks";
  for (const RankTimeline& r : ranks) {
    const TaskId task_base = static_cast<TaskId>(merged.num_tasks());
    const std::size_t lane_base = timeline.lanes.size();
    std::vector<std::vector<TaskId>> preds(r.task_labels.size());
    for (const auto& [from, to] : r.edges) preds.at(to).push_back(from);
    for (std::size_t t = 0; t < r.task_labels.size(); ++t) {
      TaskRef task = merged.submit(r.task_kinds.at(t), "r" + std::to_string(r.rank) + ":" + r.task_labels[t], std::vector<Arg>{}, Kernel{});
      task.blocks(r.task_blocks.at(t));
      for (TaskId p : preds[t]) task.after(task_base + p);
    }
    for (const Lane& lane : r.timeline.lanes)
      timeline.lanes.push_back(Lane{"rank " + std::to_string(r.rank) + " / " + lane.name, lane.kind, r.rank});
    for (TimelineRow row : r.timeline.rows()) {
      row.task += task_base;
      row.lane = static_cast<std::uint16_t>(row.lane + lane_base);
      timeline.add_row(row);
    }
    timeline.makespan_ns = std::max(timeline.makespan_ns, r.timeline.makespan_ns);
  }
  const Graph graph = merged.finalize({.lint = Lint::Off});
  write_stream_atomically(path, [&](std::ostream& out) { write_html_swimlane(graph, timeline, out); });
}

}  // namespace tg
