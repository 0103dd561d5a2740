#pragma once
// The one tile-grid helper of the models: a stage is a kernel descriptor's task whose
// arguments say how each block cuts them (tasks/block_tiles.hpp:
// `In(x).tiled(tile::rows(1))`, `Out(c).tiled(tile::grid(16, 64))`), emitted either as one
// SPMD task (block i works on tile i of the grid the tiles define) or as one task per tile,
// each over that tile's views alone (the reference program's granularity). Same kernel,
// same bits; the scheduler sees one task or many. Costs come from the descriptor either way.
#include <string>
#include <vector>

#include "tasks/scope.hpp"

namespace tg::models {

enum class Emission : unsigned char {
  spmd,           // one task, one block per tile
  task_per_tile,  // one task per tile (block_num 1, its views cut to the tile)
};

// Submits `kernel` over the grid of `args`' tiles. Cost: O(tiles * args * rank).
void submit_tiled(Scope& scope, TaskKind kind, const std::string& name, const KernelRef& kernel,
                  std::vector<NamedArg> args, Emission emission);

template <template <template <Access> class> class P>
void submit_tiled(Scope& scope, TaskKind kind, const std::string& name, const TypedKernel<P>& kernel,
                  typename TypedKernel<P>::Args args, Emission emission) {
  submit_tiled(scope, kind, name, kernel.ref(), kernel.named(std::move(args)), emission);
}

// A rank-3 tile [a, b, c] of a row-major [A, B, C] buffer as the 2-D [a, b*c] box of the
// buffer seen as [A, B*C] (kernels take rank-2 tiles): e.g. a block's heads of q [T, H, HD].
// Needs c == C or b == 1 (else the tile is not one box of that frame: ShapeError).
View matrix_of(const View& tile);

}  // namespace tg::models
