#include "distributed/rank_trace.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "distributed/comm_state.hpp"
#include "distributed/mpi_calls.hpp"
#include "runtime/error.hpp"
#include "tasks/scope.hpp"
#include "trace/html.hpp"

namespace tg {
namespace {

nlohmann::json to_json(const RankTimeline& r) {
  nlohmann::json j;
  j["rank"] = r.rank;
  j["graph"] = r.graph_name;
  j["labels"] = r.task_labels;
  std::vector<int> kinds;
  for (TaskKind k : r.task_kinds) kinds.push_back(static_cast<int>(k));
  j["kinds"] = kinds;
  j["blocks"] = r.task_blocks;
  j["edges"] = r.edges;
  j["source"] = r.timeline.source;
  j["makespan_ns"] = r.timeline.makespan_ns;
  nlohmann::json lanes = nlohmann::json::array();
  for (const Lane& l : r.timeline.lanes) lanes.push_back({l.name, static_cast<int>(l.kind), l.group});
  j["lanes"] = lanes;
  nlohmann::json rows = nlohmann::json::array();
  for (const TimelineRow& row : r.timeline.rows())
    rows.push_back({row.task, row.block, row.lane, row.subslot, row.submit_ns, row.ready_ns, row.dispatch_ns, row.start_ns,
                    row.end_ns, row.finish_ns});
  j["rows"] = rows;
  return j;
}

RankTimeline from_json(const nlohmann::json& j) {
  RankTimeline r;
  r.rank = j.at("rank").get<int>();
  r.graph_name = j.at("graph").get<std::string>();
  r.task_labels = j.at("labels").get<std::vector<std::string>>();
  for (int k : j.at("kinds").get<std::vector<int>>()) r.task_kinds.push_back(static_cast<TaskKind>(k));
  r.task_blocks = j.at("blocks").get<std::vector<int>>();
  r.edges = j.at("edges").get<std::vector<std::pair<TaskId, TaskId>>>();
  r.timeline.source = j.at("source").get<std::string>();
  r.timeline.makespan_ns = j.at("makespan_ns").get<std::int64_t>();
  for (const auto& l : j.at("lanes"))
    r.timeline.lanes.push_back(Lane{l.at(0).get<std::string>(), static_cast<LaneKind>(l.at(1).get<int>()), l.at(2).get<int>()});
  for (const auto& row : j.at("rows"))
    r.timeline.add_row(TimelineRow{row.at(0).get<TaskId>(), row.at(1).get<std::int32_t>(), row.at(2).get<std::uint16_t>(),
                                          row.at(3).get<std::uint8_t>(), row.at(4).get<std::int64_t>(),
                                          row.at(5).get<std::int64_t>(), row.at(6).get<std::int64_t>(),
                                          row.at(7).get<std::int64_t>(), row.at(8).get<std::int64_t>(),
                                          row.at(9).get<std::int64_t>()});
  return r;
}

void write_text(const std::string& text, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw IoError(ErrorContext{.file = path}, "cannot write the trace file");
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

std::vector<RankTimeline> gather_timelines(const Comm& comm, const Graph& graph, const Timeline& timeline, int root) {
  const detail::CommState& state = *comm.state();
  const std::string mine = to_json(rank_timeline(state.rank, graph, timeline)).dump();
  int length = static_cast<int>(mine.size());
  std::vector<int> lengths(static_cast<std::size_t>(state.size));
  {
    const detail::MpiCall call(detail::mpi_call_mutex());
    MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, root, state.comm);
  }
  std::vector<int> displs(static_cast<std::size_t>(state.size));
  int total = 0;
  for (int r = 0; r < state.size; ++r) {
    displs[static_cast<std::size_t>(r)] = total;
    total += lengths[static_cast<std::size_t>(r)];
  }
  std::string all(static_cast<std::size_t>(state.rank == root ? total : 0), '\0');
  {
    const detail::MpiCall call(detail::mpi_call_mutex());
    MPI_Gatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), displs.data(), MPI_CHAR, root, state.comm);
  }
  std::vector<RankTimeline> out;
  if (state.rank != root) return out;
  for (int r = 0; r < state.size; ++r)
    out.push_back(from_json(nlohmann::json::parse(all.substr(static_cast<std::size_t>(displs[static_cast<std::size_t>(r)]),
                                                             static_cast<std::size_t>(lengths[static_cast<std::size_t>(r)])))));
  return out;
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
  write_html_swimlane(graph, timeline, path);
}

}  // namespace tg
