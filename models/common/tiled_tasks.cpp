#include "models/common/tiled_tasks.hpp"

#include "runtime/error.hpp"

namespace tg::models {

namespace {

// The grid the tiles define, with each argument's per-dim tiles (Scope::submit makes the
// same check on an SPMD task; a task per tile is checked here, before it is cut).
BlockGrid grid_of(const std::string& name, const std::vector<NamedArg>& args, std::vector<std::vector<TileDim>>& dims) {
  BlockGrid grid;
  dims.clear();
  for (const auto& a : args) {
    dims.push_back(a.arg.tile.empty() ? std::vector<TileDim>{} : a.arg.tile.resolve(a.arg.view.rank()));
    for (std::size_t d = 0; d < dims.back().size(); ++d) {
      const TileDim& t = dims.back()[d];
      if (t.axis < 0) continue;
      const auto axis = static_cast<std::size_t>(t.axis);
      if (grid.extents.size() <= axis) grid.extents.resize(axis + 1, 0);
      const std::int64_t n = tiles_over(a.arg.view.size(static_cast<int>(d)), t.tile);
      if (grid.extents[axis] != 0 && grid.extents[axis] != n)
        throw GraphError(ErrorContext{.task = name, .param = a.param},
                         "its tiles make " + std::to_string(n) + " blocks on grid axis " + std::to_string(axis) +
                             ", another argument's " + std::to_string(grid.extents[axis]) + "; tile them to the same count");
      grid.extents[axis] = n;
    }
  }
  return grid;
}

}  // namespace

void submit_tiled(Scope& scope, TaskKind kind, const std::string& name, const KernelRef& kernel,
                  std::vector<NamedArg> args, Emission emission) {
  if (emission == Emission::spmd) {
    scope.submit(kind, name, kernel, std::move(args));
    return;
  }
  std::vector<std::vector<TileDim>> dims;
  const BlockGrid grid = grid_of(name, args, dims);
  for (std::int64_t block = 0; block < grid.blocks(); ++block) {
    std::vector<NamedArg> tile_args = args;
    for (std::size_t i = 0; i < tile_args.size(); ++i) {
      Arg& a = tile_args[i].arg;
      a.view = block_tile(a.view, dims[i], grid, block);
      a.tile = {};
    }
    scope.submit(kind, name, kernel, std::move(tile_args));
  }
}

View matrix_of(const View& tile) {
  const auto& box = tile.box();
  if (!tile.valid() || tile.rank() != 3 || !box)
    throw ShapeError("matrix_of: " + tile.describe() + " is not a rank-3 box of its buffer");
  const Shape& whole = tile.buffer().shape();
  if (tile.size(2) != whole[2] && tile.size(1) != 1)
    throw ShapeError("matrix_of: " + tile.describe() + " cuts both of the last two dims; it is no box of the [A, B*C] frame");
  return tile.whole()
      .reshape({whole[0], whole[1] * whole[2]})
      .slice({box->offsets[0], box->offsets[1] * whole[2] + box->offsets[2]}, {tile.size(0), tile.size(1) * tile.size(2)});
}

}  // namespace tg::models
