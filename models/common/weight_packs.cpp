#include "models/common/weight_packs.hpp"

#include <fmt/format.h>

#include <chrono>

#include "runtime/error.hpp"

namespace tg::models {
namespace {

std::string rows_text(std::int64_t row_begin, std::int64_t rows) {
  return rows < 0 ? ":" : fmt::format("{}:{}", row_begin, row_begin + rows);
}

}  // namespace

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
  for (auto& slot : slots_) {
    View tile = tensors.tensor(slot.buffer).view().cols(slot.col_begin, slot.cols);
    if (slot.rows >= 0) tile = tile.rows(slot.row_begin, slot.rows);
    slot.pack.clear();
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
      if (slots_[i].buffer == bound_tile.buffer().name() && slots_[i].col_begin == box->offsets[1] &&
          slots_[i].cols == box->sizes[1] &&
          (slots_[i].rows < 0 || (slots_[i].row_begin == box->offsets[0] && slots_[i].rows == box->sizes[0])))
        return get(i, bound_tile);
  throw Error(fmt::format("packed weights: no slot holds {}; register its column tile (add) before building the graph",
                          bound_tile.describe()));
}

}  // namespace tg::models
