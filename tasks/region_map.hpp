#pragma once
// RegionMap: the live regions of every buffer with their last writer and the readers
// since, kept as disjoint boxes. Each access yields the RAW / WAR / WAW dependences on
// earlier tasks, then updates the map (a write replaces what it covers; a read joins).
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "tasks/edge.hpp"

namespace tg {

class BufferRegions;

class RegionMap {
 public:
  RegionMap();
  ~RegionMap();
  RegionMap(RegionMap&&) noexcept;
  RegionMap& operator=(RegionMap&&) noexcept;

  // Appends to `out` the dependences of task `task` (with arguments `args`) on earlier
  // accesses, then records its accesses. Arguments with infer == false are skipped.
  // Never yields an edge from a task to itself.
  void access(TaskId task, std::span<const Arg> args, std::vector<Edge>& out);

  std::size_t live_regions() const;
  // Live regions looked at by all lookups so far: divided by the accesses, the per-access
  // cost that must not grow with live_regions().
  std::uint64_t candidates_considered() const;

 private:
  BufferRegions& regions_of(const Buffer& buffer);
  std::vector<std::unique_ptr<BufferRegions>> by_buffer_;  // indexed by Buffer::id()
};

}  // namespace tg
