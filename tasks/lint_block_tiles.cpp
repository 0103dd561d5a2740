// block-tile-race: a task declares SPMD tiles (tasks/block_tiles.hpp) but a written argument
// does not follow some grid axis that has several blocks, so those blocks all write the
// same elements of it. Dependency inference cannot see this (edges are per task, and a
// task is never ordered against itself). Cost: O(args * (rank + axes)) per tiled task.
#include "tasks/lint_rules.hpp"

namespace tg::lint_detail {

void check_block_tiles(const Graph& graph, std::vector<Diagnostic>& out) {
  for (const Task& task : graph.tasks()) {
    if (task.grid.empty()) continue;
    for (std::size_t i = 0; i < task.args.size(); ++i) {
      if (!writes(task.args[i].access)) continue;
      for (std::size_t axis = 0; axis < task.grid.extents.size(); ++axis) {
        const std::int64_t blocks = task.grid.extents[axis];
        if (blocks <= 1) continue;
        bool follows = false;
        if (i < task.tiles.size())
          for (const TileDim& d : task.tiles[i]) follows = follows || d.axis == static_cast<int>(axis);
        if (follows) continue;
        Diagnostic d;
        d.rule = "block-tile-race";
        d.severity = Severity::Error;
        d.task = task.id;
        d.arg = static_cast<int>(i);
        d.buffer = task.args[i].view.buffer().name();
        if (task.args[i].view.box()) d.regions = {*task.args[i].view.box()};
        d.message = task.label() + ": arg " + std::to_string(i) + " (" + describe_arg(task, i) + ") is written by the " +
                    std::to_string(blocks) + " blocks along grid axis " + std::to_string(axis) +
                    ", but its tiles do not follow that axis: those blocks all write the same elements";
        d.suggestion = "tile the argument along axis " + std::to_string(axis) +
                       " too (tile::grid or tile::dims), or give each block its own output";
        out.push_back(std::move(d));
        break;
      }
    }
  }
}

}  // namespace tg::lint_detail
