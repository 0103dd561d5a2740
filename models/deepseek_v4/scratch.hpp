#pragma once
// Small helpers the V4 task lambdas share: SPMD block grids over (token tile, column tile)
// with a short last token tile, and per-block scratch memory standing in for the on-chip
// buffer (UB / L1) of one core.
#include <algorithm>
#include <cstdint>
#include <string>

#include "runtime/buffer.hpp"
#include "runtime/tensor.hpp"
#include "runtime/view.hpp"

namespace tg::models::v4 {

constexpr std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// Rows [start, start + count) of tile `index` over `extent` rows: the last tile may be short.
struct TileRange {
  std::int64_t start = 0;
  std::int64_t count = 0;
};
inline TileRange tile_range(std::int64_t index, std::int64_t tile, std::int64_t extent) {
  const std::int64_t start = index * tile;
  return {start, std::min(tile, extent - start)};
}

// Block b of a grid of row_tiles x col_tiles blocks, row-tile major.
struct BlockCoord {
  std::int64_t row_tile = 0;
  std::int64_t col_tile = 0;
};
inline BlockCoord block_coord(int block_idx, std::int64_t col_tiles) {
  return {block_idx / col_tiles, block_idx % col_tiles};
}

// One block's on-chip working memory (zero-filled), viewed as a whole.
class Scratch {
 public:
  Scratch(std::string name, DType dtype, Shape shape) : tensor_(std::move(name), dtype, std::move(shape)) {}
  View view() const { return tensor_.view(); }

 private:
  Tensor tensor_;
};

// The buffer of a task argument seen as a row-major [rows, cols] frame (for 3-D tensors such
// as q [T, H, HEAD_DIM] viewed as [T, H*HEAD_DIM] so per-head column ranges are 2-D views).
inline View as_matrix(const View& arg, std::int64_t rows, std::int64_t cols) {
  return arg.whole().reshape({rows, cols});
}

}  // namespace tg::models::v4
