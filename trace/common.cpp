#include "trace/common.hpp"

#include "runtime/error.hpp"
#include "tasks/edge_region.hpp"

namespace tg {

void check_timeline(const Graph& graph, const Timeline& timeline) {
  const auto& rows = timeline.rows();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const TimelineRow& r = rows[i];
    const std::string where = "timeline '" + timeline.source + "' row " + std::to_string(i);
    if (r.task >= graph.num_tasks())
      throw Error(where + " names task id " + std::to_string(r.task) + " but graph '" + graph.name() + "' has " +
                  std::to_string(graph.num_tasks()) + " tasks; export the timeline with the graph that produced it");
    const Task& task = graph.task(r.task);
    const std::string row_task = where + " (task '" + task.label() + "')";
    if (r.lane >= timeline.lanes.size())
      throw Error(row_task + " is on lane " + std::to_string(r.lane) + " but the timeline has " +
                  std::to_string(timeline.lanes.size()) + " lanes; add the lane to Timeline::lanes");
    if (r.block < 0 || r.block >= task.block_num)
      throw Error(row_task + " is block " + std::to_string(r.block) + " of a task with block_num " +
                  std::to_string(task.block_num));
    if (r.subslot > 2) throw Error(row_task + " has subslot " + std::to_string(r.subslot) + "; subslots are 0, 1, 2");
    if (r.end_ns < r.start_ns)
      throw Error(row_task + " ends at " + std::to_string(r.end_ns) + " ns before it starts at " +
                  std::to_string(r.start_ns) + " ns");
  }
  const auto& spans = timeline.scheduler_spans();
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const LaneSpan& s = spans[i];
    const std::string where = "timeline '" + timeline.source + "' scheduler span " + std::to_string(i);
    if (s.task >= graph.num_tasks())
      throw Error(where + " names task id " + std::to_string(s.task) + " but graph '" + graph.name() + "' has " +
                  std::to_string(graph.num_tasks()) + " tasks; export the timeline with the graph that produced it");
    if (s.lane >= timeline.lanes.size())
      throw Error(where + " (task '" + graph.task(s.task).label() + "') is on lane " + std::to_string(s.lane) +
                  " but the timeline has " + std::to_string(timeline.lanes.size()) + " lanes");
    if (s.end_ns < s.begin_ns)
      throw Error(where + " (task '" + graph.task(s.task).label() + "') ends at " + std::to_string(s.end_ns) +
                  " ns before it begins at " + std::to_string(s.begin_ns) + " ns");
  }
}

std::string describe_arg(const Arg& arg) {
  std::string s{name_of(arg.access)};
  s += ' ';
  s += arg.view.valid() ? arg.view.describe() : "(no view)";
  if (!arg.infer) s += " (no dep)";
  return s;
}

std::string buffer_name(const Graph& graph, std::uint32_t buffer_id) {
  const auto& buffers = graph.buffers();
  if (buffer_id < buffers.size() && buffers[buffer_id]->id() == buffer_id) return buffers[buffer_id]->name();
  for (const auto& b : buffers)
    if (b->id() == buffer_id) return b->name();
  return "";
}

std::string describe_edge_region(const Graph& graph, const Edge& edge) {
  if (edge.buffer == kNoBuffer) return "";
  std::string s = buffer_name(graph, edge.buffer);
  if (const auto region = edge_region(graph, edge)) s += box_to_string(*region);
  return s;
}

std::string describe_block_writes(const Task& task, int block) {
  if (task.tiles.empty() || task.grid.empty()) return "";
  std::string out;
  for (std::size_t i = 0; i < task.args.size() && i < task.tiles.size(); ++i) {
    const Arg& arg = task.args[i];
    if (!writes(arg.access) || !arg.view.valid()) continue;
    const TileBox box = block_tile_box(arg.view, task.tiles[i], task.grid, block);
    bool empty = false;
    for (auto size : box.sizes) empty = empty || size <= 0;
    if (empty) continue;  // a block past this argument's last tile writes none of it
    out += (out.empty() ? "" : ", ") + arg.view.slice(box.offsets, box.sizes).describe();
  }
  return out;
}

std::string describe_edge(const Graph& graph, const Edge& edge) {
  const std::string region = describe_edge_region(graph, edge);
  return region.empty() ? std::string(name_of(edge.kind)) : std::string(name_of(edge.kind)) + " " + region;
}

std::string_view core_type_of(TaskKind kind) {
  switch (kind) {
    case TaskKind::Cube: return "AIC";
    case TaskKind::Vector: return "AIV";
    case TaskKind::Mix: return "MIX";
    case TaskKind::Host: return "host";
  }
  return "?";
}

std::string_view name_of(LaneKind kind) {
  switch (kind) {
    case LaneKind::Aic: return "AIC";
    case LaneKind::Aiv: return "AIV";
    case LaneKind::Host: return "host";
    case LaneKind::Scheduler: return "sched";
    case LaneKind::Thread: return "thread";
  }
  return "?";
}

std::string_view subslot_name(std::uint8_t subslot) {
  switch (subslot) {
    case 0: return "AIC";
    case 1: return "AIV0";
    case 2: return "AIV1";
  }
  return "?";
}

std::vector<TaskEnds> task_ends(const Graph& graph, const Timeline& timeline) {
  std::vector<TaskEnds> ends(graph.num_tasks());
  const auto& rows = timeline.rows();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    TaskEnds& e = ends.at(rows[i].task);
    if (e.last_end_row == kNoRow || rows[i].end_ns > rows[e.last_end_row].end_ns) e.last_end_row = i;
    if (e.first_start_row == kNoRow || rows[i].start_ns < rows[e.first_start_row].start_ns) e.first_start_row = i;
  }
  return ends;
}

}  // namespace tg
