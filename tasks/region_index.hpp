#pragma once
// RegionIndex: the disjoint live boxes of one buffer, found by the box they intersect.
// Boxes are bucketed on a uniform grid over the buffer collapsed to 2-D (leading dims x
// last dim); the cell size adapts to the boxes seen, so a query visits the few cells it
// covers. Lookup: O(c + k) for c cells covered and k hits, independent of the number of
// live boxes while boxes are of a similar size; boxes spanning many cells sit in a short
// side list that every query scans (disjointness keeps it short).
#include <array>
#include <cstdint>
#include <vector>

#include "runtime/box.hpp"
#include "tasks/task.hpp"

namespace tg {

struct RegionReader {
  TaskId task;
  int arg;
};

struct RegionEntry {
  Box box;
  bool has_writer = false;
  TaskId writer = 0;
  int writer_arg = -1;
  std::vector<RegionReader> readers;
};

class RegionIndex {
 public:
  explicit RegionIndex(const Shape& buffer_shape);

  void insert(RegionEntry entry);
  std::size_t size() const { return alive_; }
  // Live boxes a query looked at so far (the cost the grid keeps independent of size()).
  std::uint64_t candidates_considered() const { return considered_; }

  // Calls fn(entry, overlap) for every live entry intersecting `query`.
  template <class Fn> void for_each_intersecting(const Box& query, Fn&& fn) {
    visit(query, [&](std::uint32_t s, const Box& overlap) { fn(slots_[s].entry, overlap); });
  }

  // Calls fn(entry, overlap, replacement) for every live entry intersecting `query`; when
  // fn returns true the entry is removed and `replacement` entries are inserted instead
  // (after the walk, so they are not visited by it).
  template <class Fn> void update_intersecting(const Box& query, Fn&& fn) {
    replacement_.clear();
    removed_.clear();
    visit(query, [&](std::uint32_t s, const Box& overlap) {
      if (fn(slots_[s].entry, overlap, replacement_)) removed_.push_back(s);
    });
    for (auto s : removed_) erase(s);
    for (auto& e : replacement_) insert(std::move(e));
  }

 private:
  struct Rect {
    std::int64_t row0, row1, col0, col1;  // half-open
  };
  // The fields a query filters on come first, so a rejected candidate costs one line.
  struct Slot {
    Rect rect{};
    std::uint32_t stamp = 0;
    bool alive = false;
    bool oversize = false;
    RegionEntry entry;
  };
  // The slots of one grid cell: a few inline (most cells hold one or two boxes), the rest
  // in an overflow vector, so a lookup usually touches the cell and nothing else.
  class Cell {
   public:
    void add(std::uint32_t s) {
      if (count_ < kInline) inline_[count_] = s;
      else overflow_.push_back(s);
      ++count_;
    }
    void remove(std::uint32_t s) {
      for (std::uint32_t i = 0; i < count_; ++i) {
        if (at(i) != s) continue;
        const std::uint32_t last = at(count_ - 1);
        if (i < kInline) inline_[i] = last;
        else overflow_[i - kInline] = last;
        if (count_ > kInline) overflow_.pop_back();
        --count_;
        return;
      }
    }
    template <class Fn> void for_each(Fn&& fn) const {
      for (std::uint32_t i = 0; i < count_; ++i) fn(at(i));
    }

   private:
    static constexpr std::uint32_t kInline = 5;
    std::uint32_t at(std::uint32_t i) const { return i < kInline ? inline_[i] : overflow_[i - kInline]; }
    std::uint32_t count_ = 0;
    std::array<std::uint32_t, kInline> inline_{};
    std::vector<std::uint32_t> overflow_;
  };

  Rect rect_of(const Box& box) const;
  void place(std::uint32_t slot);
  void erase(std::uint32_t slot);
  void maybe_regrid();
  void regrid(std::int64_t cell_rows, std::int64_t cell_cols);
  template <class Visit> void visit(const Box& query, Visit&& fn) {
    ++stamp_;
    const Rect q = rect_of(query);
    auto consider = [&](std::uint32_t s) {
      Slot& slot = slots_[s];
      if (slot.stamp == stamp_) return;
      slot.stamp = stamp_;
      ++considered_;
      if (q.row1 <= slot.rect.row0 || slot.rect.row1 <= q.row0 || q.col1 <= slot.rect.col0 ||
          slot.rect.col1 <= q.col0)
        return;
      if (auto overlap = intersect(slot.entry.box, query)) fn(s, *overlap);
    };
    // Callers erase only after the walk, so the lists are stable while we iterate.
    for (auto s : oversize_) consider(s);
    const std::int64_t gr0 = q.row0 / cell_rows_, gr1 = (q.row1 - 1) / cell_rows_;
    const std::int64_t gc0 = q.col0 / cell_cols_, gc1 = (q.col1 - 1) / cell_cols_;
    for (auto gr = gr0; gr <= gr1; ++gr)
      for (auto gc = gc0; gc <= gc1; ++gc)
        cells_[static_cast<std::size_t>(gr * grid_cols_ + gc)].for_each(consider);
  }

  Shape shape_;
  std::int64_t rows_ = 1, cols_ = 1;
  std::int64_t cell_rows_ = 1, cell_cols_ = 1, grid_rows_ = 1, grid_cols_ = 1;
  std::vector<Cell> cells_;
  std::vector<std::uint32_t> oversize_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::size_t alive_ = 0;
  std::size_t regrid_at_ = 64;
  std::uint32_t stamp_ = 0;
  std::uint64_t considered_ = 0;
  std::vector<RegionEntry> replacement_;  // scratch of update_intersecting
  std::vector<std::uint32_t> removed_;
};

}  // namespace tg
