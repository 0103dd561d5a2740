#pragma once
// WeightPacks: weight column tiles packed once for the host matmul (kernels::PackedWeights),
// as inference engines pack weights when they are bound. A scope built with a host tiling
// registers one slot per cube task's weight tile (buffer name + column range, and a row range
// for a split-K projection, whose splits are separate fp32 sums); the model run
// packs every slot after its weights are filled or loaded; the task's kernel then reads its
// slot instead of the weight view. Same bits as the view form (packed_weights.hpp).
//
// A slot remembers the address it was packed from: a run whose bound weight tile is elsewhere
// (another Bindings) fails with an Error saying to pack again, never reads stale weights.
// Overwriting a weight in place after pack() is not detected: call pack() again.
// Not thread-safe against runs: pack() before running, never during.
// A slot may also hold a transposed weight tile Bt [N, K] (an `x @ Bt^T` projection): packed
// as its transpose B [K, N] (int8: exact sums in any order, so the row-major kernel gives the
// bits of the transposed one), or as the 16 lane segments of matmul.hpp's transposed bf16
// order (lane l: the k-pairs 16j + l; lane_matmul.hpp sums them in that order and tree).
// Cost: pack() O(K * N) per weight, once; get() O(1); find() O(slots).
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/packed_weights.hpp"
#include "models/common/tensor_map.hpp"

namespace tg::models {

class WeightPacks {
 public:
  // Registers columns [col_begin, col_begin + cols) of weight `buffer` (rank 2, all its rows);
  // returns the slot.
  std::size_t add(std::string buffer, std::int64_t col_begin, std::int64_t cols);
  // Registers every `tile`-column tile of `weight` (rank 2, its columns a multiple of `tile`):
  // the whole weight, or a row range of it (`wkv.rows(k0, k_len)`: that range only).
  void add_column_tiles(const View& weight, std::int64_t tile);
  // Registers `bt_tile` (a rank-2 view [N, K] of a weight, any row and column range) as the
  // [K, N] matrix Bt^T: one slot. Returns it.
  std::size_t add_transposed(const View& bt_tile);
  // Registers `bt_tile` [N, K] (K a multiple of 32) as the 16 lane segments of the transposed
  // bf16 order: slots s .. s + 15, segment l the [K / 16, N] matrix of Bt's k-pairs 16j + l
  // (j = 0, 1, ...). Returns s.
  std::size_t add_lane_segments(const View& bt_tile);
  std::size_t size() const { return slots_.size(); }
  bool packed() const { return packed_; }

  // Packs every slot from `tensors` (replacing earlier packs). Returns the wall time in ms.
  double pack(const TensorMap& tensors);
  double pack_ms() const { return pack_ms_; }
  std::size_t packed_bytes() const;

  // The packed tile of `slot`; `bound_tile` is the task's view of the same columns, checked to
  // be the memory that was packed. Throws Error when pack() was not called or the weights moved.
  const kernels::PackedWeights& get(std::size_t slot, const View& bound_tile) const;
  // The same, the slot found from the tile's buffer and columns (a task's bound b tile);
  // Error when no slot holds those columns. Cost: O(slots).
  const kernels::PackedWeights& get(const View& bound_tile) const;
  // The first slot registered for the tile's buffer and box (a transposed or lane-segment
  // slot: the view given to add_transposed / add_lane_segments); Error when there is none.
  std::size_t find(const View& bound_tile) const;

 private:
  struct Slot {
    std::string buffer;
    std::int64_t col_begin = 0, cols = 0;
    std::int64_t row_begin = 0, rows = -1;  // rows -1: all of them
    const std::byte* source = nullptr;  // the bound tile's first element at pack()
    std::vector<kernels::PackedWeights> pack;  // 0 or 1 (PackedWeights has no empty state)
    bool transposed = false;  // the box is Bt [N, K] (rows: buffer rows, of the buffer as 2-D): pack its transpose
    int lane = -1;            // with transposed, 0..15: that lane segment only
  };
  std::vector<Slot> slots_;
  bool packed_ = false;
  double pack_ms_ = 0;
};

}  // namespace tg::models
