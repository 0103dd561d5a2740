#pragma once
// RegionIndex: the disjoint live boxes of one buffer, found by the box they intersect.
// Boxes are bucketed on a uniform grid over the buffer collapsed to 2-D (leading dims x
// last dim); the cell size adapts to the boxes seen, so a query visits the few cells it
// covers. Lookup: O(1) expected when the query is exactly a live box (whole buffer, one tile
// of a regular tiling, a 1-D range met before: disjointness makes that box the only hit);
// otherwise O(c + k) for c cells covered and k hits, independent of the number of live
// boxes while boxes are of a similar size; boxes spanning many cells sit in a short side
// list that every query scans (disjointness keeps it short).
#include <array>
#include <cstdint>
#include <vector>

#include "runtime/box.hpp"
#include "tasks/reader_list.hpp"
#include "tasks/slot_by_key.hpp"
#include "tasks/task.hpp"

namespace tg {

struct RegionEntry {
  Box box;
  bool has_writer = false;
  TaskId writer = 0;
  int writer_arg = -1;
  ReaderList readers;
};

class RegionIndex {
 public:
  explicit RegionIndex(const Shape& buffer_shape);

  void insert(RegionEntry entry);

  // The live entry whose box is exactly `box` (disjointness makes it the only one that
  // intersects it), or nullptr. O(1) expected: the fast path of whole-buffer accesses, of
  // the tiles of a regular tiling and of 1-D ranges met before.
  RegionEntry* find_exact(const Box& box) {
    const Rect r = rect_of(box);
    const std::uint32_t s = by_first_.find(key_of(r));
    if (s == SlotByKey::kNone || !(filters_[s].rect == r)) return nullptr;
    ++considered_;
    return &entries_[s];
  }
  // Bumped by every insert and erase: an entry pointer from find_exact() stays valid
  // while this is unchanged.
  std::uint64_t layout_version() const { return layout_version_; }
  std::size_t size() const { return alive_; }
  // Live boxes a query looked at so far (the cost the grid keeps independent of size()).
  std::uint64_t candidates_considered() const { return considered_; }

  // Calls fn(entry, overlap) for every live entry intersecting `query`.
  template <class Fn> void for_each_intersecting(const Box& query, Fn&& fn) {
    visit(query, [&](std::uint32_t s, const Box& overlap) { fn(entries_[s], overlap); });
  }

  // Calls fn(entry, overlap, replacement) for every live entry intersecting `query`; when
  // fn returns true the entry is removed and `replacement` entries are inserted instead
  // (after the walk, so they are not visited by it).
  template <class Fn> void update_intersecting(const Box& query, Fn&& fn) {
    replacement_.clear();
    removed_.clear();
    visit(query, [&](std::uint32_t s, const Box& overlap) {
      if (fn(entries_[s], overlap, replacement_)) removed_.push_back(s);
    });
    for (auto s : removed_) erase(s);
    for (auto& e : replacement_) insert(std::move(e));
  }

 private:
  struct Rect {
    std::int64_t row0, row1, col0, col1;  // half-open
    friend bool operator==(const Rect&, const Rect&) = default;
  };
  // What a query filters on, in a dense array apart from the entries: a rejected candidate
  // costs one line, and the entries' boxes and reader lists are touched only for hits.
  struct Filter {
    Rect rect{};
    std::uint32_t stamp = 0;
    bool alive = false;
    bool oversize = false;
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
  // A live box's key: its first element, unique among disjoint boxes. Equal rects mean
  // equal boxes (a box's first and last element fix its offsets and extents).
  std::int64_t key_of(const Rect& r) const { return r.row0 * cols_ + r.col0; }
  template <class Visit> void visit(const Box& query, Visit&& fn) {
    const Rect q = rect_of(query);
    if (const std::uint32_t s = by_first_.find(key_of(q)); s != SlotByKey::kNone && filters_[s].rect == q) {
      ++considered_;
      fn(s, query);  // the live boxes are disjoint: an exact match is the only hit
      return;
    }
    ++stamp_;
    auto consider = [&](std::uint32_t s) {
      Filter& f = filters_[s];
      if (f.stamp == stamp_) return;
      f.stamp = stamp_;
      ++considered_;
      if (q.row1 <= f.rect.row0 || f.rect.row1 <= q.row0 || q.col1 <= f.rect.col0 || f.rect.col1 <= q.col0) return;
      if (auto overlap = intersect(entries_[s].box, query)) fn(s, *overlap);
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
  std::array<std::int64_t, kMaxRank> row_strides_{};  // of the leading dims, in rows
  std::int64_t rows_ = 1, cols_ = 1;
  std::int64_t cell_rows_ = 1, cell_cols_ = 1, grid_rows_ = 1, grid_cols_ = 1;
  std::vector<Cell> cells_;
  std::vector<std::uint32_t> oversize_;
  std::vector<Filter> filters_;       // by slot
  std::vector<RegionEntry> entries_;  // by slot
  SlotByKey by_first_;                // live slot by key_of(rect)
  std::vector<std::uint32_t> free_;
  std::size_t alive_ = 0;
  std::size_t regrid_at_ = 64;
  std::uint32_t stamp_ = 0;
  std::uint64_t considered_ = 0;
  std::uint64_t layout_version_ = 0;
  std::vector<RegionEntry> replacement_;  // scratch of update_intersecting
  std::vector<std::uint32_t> removed_;
};

}  // namespace tg
