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
// Cost: pack() O(K * N) per weight, once; get() O(1).
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

 private:
  struct Slot {
    std::string buffer;
    std::int64_t col_begin = 0, cols = 0;
    std::int64_t row_begin = 0, rows = -1;  // rows -1: all of them
    const std::byte* source = nullptr;  // the bound tile's first element at pack()
    std::vector<kernels::PackedWeights> pack;  // 0 or 1 (PackedWeights has no empty state)
  };
  std::vector<Slot> slots_;
  bool packed_ = false;
  double pack_ms_ = 0;
};

}  // namespace tg::models
