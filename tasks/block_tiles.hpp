#pragma once
// SPMD tiles: which part of an argument's view one block of a task works on, so kernels
// stop computing offsets from block_idx by hand.
//
// A task's blocks form a grid of one or more axes, numbered row-major (the last axis
// fastest): a grid [m_tiles, n_tiles] gives block_idx = m * n_tiles + n. Each argument may
// say how its view is cut along that grid: dim d of the view follows grid axis a in tiles
// of t elements (block coordinate i covers [i*t, min((i+1)*t, size))), or is whole. The
// grid's extents follow from the tiled arguments (ceil(size / tile) per axis, which every
// argument on that axis must agree on), and so does block_num.
//
//   Out(c).tiled(tile::grid(16, 64))    rows in 16s on axis 0, columns in 64s on axis 1
//   In(a).tiled(tile::rows(16))         rows in 16s on axis 0, all columns
//   In(b).tiled(tile::cols(64, 1))      all rows, columns in 64s on axis 1
//
// Rows are the second-to-last dim, columns the last, whatever the rank (leading dims of a
// 3-D view are batch dims, whole unless tile::dims names them). Edges stay per task:
// dependency inference sees each argument's whole view; the tiles are for the kernel, the
// cost (one block's tile is what the machine binding pads) and lint.
// Cost: resolving a task's tiles O(args * rank); one tile O(rank).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/view.hpp"

namespace tg {

// One dim of an argument: whole (axis < 0), or grid axis `axis` in tiles of `tile`.
struct TileDim {
  int axis = -1;
  std::int64_t tile = 0;
  friend bool operator==(const TileDim&, const TileDim&) = default;
};

// How an argument is cut per block, before its view's rank is known. rows / cols name the
// last two dims; `dims` (when set) names every dim explicitly and the others are ignored.
struct TileSpec {
  std::optional<TileDim> rows;
  std::optional<TileDim> cols;
  std::optional<std::vector<TileDim>> dims;

  bool empty() const { return !rows && !cols && !dims; }
  // The per-dim form for a view of `rank` dims; throws GraphError (detail only) when a
  // named dim does not exist (rows of a rank-1 view) or `dims` has the wrong length.
  std::vector<TileDim> resolve(int rank) const;
};

namespace tile {
inline TileSpec rows(std::int64_t tile_rows, int axis = 0) { return TileSpec{.rows = TileDim{axis, tile_rows}, .cols = {}, .dims = {}}; }
inline TileSpec cols(std::int64_t tile_cols, int axis = 0) { return TileSpec{.rows = {}, .cols = TileDim{axis, tile_cols}, .dims = {}}; }
// A 2-D grid: rows on axis 0, columns on axis 1.
inline TileSpec grid(std::int64_t tile_rows, std::int64_t tile_cols) {
  return TileSpec{.rows = TileDim{0, tile_rows}, .cols = TileDim{1, tile_cols}, .dims = {}};
}
inline TileSpec dims(std::vector<TileDim> per_dim) { return TileSpec{.rows = {}, .cols = {}, .dims = std::move(per_dim)}; }
}  // namespace tile

// The extents of a task's block grid; empty = the task declares no tiles.
struct BlockGrid {
  std::vector<std::int64_t> extents;

  bool empty() const { return extents.empty(); }
  std::int64_t blocks() const;
  // Block block_idx's coordinate on each axis (row-major, last axis fastest).
  std::vector<std::int64_t> coordinate(std::int64_t block_idx) const;
};

// Blocks along grid axis `axis` for `size` elements in tiles of `tile`.
constexpr std::int64_t tiles_over(std::int64_t size, std::int64_t tile) { return (size + tile - 1) / tile; }

// The box of `view` (in its own coordinates) that block `block_idx` of `grid` works on.
// An argument with no tiles (empty `dims`) gives its whole view.
struct TileBox {
  Shape offsets;
  Shape sizes;
};
TileBox block_tile_box(const View& view, const std::vector<TileDim>& dims, const BlockGrid& grid, std::int64_t block_idx);
// The same as a sub-view of `view` (bound when `view` is).
View block_tile(const View& view, const std::vector<TileDim>& dims, const BlockGrid& grid, std::int64_t block_idx);

}  // namespace tg
