#pragma once
// What the trace exporters (Perfetto JSON, HTML swimlane) share: the check that a Timeline
// belongs to a Graph, the words for arguments, edges, lanes and subslots, and which row of
// a task an arrow leaves from or arrives at.
#include <string>
#include <string_view>
#include <vector>

#include "tasks/timeline.hpp"
#include "tasks/graph.hpp"

namespace tg {

// Throws Error naming the row (or scheduler span), its task and what to fix when it names
// a task, block, lane or subslot that does not exist, or ends before it starts.
// Cost: O(rows + spans).
void check_timeline(const Graph& graph, const Timeline& timeline);

// "In x[0:16, 0:256]", "Out y[0:16, 64:128] (no dep)".
std::string describe_arg(const Arg& arg);
// "raw scaled[0:16, 0:256]", "explicit".
std::string describe_edge(const Graph& graph, const Edge& edge);
// The overlapping region alone: "scaled[0:16, 0:256]", or "" for explicit edges.
std::string describe_edge_region(const Graph& graph, const Edge& edge);
// What block `block` of `task` writes, from its declared tiles (tasks/block_tiles.hpp,
// block_tile_box): each Out / InOut argument's tile in buffer coordinates, "y[0:1, 0:64],
// z[0:1, 0:8]" (an untiled written argument: its whole view). "" when the task declares no
// tiles: its blocks cut their views by hand, so the trace cannot say. Cost: O(args · rank).
std::string describe_block_writes(const Task& task, int block);
// The name of the buffer with this id, or "" for kNoBuffer / unknown ids.
std::string buffer_name(const Graph& graph, std::uint32_t buffer_id);

// The core type a task of this kind waits for: "AIC", "AIV", "MIX", "host".
std::string_view core_type_of(TaskKind kind);
// "AIC", "AIV", "host", "sched", "thread".
std::string_view name_of(LaneKind kind);
// For MIX rows: "AIC", "AIV0", "AIV1".
std::string_view subslot_name(std::uint8_t subslot);

// Per task: the row that ends last (what releases the successors, so arrows leave from it)
// and the row that starts first (where arrows arrive). kNoRow for tasks with no rows.
inline constexpr std::size_t kNoRow = static_cast<std::size_t>(-1);
struct TaskEnds {
  std::size_t last_end_row = kNoRow;
  std::size_t first_start_row = kNoRow;
};
std::vector<TaskEnds> task_ends(const Graph& graph, const Timeline& timeline);

}  // namespace tg
