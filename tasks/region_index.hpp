#pragma once
// RegionIndex: the disjoint live boxes of one buffer, found by the box they intersect.
// Boxes are bucketed on a uniform grid over the buffer collapsed to 2-D (leading dims x
// last dim); the cell size adapts to the boxes seen, so a query visits the few cells it
// covers. Lookup: O(c + k) for c cells covered and k hits, independent of the number of
// live boxes while boxes are of a similar size; boxes spanning many cells sit in a short
// side list that every query scans (disjointness keeps it short).
#include <cstdint>
#include <functional>
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

  // Calls fn(entry, overlap) for every live entry intersecting `query`.
  void for_each_intersecting(const Box& query, const std::function<void(RegionEntry&, const Box&)>& fn);

  // Calls fn(entry, overlap, replacement) for every live entry intersecting `query`; when
  // fn returns true the entry is removed and `replacement` entries are inserted instead
  // (after the walk, so they are not visited by it).
  void update_intersecting(
      const Box& query,
      const std::function<bool(RegionEntry&, const Box&, std::vector<RegionEntry>&)>& fn);

 private:
  struct Rect {
    std::int64_t row0, row1, col0, col1;  // half-open
  };
  struct Slot {
    RegionEntry entry;
    Rect rect{};
    std::uint32_t stamp = 0;
    bool alive = false;
    bool oversize = false;
  };

  Rect rect_of(const Box& box) const;
  void place(std::uint32_t slot);
  void erase(std::uint32_t slot);
  void maybe_regrid();
  void regrid(std::int64_t cell_rows, std::int64_t cell_cols);
  template <class Visit> void visit(const Box& query, Visit&& visit);

  Shape shape_;
  std::int64_t rows_ = 1, cols_ = 1;
  std::int64_t cell_rows_ = 1, cell_cols_ = 1, grid_rows_ = 1, grid_cols_ = 1;
  std::vector<std::vector<std::uint32_t>> cells_;
  std::vector<std::uint32_t> oversize_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::size_t alive_ = 0;
  std::size_t regrid_at_ = 64;
  std::uint32_t stamp_ = 0;
};

}  // namespace tg
