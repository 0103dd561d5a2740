#include "models/common/weight_packs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "runtime/error.hpp"

namespace tg::models {
namespace {

std::string rows_text(std::int64_t row_begin, std::int64_t rows) {
  return rows < 0 ? ":" : fmt::format("{}:{}", row_begin, row_begin + rows);
}

constexpr std::int64_t kLanes = 16;  // lanes of the transposed bf16 order (kernels/matmul.hpp)

// A rank-2 tile of a buffer whose rows are the buffer's last dim apart: its rows and columns
// in the buffer seen as [numel / last dim, last dim].
struct FlatBox {
  std::int64_t row_begin, col_begin, rows, cols;
};
FlatBox flat_box_of(const View& tile, const char* what) {
  if (!tile.valid()) tile.throw_defect();
  const std::int64_t last = tile.buffer().shape().back();
  if (tile.rank() != 2 || tile.row_stride() != last || tile.strides().back() != 1)
    throw ShapeError(fmt::format("packed weights: {} {} must be a rank-2 view whose rows are the buffer's rows "
                                 "(row stride {}, last dim contiguous)",
                                 what, tile.describe(), last));
  return {tile.base() / last, tile.base() % last, tile.size(0), tile.size(1)};
}

// out [K, N] = Bt^T of bt [N, K], in 64 x 64 blocks (a block's rows of Bt and of out stay in L1).
template <class T>
void transpose(const View& bt, T* out) {
  constexpr std::int64_t kBlock = 64;
  const std::int64_t n = bt.size(0), k = bt.size(1), ld = bt.row_stride();
  const T* src = reinterpret_cast<const T*>(bt.bytes_data());
  for (std::int64_t j0 = 0; j0 < n; j0 += kBlock)
    for (std::int64_t k0 = 0; k0 < k; k0 += kBlock)
      for (std::int64_t j = j0; j < std::min(n, j0 + kBlock); ++j)
        for (std::int64_t kk = k0; kk < std::min(k, k0 + kBlock); ++kk) out[kk * n + j] = src[j * ld + kk];
}

void transpose(const View& bt, std::byte* out) {
  switch (size_of(bt.dtype())) {
    case 1: return transpose(bt, reinterpret_cast<std::uint8_t*>(out));
    case 2: return transpose(bt, reinterpret_cast<std::uint16_t*>(out));
    default: return transpose(bt, reinterpret_cast<std::uint32_t*>(out));
  }
}

// Lane segment `lane` [K / 16, N] of the transposed order from bt_t = Bt^T [K, N]: its rows
// 2j, 2j + 1 are Bt^T's rows 32j + 2 lane and 32j + 2 lane + 1 (the lane's k-pair j).
void lane_segment(const Tensor& bt_t, int lane, std::byte* out) {
  const std::int64_t k = bt_t.shape()[0], row_bytes = static_cast<std::int64_t>(bt_t.bytes()) / k;
  for (std::int64_t r = 0; r < k / kLanes; ++r)
    std::memcpy(out + r * row_bytes, bt_t.data() + ((r / 2) * 2 * kLanes + 2 * lane + r % 2) * row_bytes,
                static_cast<std::size_t>(row_bytes));
}

}  // namespace

std::size_t WeightPacks::add_transposed(const View& bt_tile) {
  const FlatBox b = flat_box_of(bt_tile, "transposed tile");
  slots_.push_back(Slot{bt_tile.buffer().name(), b.col_begin, b.cols, b.row_begin, b.rows, nullptr, {}});
  slots_.back().transposed = true;
  packed_ = false;
  return slots_.size() - 1;
}

std::size_t WeightPacks::add_lane_segments(const View& bt_tile) {
  const FlatBox b = flat_box_of(bt_tile, "lane-segment tile");
  if (b.cols % (2 * kLanes) != 0)
    throw ShapeError(fmt::format("packed weights: lane segments of {} need K = {} to be a multiple of 32 (16 lanes of "
                                 "k-pairs); pack it whole with add_transposed or keep the view",
                                 bt_tile.describe(), b.cols));
  const std::size_t first = slots_.size();
  for (int lane = 0; lane < kLanes; ++lane) {
    slots_.push_back(Slot{bt_tile.buffer().name(), b.col_begin, b.cols, b.row_begin, b.rows, nullptr, {}});
    slots_.back().transposed = true;
    slots_.back().lane = lane;
  }
  packed_ = false;
  return first;
}

std::size_t WeightPacks::find(const View& bound_tile) const {
  const FlatBox b = flat_box_of(bound_tile, "tile");
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    const Slot& s = slots_[i];
    if (s.transposed && s.buffer == bound_tile.buffer().name() && s.row_begin == b.row_begin && s.col_begin == b.col_begin &&
        s.rows == b.rows && s.cols == b.cols)
      return i;
  }
  throw Error(fmt::format("packed weights: no transposed slot holds {}; register it (add_transposed / add_lane_segments) "
                          "before building the graph",
                          bound_tile.describe()));
}

std::size_t WeightPacks::add(std::string buffer, std::int64_t col_begin, std::int64_t cols) {
  slots_.push_back(Slot{std::move(buffer), col_begin, cols, 0, -1, nullptr, {}});
  packed_ = false;
  return slots_.size() - 1;
}

void WeightPacks::add_column_tiles(const View& weight, std::int64_t tile) {
  const auto& box = weight.box();
  const std::int64_t row_begin = box ? box->offsets[0] : 0, col_begin = box ? box->offsets[1] : 0;
  const bool all_rows = row_begin == 0 && weight.size(0) == weight.buffer().shape()[0];
  for (std::int64_t c = 0; c < weight.size(1); c += tile) {
    add(weight.buffer().name(), col_begin + c, tile);
    if (!all_rows) {
      slots_.back().row_begin = row_begin;
      slots_.back().rows = weight.size(0);
    }
  }
}

double WeightPacks::pack(const TensorMap& tensors) {
  const auto t0 = std::chrono::steady_clock::now();
  Tensor bt_t;  // Bt^T of the lane slots' tile: lane 0 makes it, lanes 1-15 (the next slots) reuse it
  for (auto& slot : slots_) {
    slot.pack.clear();
    if (slot.transposed) {
      const Tensor& weight = tensors.tensor(slot.buffer);
      const std::int64_t last = weight.shape().back();
      const View bt = weight.view().reshape({weight.numel() / last, last}).rows(slot.row_begin, slot.rows).cols(slot.col_begin, slot.cols);
      if (slot.lane <= 0) {
        bt_t = Tensor("packed_weights_transposed", weight.dtype(), {slot.cols, slot.rows});
        transpose(bt, bt_t.data());
      }
      if (slot.lane < 0) {
        slot.pack.emplace_back(bt_t.view());
      } else {
        Tensor segment("packed_weights_lane", weight.dtype(), {slot.cols / kLanes, slot.rows});
        lane_segment(bt_t, slot.lane, segment.data());
        slot.pack.emplace_back(segment.view());
      }
      slot.source = bt.bytes_data();
      continue;
    }
    View tile = tensors.tensor(slot.buffer).view().cols(slot.col_begin, slot.cols);
    if (slot.rows >= 0) tile = tile.rows(slot.row_begin, slot.rows);
    slot.pack.emplace_back(tile);
    slot.source = tile.bytes_data();
  }
  packed_ = true;
  pack_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return pack_ms_;
}

std::size_t WeightPacks::packed_bytes() const {
  std::size_t bytes = 0;
  for (const auto& slot : slots_)
    if (!slot.pack.empty()) bytes += slot.pack.front().bytes();
  return bytes;
}

const kernels::PackedWeights& WeightPacks::get(std::size_t slot, const View& bound_tile) const {
  const Slot& s = slots_.at(slot);
  if (s.pack.empty())
    throw Error(fmt::format("packed weights: {}[{}, {}:{}] was never packed; call pack() (the model run does it "
                            "after generate_inputs / load_inputs) before running a host-tiled graph",
                            s.buffer, rows_text(s.row_begin, s.rows), s.col_begin, s.col_begin + s.cols));
  if (bound_tile.bytes_data() != s.source)
    throw Error(fmt::format("packed weights: {}[{}, {}:{}] is bound to other memory than the one packed; "
                            "pack() again after binding new weights",
                            s.buffer, rows_text(s.row_begin, s.rows), s.col_begin, s.col_begin + s.cols));
  return s.pack.front();
}

const kernels::PackedWeights& WeightPacks::get(const View& bound_tile) const {
  const auto& box = bound_tile.box();
  if (box && box->rank() == 2)
    for (std::size_t i = 0; i < slots_.size(); ++i)
      if (!slots_[i].transposed && slots_[i].buffer == bound_tile.buffer().name() && slots_[i].col_begin == box->offsets[1] &&
          slots_[i].cols == box->sizes[1] &&
          (slots_[i].rows < 0 || (slots_[i].row_begin == box->offsets[0] && slots_[i].rows == box->sizes[0])))
        return get(i, bound_tile);
  throw Error(fmt::format("packed weights: no slot holds {}; register its column tile (add) before building the graph",
                          bound_tile.describe()));
}

}  // namespace tg::models
