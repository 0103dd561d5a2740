#pragma once
// RegionIndex: the disjoint live boxes of one buffer, found by the box they intersect.
// Lookup: O(1) expected when the query is exactly a live box (whole buffer, one tile of a
// regular tiling, a 1-D range met before: disjointness makes that box the only hit), from
// one 16-byte hash entry and the region's 64-byte hot line; otherwise O(c + k) for c grid
// cells covered and k hits, independent of the number of live boxes while boxes are of a
// similar size. Insert: O(1) amortized; a regrid (at each doubling, only when the typical
// box changed) re-places every live box.
// Boxes are bucketed on a uniform grid over the buffer collapsed to 2-D (leading dims x
// last dim); the cells are powers of two sized from a sample of the live boxes; boxes
// spanning many cells sit in a short side list that every inexact query scans
// (disjointness keeps it short).
// Storage is split by temperature: the exact path reads the hash table and the state
// array only; filter rectangles (what an inexact query rejects candidates on) are a dense
// array of their own, and the full boxes are read only for real overlaps.
#include <array>
#include <cstdint>
#include <vector>

#include "runtime/box.hpp"
#include "tasks/huge_page_allocator.hpp"
#include "tasks/reader_list.hpp"
#include "tasks/slot_by_key.hpp"
#include "tasks/task.hpp"

namespace tg {

// What inference knows of one live region: its last writer and the readers since.
struct RegionState {
  bool has_writer = false;
  TaskId writer = 0;
  int writer_arg = -1;
  ReaderList readers;
};

struct RegionEntry {
  Box box;
  RegionState state;
};

class RegionIndex {
 public:
  // A box collapsed to the index's 2-D frame (leading dims x last dim), half-open; a box's
  // first and last element follow from it. A caller that asks several questions about one
  // box (inference: edges, then the read, then the write) computes it once.
  struct Rect {
    std::int64_t row0, row1, col0, col1;
    friend bool operator==(const Rect&, const Rect&) = default;
  };

  explicit RegionIndex(const Shape& buffer_shape);

  Rect rect_of(const Box& box) const {
    std::int64_t first = 0, last = 0;
    const std::size_t lead = box.sizes.size() - 1;
    for (std::size_t d = 0; d < lead; ++d) {
      first += box.offsets[d] * row_strides_[d];
      last += (box.offsets[d] + box.sizes[d] - 1) * row_strides_[d];
    }
    return Rect{first, last + 1, box.offsets[lead], box.offsets[lead] + box.sizes[lead]};
  }

  // Returns the new entry's state (valid while layout_version() is unchanged).
  RegionState* insert(const Box& box, RegionState state) { return insert(box, rect_of(box), std::move(state)); }
  RegionState* insert(const Box& box, const Rect& rect, RegionState state);
  RegionState* insert(RegionEntry entry) { return insert(entry.box, std::move(entry.state)); }

  // The state of the live entry whose box is exactly `box` (disjointness makes it the only
  // one that intersects it), or nullptr.
  RegionState* find_exact(const Box& box) { return find_exact(rect_of(box)); }
  RegionState* find_exact(const Rect& rect) {
    const std::uint32_t s = find_exact_slot(rect);
    return s == SlotByKey::kNone ? nullptr : &hot_[s].state;
  }
  // Starts the read find_exact(rect) will begin with (for a task's later arguments).
  void prefetch_exact(const Rect& rect) const { by_first_.prefetch(corners_of(rect).first); }
  // Bumped by every insert and erase: a state pointer stays valid while this is unchanged.
  std::uint64_t layout_version() const { return layout_version_; }
  std::size_t size() const { return alive_; }
  // Live boxes a query looked at so far (the cost the grid keeps independent of size()).
  std::uint64_t candidates_considered() const { return considered_; }

  // Calls fn(state, box, overlap) for every live entry intersecting `query`.
  template <class Fn> void for_each_intersecting(const Box& query, Fn&& fn) {
    if (RegionState* exact = find_exact(query)) return fn(*exact, query, query);
    for_each_intersecting_inexact(query, fn);
  }
  // The same, for a query the caller knows is no live box (find_exact() said nullptr).
  template <class Fn> void for_each_intersecting_inexact(const Box& query, Fn&& fn) {
    for_each_intersecting_inexact(query, rect_of(query), fn);
  }
  template <class Fn> void for_each_intersecting_inexact(const Box& query, const Rect& rect, Fn&& fn) {
    visit(query, rect, [&](std::uint32_t s, const Box& overlap) { fn(hot_[s].state, box_at(s), overlap); });
  }

  // Calls fn(state, box, overlap, replacement) for every live entry intersecting `query`;
  // when fn returns true the entry is removed and `replacement` entries are inserted
  // instead (after the walk, so they are not visited by it).
  template <class Fn> void update_intersecting(const Box& query, Fn&& fn) {
    replacement_.clear();
    removed_.clear();
    const Rect rect = rect_of(query);
    if (const std::uint32_t exact = find_exact_slot(rect); exact != SlotByKey::kNone) {
      if (fn(hot_[exact].state, query, query, replacement_)) removed_.push_back(exact);
    } else {
      visit(query, rect, [&](std::uint32_t s, const Box& overlap) {
        if (fn(hot_[s].state, box_at(s), overlap, replacement_)) removed_.push_back(s);
      });
    }
    for (auto s : removed_) erase(s);
    for (auto& e : replacement_) insert(std::move(e));
  }

 private:
  // A box's first and last element (flat): the first is unique among disjoint boxes, and
  // the two fix the box's offsets and extents.
  struct Corners {
    std::int64_t first, last;
  };
  // What a query filters on, in a dense array apart from the states and boxes: a rejected
  // candidate costs one line, and the boxes are touched only for hits.
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
    bool empty() const { return count_ == 0; }
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

  // What the exact path reads of a slot: its state and, to confirm a hash hit, the box's
  // last element. One aligned line (the state alone was 56 bytes: most straddled two).
  struct alignas(64) HotSlot {
    RegionState state;
    std::int64_t last = 0;
  };
  static_assert(sizeof(HotSlot) == 64, "a slot's hot part is one cache line");
  std::uint32_t find_exact_slot(const Rect& rect) {
    const Corners c = corners_of(rect);
    const std::uint32_t s = by_first_.find(c.first, c.last);
    if (s == SlotByKey::kNone || hot_[s].last != c.last) return SlotByKey::kNone;
    ++considered_;
    return s;
  }
  Corners corners_of(const Rect& r) const { return Corners{r.row0 * cols_ + r.col0, (r.row1 - 1) * cols_ + r.col1 - 1}; }
  struct CellRange {
    std::int64_t row0, row1, col0, col1;  // inclusive
  };
  CellRange cells_of(const Rect& r) const {
    return CellRange{r.row0 >> row_shift_, (r.row1 - 1) >> row_shift_, r.col0 >> col_shift_, (r.col1 - 1) >> col_shift_};
  }
  // Boxes are stored at the buffer's rank (offsets, then sizes), not as rank-8 Boxes: a
  // 1-D range takes 16 bytes, and the array grows and moves as fast as the others.
  Box box_at(std::uint32_t slot) const;
  void store_box(std::uint32_t slot, const Box& box);
  void place(std::uint32_t slot);
  void erase(std::uint32_t slot);
  void maybe_regrid();
  void regrid(int row_shift, int col_shift);
  template <class Visit> void visit(const Box& query, const Rect& q, Visit&& fn) {
    const CellRange g = cells_of(q);
    if (g.row0 == g.row1 && g.col0 == g.col1 && oversize_.empty()) {
      // A query inside one cell (a fresh tile or 1-D range, the common inexact case) sees
      // each candidate once: no stamps, and an empty cell answers at once.
      const Cell& cell = cells_[static_cast<std::size_t>(g.row0 * grid_cols_ + g.col0)];
      if (cell.empty()) return;
      cell.for_each([&](std::uint32_t s) {
        const Rect& r = filters_[s].rect;
        ++considered_;
        if (q.row1 <= r.row0 || r.row1 <= q.row0 || q.col1 <= r.col0 || r.col1 <= q.col0) return;
        if (auto overlap = intersect(box_at(s), query)) fn(s, *overlap);
      });
      return;
    }
    ++stamp_;
    auto consider = [&](std::uint32_t s) {
      Filter& f = filters_[s];
      if (f.stamp == stamp_) return;
      f.stamp = stamp_;
      ++considered_;
      if (q.row1 <= f.rect.row0 || f.rect.row1 <= q.row0 || q.col1 <= f.rect.col0 || f.rect.col1 <= q.col0) return;
      if (auto overlap = intersect(box_at(s), query)) fn(s, *overlap);
    };
    // Callers erase only after the walk, so the lists are stable while we iterate.
    for (auto s : oversize_) consider(s);
    for (auto gr = g.row0; gr <= g.row1; ++gr)
      for (auto gc = g.col0; gc <= g.col1; ++gc)
        cells_[static_cast<std::size_t>(gr * grid_cols_ + gc)].for_each(consider);
  }

  Shape shape_;
  std::size_t rank_ = 1;
  std::array<std::int64_t, kMaxRank> row_strides_{};      // of the leading dims, in rows
  std::int64_t rows_ = 1, cols_ = 1;
  // Cells are 2^row_shift_ rows by 2^col_shift_ columns: a box's cells come from shifts,
  // not from the four 64-bit divisions every query and insert paid.
  int row_shift_ = 0, col_shift_ = 0;
  std::int64_t grid_rows_ = 1, grid_cols_ = 1;
  std::vector<Cell> cells_;
  std::vector<std::uint32_t> oversize_;
  template <class T> using Array = std::vector<T, HugePageAllocator<T>>;
  Array<HotSlot> hot_;         // by slot: the hot part
  Array<Filter> filters_;      // by slot
  Array<std::int64_t> boxes_;  // 2 * rank per slot: read for overlaps and cuts only
  SlotByKey by_first_;               // live slot by its first element, checked on its last
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
