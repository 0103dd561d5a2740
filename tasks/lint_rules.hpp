#pragma once
// Internal to lint: the rule families lint() runs and the helpers their messages share.
#include <string>
#include <vector>

#include "tasks/lint.hpp"

namespace tg::lint_detail {

// multi-inout, in-out-overlap, view-out-of-bounds, dtype-mismatch: one task's own args.
void check_task_args(const Graph& graph, std::vector<Diagnostic>& out);
// read-before-write, output-never-written, dead-write, lost-write: a replay of every
// access in submission order over the regions of each buffer.
void check_dataflow(const Graph& graph, std::vector<Diagnostic>& out);
// block-tile-race: a written argument that several blocks of a tiled task all write.
void check_block_tiles(const Graph& graph, std::vector<Diagnostic>& out);
// buffer-capacity: working sets against the machine's on-chip buffers.
void check_capacity(const Graph& graph, const Machine& machine, std::vector<Diagnostic>& out);
// false-serialization: WAR / WAW edges that only a misaligned tiling creates.
void check_false_serialization(const Graph& graph, std::vector<Diagnostic>& out);

// "Out q_proj[0:16, 0:64]"
std::string describe_arg(const Task& task, std::size_t arg);
// Merges boxes that abut along one dim into larger boxes, to report regions compactly.
// Cost: O(n^2 * rank) per pass, n boxes.
std::vector<Box> merge_boxes(std::vector<Box> boxes);
// "q_proj[0:16, 0:64]", "q_proj[0:16, 0:64] + q_proj[0:16, 128:192]" or, past three boxes,
// "q_proj[0:16, 0:64] and 5 more boxes (4096 elements in all)".
std::string describe_region(const std::string& buffer, const std::vector<Box>& boxes);
// The exact overlap of two args (of the same buffer) as disjoint boxes. Cost: O(p * q).
std::vector<Box> overlap_boxes(const View& a, const View& b);

}  // namespace tg::lint_detail
