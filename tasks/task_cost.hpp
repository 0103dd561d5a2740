#pragma once
// What a task costs on a machine: the block duration the simulator uses, from the task's
// cost hint. duration = max(compute time, GM traffic time) + the machine's fixed kernel
// overhead. Hints hold logical work; this is the one place cube work is padded: its flops
// are scaled up for M padded to whole boxes of machine.cube_m_box_rows (8 rows cost 16).
#include <cstdint>
#include <vector>

#include "runtime/machine.hpp"
#include "tasks/graph.hpp"

namespace tg {

// Rows of M one block of a cube (or MIX with its AIC subslot) task computes: the rows
// (second-to-last dim, any rank) of the block's tile of its first Out/InOut argument. The
// tile is known when the task declares tiles (tasks/block_tiles.hpp, any grid), names a
// descriptor (every block sees whole views) or has one block; only a positional kernel of
// several blocks without tiles falls back to the argument's rows divided over the blocks.
// 0 when the task has no such argument (then no padding is applied).
std::int64_t cube_rows_per_block(const Task& task);
// The same tile's rows and cols (its last dim; 1 for a rank-1 tile), which a machine's
// per-kernel efficiency table (Machine::KernelEfficiency::by_tile) is looked up by.
struct BlockTileShape {
  std::int64_t rows = 0, cols = 0;
};
BlockTileShape block_tile_shape(const Task& task);

// Factor >= 1 by which padding M to whole boxes of machine.cube_m_box_rows inflates the
// cube work of one block (8 decode rows padded to 16 -> 2.0); 1 for non-cube work.
double cube_padding_factor(const Task& task, const Machine& machine);

// One block's work on a machine: its compute time at the achieved rate (the core type's
// peak x the kernel's efficiency, cube flops padded), its GM bytes and the fixed overhead.
// HOST tasks: compute_ns is the whole host-lane time, no GM bytes, no overhead.
struct BlockWork {
  double compute_ns = 0;
  double bytes = 0;
  std::int64_t overhead_ns = 0;
};
BlockWork block_work(const Task& task, const Machine& machine);

// The longest block the model accepts (2^60 ns, 36 years): anything longer is a cost hint
// or a machine figure out of scale, and later sums of such times could overflow 64 bits.
inline constexpr std::int64_t kMaxModelledNs = std::int64_t{1} << 60;
// `ns` rounded to an integer, or an Error naming the task when it is not finite or beyond
// kMaxModelledNs (never a wrapped, smaller duration).
std::int64_t checked_block_ns(double ns, const Task& task);

// One block's duration in ns when it gets `gm_bytes_per_s` of GM bandwidth. A task with no
// cost hint costs the kernel overhead alone. HOST tasks use the host-lane rates (no
// kernel overhead). Cost: O(args) for cube tasks, O(1) otherwise.
std::int64_t block_duration_ns(const Task& task, const Machine& machine, double gm_bytes_per_s);

// Every task's block duration with the uncontended per-core bandwidth. Cost: O(tasks + args).
std::vector<std::int64_t> isolated_block_durations(const Graph& graph, const Machine& machine);

}  // namespace tg
