#include "distributed/rank_trace.hpp"

#include <nlohmann/json.hpp>

#include "distributed/comm_state.hpp"
#include "distributed/mpi_calls.hpp"
#include "runtime/error.hpp"

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

}  // namespace

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

}  // namespace tg
