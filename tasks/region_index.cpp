#include "tasks/region_index.hpp"

#include <algorithm>
#include <bit>

namespace tg {
namespace {
constexpr std::int64_t kOversizeCells = 64;  // boxes covering more cells go to the side list
constexpr std::int64_t kMaxCells = 1 << 20;
constexpr std::size_t kRegridSamples = 255;        // live boxes a regrid sizes its cells from
constexpr std::size_t kReservedSlots = 1 << 16;    // most slots reserved from the grid's hint

// The smallest shift whose power of two is at least n (n >= 1).
int shift_covering(std::int64_t n) { return n <= 1 ? 0 : static_cast<int>(std::bit_width(static_cast<std::uint64_t>(n - 1))); }
}  // namespace

RegionIndex::RegionIndex(const Shape& buffer_shape) : shape_(buffer_shape), rank_(buffer_shape.size()) {
  cols_ = shape_.back();
  rows_ = numel_of(shape_) / cols_;
  std::int64_t stride = 1;
  for (int d = static_cast<int>(shape_.size()) - 2; d >= 0; --d) {
    row_strides_[static_cast<std::size_t>(d)] = stride;
    stride *= shape_[static_cast<std::size_t>(d)];
  }
  regrid(shift_covering(rows_), shift_covering(cols_));
}

Box RegionIndex::box_at(std::uint32_t s) const {
  const std::int64_t* p = boxes_.data() + std::size_t{s} * 2 * rank_;
  Box box{Dims(rank_), Dims(rank_)};
  for (std::size_t d = 0; d < rank_; ++d) {
    box.offsets[d] = p[d];
    box.sizes[d] = p[rank_ + d];
  }
  return box;
}

void RegionIndex::store_box(std::uint32_t s, const Box& box) {
  std::int64_t* p = boxes_.data() + std::size_t{s} * 2 * rank_;
  for (std::size_t d = 0; d < rank_; ++d) {
    p[d] = box.offsets[d];
    p[rank_ + d] = box.sizes[d];
  }
}

void RegionIndex::place(std::uint32_t s) {
  Filter& slot = filters_[s];
  const CellRange g = cells_of(slot.rect);
  slot.oversize = (g.row1 - g.row0 + 1) * (g.col1 - g.col0 + 1) > kOversizeCells;
  if (slot.oversize) {
    oversize_.push_back(s);
    return;
  }
  for (auto gr = g.row0; gr <= g.row1; ++gr)
    for (auto gc = g.col0; gc <= g.col1; ++gc) cells_[static_cast<std::size_t>(gr * grid_cols_ + gc)].add(s);
}

RegionState* RegionIndex::insert(const Box& box, const Rect& rect, RegionState state) {
  const Corners c = corners_of(rect);
  std::uint32_t s;
  if (!free_.empty()) {
    s = free_.back();
    free_.pop_back();
    filters_[s] = Filter{rect, filters_[s].stamp, true, false};
    hot_[s] = HotSlot{std::move(state), c.last};
    store_box(s, box);
  } else {
    // A new slot is built in place: no default construction to overwrite.
    s = static_cast<std::uint32_t>(filters_.size());
    filters_.push_back(Filter{rect, 0, true, false});
    hot_.push_back(HotSlot{std::move(state), c.last});
    for (std::size_t d = 0; d < rank_; ++d) boxes_.push_back(box.offsets[d]);
    for (std::size_t d = 0; d < rank_; ++d) boxes_.push_back(box.sizes[d]);
  }
  by_first_.insert(c.first, c.last, s);
  ++layout_version_;
  ++alive_;
  place(s);
  maybe_regrid();
  return &hot_[s].state;
}

void RegionIndex::erase(std::uint32_t s) {
  Filter& slot = filters_[s];
  by_first_.erase(corners_of(slot.rect).first);
  ++layout_version_;
  if (slot.oversize) {
    std::erase(oversize_, s);
  } else {
    const CellRange g = cells_of(slot.rect);
    for (auto gr = g.row0; gr <= g.row1; ++gr)
      for (auto gc = g.col0; gc <= g.col1; ++gc) cells_[static_cast<std::size_t>(gr * grid_cols_ + gc)].remove(s);
  }
  slot.alive = false;
  hot_[s].state = RegionState{};
  free_.push_back(s);
  --alive_;
}

void RegionIndex::maybe_regrid() {
  if (alive_ < regrid_at_) return;
  regrid_at_ = alive_ * 2;
  // Aim for cells about the size of a typical live box: the median of an even sample of
  // at most kRegridSamples live boxes (the whole index was sorted at every doubling).
  std::array<std::int64_t, kRegridSamples> heights{}, widths{};
  std::size_t n = 0;
  const std::size_t step = std::max<std::size_t>(1, filters_.size() / kRegridSamples);
  for (std::size_t s = 0; s < filters_.size() && n < kRegridSamples; s += step) {
    const Filter& slot = filters_[s];
    if (!slot.alive) continue;
    heights[n] = slot.rect.row1 - slot.rect.row0;
    widths[n] = slot.rect.col1 - slot.rect.col0;
    ++n;
  }
  if (n == 0) return;
  auto median = [n](std::array<std::int64_t, kRegridSamples>& v) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n / 2), v.begin() + static_cast<std::ptrdiff_t>(n));
    return std::max<std::int64_t>(1, v[n / 2]);
  };
  int row_shift = shift_covering(median(heights)), col_shift = shift_covering(median(widths));
  auto cells = [&] { return ((rows_ >> row_shift) + 1) * ((cols_ >> col_shift) + 1); };
  while (cells() > kMaxCells) {
    if ((std::int64_t{1} << row_shift) < rows_) ++row_shift;
    else ++col_shift;
  }
  if (row_shift != row_shift_ || col_shift != col_shift_) regrid(row_shift, col_shift);
  // The size hint: boxes about a cell's size fill the buffer with about one per cell, so
  // a buffer being cut into them will need that many slots. Reserved, not touched, so an
  // index that stops short costs address space only; growth then moves no state.
  const auto hint = std::min<std::size_t>(kReservedSlots, static_cast<std::size_t>(grid_rows_ * grid_cols_));
  if (hint > filters_.capacity()) {
    filters_.reserve(hint);
    hot_.reserve(hint);
    boxes_.reserve(hint * 2 * rank_);
  }
}

void RegionIndex::regrid(int row_shift, int col_shift) {
  row_shift_ = std::min(row_shift, shift_covering(rows_));
  col_shift_ = std::min(col_shift, shift_covering(cols_));
  grid_rows_ = ((rows_ - 1) >> row_shift_) + 1;
  grid_cols_ = ((cols_ - 1) >> col_shift_) + 1;
  cells_.assign(static_cast<std::size_t>(grid_rows_ * grid_cols_), {});
  oversize_.clear();
  for (std::uint32_t s = 0; s < filters_.size(); ++s)
    if (filters_[s].alive) place(s);
}

}  // namespace tg
