#include "tasks/block_tiles.hpp"

#include <algorithm>

#include "runtime/error.hpp"

namespace tg {

std::vector<TileDim> TileSpec::resolve(int rank) const {
  std::vector<TileDim> out(static_cast<std::size_t>(rank));
  if (dims) {
    if (static_cast<int>(dims->size()) != rank)
      throw GraphError("tile::dims names " + std::to_string(dims->size()) + " dims for a rank-" + std::to_string(rank) +
                       " view; give one TileDim per dim ({} for a whole dim)");
    out = *dims;
  } else {
    if (rows) {
      if (rank < 2)
        throw GraphError("tile::rows on a rank-" + std::to_string(rank) +
                         " view: a rank-1 view is one row; tile it with tile::cols");
      out[static_cast<std::size_t>(rank - 2)] = *rows;
    }
    if (cols) out[static_cast<std::size_t>(rank - 1)] = *cols;
  }
  for (std::size_t d = 0; d < out.size(); ++d) {
    const TileDim& t = out[d];
    if (t.axis < 0) continue;
    if (t.tile < 1)
      throw GraphError("dim " + std::to_string(d) + " has tile size " + std::to_string(t.tile) + "; tiles are >= 1 element");
    if (t.axis >= 8) throw GraphError("dim " + std::to_string(d) + " follows grid axis " + std::to_string(t.axis) +
                                      "; a block grid has at most 8 axes");
  }
  return out;
}

std::int64_t BlockGrid::blocks() const {
  std::int64_t n = 1;
  for (auto e : extents) n *= e;
  return n;
}

std::vector<std::int64_t> BlockGrid::coordinate(std::int64_t block_idx) const {
  std::vector<std::int64_t> c(extents.size());
  for (std::size_t a = extents.size(); a-- > 0;) {
    c[a] = block_idx % extents[a];
    block_idx /= extents[a];
  }
  return c;
}

TileBox block_tile_box(const View& view, const std::vector<TileDim>& dims, const BlockGrid& grid, std::int64_t block_idx) {
  TileBox box{Shape(static_cast<std::size_t>(view.rank()), 0), view.sizes()};
  if (dims.empty() || grid.empty()) return box;
  const auto coordinate = grid.coordinate(block_idx);
  for (std::size_t d = 0; d < dims.size() && d < box.sizes.size(); ++d) {
    const TileDim& t = dims[d];
    if (t.axis < 0 || static_cast<std::size_t>(t.axis) >= coordinate.size()) continue;
    const std::int64_t start = coordinate[static_cast<std::size_t>(t.axis)] * t.tile;
    box.offsets[d] = std::min(start, view.size(static_cast<int>(d)));
    box.sizes[d] = std::max<std::int64_t>(0, std::min(t.tile, view.size(static_cast<int>(d)) - start));
  }
  return box;
}

View block_tile(const View& view, const std::vector<TileDim>& dims, const BlockGrid& grid, std::int64_t block_idx) {
  if (dims.empty() || grid.empty()) return view;
  const TileBox box = block_tile_box(view, dims, grid, block_idx);
  return view.slice(box.offsets, box.sizes);
}

}  // namespace tg
