#include "tasks/region_index.hpp"

#include <algorithm>

namespace tg {
namespace {
constexpr std::int64_t kOversizeCells = 64;  // boxes covering more cells go to the side list
constexpr std::int64_t kMaxCells = 1 << 20;
}  // namespace

RegionIndex::RegionIndex(const Shape& buffer_shape) : shape_(buffer_shape), rank_(buffer_shape.size()) {
  cols_ = shape_.back();
  rows_ = numel_of(shape_) / cols_;
  std::int64_t stride = 1;
  for (int d = static_cast<int>(shape_.size()) - 2; d >= 0; --d) {
    row_strides_[static_cast<std::size_t>(d)] = stride;
    stride *= shape_[static_cast<std::size_t>(d)];
  }
  stride = 1;
  for (int d = static_cast<int>(shape_.size()) - 1; d >= 0; --d) {
    element_strides_[static_cast<std::size_t>(d)] = stride;
    stride *= shape_[static_cast<std::size_t>(d)];
  }
  regrid(rows_, cols_);
}

RegionIndex::Rect RegionIndex::rect_of(const Box& box) const {
  // Bounding rows of the leading dims: first and last row index the box touches.
  std::int64_t first = 0, last = 0;
  const int lead = box.rank() - 1;
  for (int d = 0; d < lead; ++d) {
    first += box.offsets[d] * row_strides_[d];
    last += (box.offsets[d] + box.sizes[d] - 1) * row_strides_[d];
  }
  return Rect{first, last + 1, box.offsets[lead], box.offsets[lead] + box.sizes[lead]};
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
  const Rect& r = slot.rect;
  const std::int64_t gr0 = r.row0 / cell_rows_, gr1 = (r.row1 - 1) / cell_rows_;
  const std::int64_t gc0 = r.col0 / cell_cols_, gc1 = (r.col1 - 1) / cell_cols_;
  slot.oversize = (gr1 - gr0 + 1) * (gc1 - gc0 + 1) > kOversizeCells;
  if (slot.oversize) {
    oversize_.push_back(s);
    return;
  }
  for (auto gr = gr0; gr <= gr1; ++gr)
    for (auto gc = gc0; gc <= gc1; ++gc) cells_[static_cast<std::size_t>(gr * grid_cols_ + gc)].add(s);
}

RegionState* RegionIndex::insert(const Box& box, RegionState state) {
  std::uint32_t s;
  if (!free_.empty()) {
    s = free_.back();
    free_.pop_back();
  } else {
    s = static_cast<std::uint32_t>(filters_.size());
    filters_.emplace_back();
    states_.emplace_back();
    boxes_.resize(boxes_.size() + 2 * rank_);
  }
  Filter& slot = filters_[s];
  slot.rect = rect_of(box);
  slot.alive = true;
  states_[s] = std::move(state);
  store_box(s, box);
  const Corners c = corners_of(slot.rect);
  by_first_.insert(c.first, c.last, s);
  ++layout_version_;
  ++alive_;
  place(s);
  maybe_regrid();
  return &states_[s];
}

void RegionIndex::erase(std::uint32_t s) {
  Filter& slot = filters_[s];
  by_first_.erase(corners_of(slot.rect).first);
  ++layout_version_;
  if (slot.oversize) {
    std::erase(oversize_, s);
  } else {
    const Rect& r = slot.rect;
    for (auto gr = r.row0 / cell_rows_; gr <= (r.row1 - 1) / cell_rows_; ++gr)
      for (auto gc = r.col0 / cell_cols_; gc <= (r.col1 - 1) / cell_cols_; ++gc)
        cells_[static_cast<std::size_t>(gr * grid_cols_ + gc)].remove(s);
  }
  slot.alive = false;
  states_[s] = RegionState{};
  free_.push_back(s);
  --alive_;
}

void RegionIndex::maybe_regrid() {
  if (alive_ < regrid_at_) return;
  regrid_at_ = alive_ * 2;
  // Aim for cells about the size of a typical live box.
  std::vector<std::int64_t> heights, widths;
  for (const auto& slot : filters_) {
    if (!slot.alive) continue;
    heights.push_back(slot.rect.row1 - slot.rect.row0);
    widths.push_back(slot.rect.col1 - slot.rect.col0);
  }
  auto median = [](std::vector<std::int64_t>& v) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return std::max<std::int64_t>(1, v[v.size() / 2]);
  };
  std::int64_t cell_rows = median(heights), cell_cols = median(widths);
  while (((rows_ + cell_rows - 1) / cell_rows) * ((cols_ + cell_cols - 1) / cell_cols) > kMaxCells) {
    if (cell_rows < rows_) cell_rows *= 2;
    else cell_cols *= 2;
  }
  if (cell_rows != cell_rows_ || cell_cols != cell_cols_) regrid(cell_rows, cell_cols);
}

void RegionIndex::regrid(std::int64_t cell_rows, std::int64_t cell_cols) {
  cell_rows_ = std::min(cell_rows, rows_);
  cell_cols_ = std::min(cell_cols, cols_);
  grid_rows_ = (rows_ + cell_rows_ - 1) / cell_rows_;
  grid_cols_ = (cols_ + cell_cols_ - 1) / cell_cols_;
  cells_.assign(static_cast<std::size_t>(grid_rows_ * grid_cols_), {});
  oversize_.clear();
  for (std::uint32_t s = 0; s < filters_.size(); ++s)
    if (filters_[s].alive) place(s);
}

}  // namespace tg
