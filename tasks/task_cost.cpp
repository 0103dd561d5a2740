#include "tasks/task_cost.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "runtime/error.hpp"

namespace tg {
namespace {

bool uses_cube(const Task& task) {
  return task.kind == TaskKind::Cube || (task.kind == TaskKind::Mix && (task.mix_slots & kSlotAic));
}

}  // namespace

BlockTileShape block_tile_shape(const Task& task) {
  for (std::size_t i = 0; i < task.args.size(); ++i) {
    const Arg& arg = task.args[i];
    if (!writes(arg.access)) continue;
    const View& v = arg.view;
    const bool tiled = !task.tiles.empty() && !task.tiles[i].empty();
    if (tiled || task.descriptor || task.block_num <= 1) {
      // The block's own tile (block 0, the one its cost hint describes): its rows are the
      // second-to-last dim whatever the rank and the grid, its cols the last.
      const TileBox box = tiled ? block_tile_box(v, task.tiles[i], task.grid, 0) : TileBox{{}, v.sizes()};
      const std::size_t rank = box.sizes.size();
      return {rank >= 2 ? box.sizes[rank - 2] : 1, rank >= 1 ? box.sizes[rank - 1] : 1};
    }
    // A positional kernel that cuts its blocks by hand: its tiles are unknown, so the rows
    // are guessed as split evenly over the blocks (wrong for 2-D grids; such tasks should
    // declare their tiles, docs/building_a_scope.md).
    const std::int64_t rows = v.rank() >= 2 ? v.size(v.rank() - 2) : 1;
    const std::int64_t blocks = std::max(1, task.block_num);
    return {(rows + blocks - 1) / blocks, v.rank() >= 1 ? v.size(v.rank() - 1) : 1};
  }
  return {0, 0};
}

std::int64_t cube_rows_per_block(const Task& task) { return block_tile_shape(task).rows; }

double cube_padding_factor(const Task& task, const Machine& machine) {
  if (!uses_cube(task) || machine.cube_m_box_rows <= 1) return 1.0;
  const std::int64_t rows = cube_rows_per_block(task);
  if (rows <= 0) return 1.0;
  const std::int64_t box = machine.cube_m_box_rows;
  const std::int64_t padded = (rows + box - 1) / box * box;
  return static_cast<double>(padded) / static_cast<double>(rows);
}

BlockWork block_work(const Task& task, const Machine& machine) {
  if (task.kind == TaskKind::Host) {
    if (!task.cost) return {};
    return {std::max(task.cost->flops / machine.host_flops_per_s, task.cost->bytes / machine.host_bytes_per_s) * 1e9, 0, 0};
  }
  if (!task.cost) return {0, 0, machine.kernel_overhead_ns};
  const CostHint& hint = *task.cost;
  double flops_per_s, flops = hint.flops;
  // The tile shape matters only to a kernel with a by_tile table (most machines have none).
  auto efficiency = [&](CoreType type) {
    if (machine.kernel_efficiency.empty()) return machine.efficiency(task.kernel_name, type);
    const BlockTileShape tile = block_tile_shape(task);
    return machine.efficiency(task.kernel_name, type, tile.rows, tile.cols);
  };
  if (uses_cube(task)) {
    flops_per_s = (hint.int8 ? machine.cube_int8_ops_per_s : machine.cube_bf16_flops_per_s) * efficiency(CoreType::Aic);
    flops *= cube_padding_factor(task, machine);
  } else {
    flops_per_s = machine.vector_flops_per_s * efficiency(CoreType::Aiv);
  }
  return {flops / flops_per_s * 1e9, hint.bytes, machine.kernel_overhead_ns};
}

std::int64_t checked_block_ns(double ns, const Task& task) {
  if (!(ns >= 0) || ns > static_cast<double>(kMaxModelledNs))
    throw Error(ErrorContext{.task_id = task.id, .task = task.label()},
                "task '" + task.label() + "': a block would take " + std::to_string(ns) +
                    " ns on this machine, beyond the model's 2^60 ns (36 years); its cost hint's flops or bytes are "
                    "out of scale for the machine's rates");
  return std::llround(ns);
}

std::int64_t block_duration_ns(const Task& task, const Machine& machine, double gm_bytes_per_s) {
  const BlockWork w = block_work(task, machine);
  return checked_block_ns(std::max(w.compute_ns, w.bytes / gm_bytes_per_s * 1e9), task) + w.overhead_ns;
}

std::vector<std::int64_t> isolated_block_durations(const Graph& graph, const Machine& machine) {
  std::vector<std::int64_t> ns(graph.num_tasks());
  for (const Task& t : graph.tasks()) ns[t.id] = block_duration_ns(t, machine, machine.gm_bytes_per_s_per_core);
  return ns;
}

}  // namespace tg
