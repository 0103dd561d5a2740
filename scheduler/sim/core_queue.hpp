#pragma once
// The pending slot of each core (Machine::core_pending_slots = 1): a scheduler thread may
// write the next block to a core that is still running one, as the device does. A queued
// block starts when the core's running block ends plus the measured switch, not when the
// AICPU has seen its FIN; the core's running slot passes to it when the earlier block is
// retired. One slot per core is kept as a second CoreOccupancy over the same lanes, so a
// dispatch asks the same O(1) questions of it as of the running slots.
#include <cstdint>
#include <limits>
#include <optional>

#include "scheduler/sim/core_occupancy.hpp"
#include "scheduler/sim/metered.hpp"
#include "tasks/task.hpp"

namespace tg::sim {

class CoreQueue {
 public:
  struct Queued {
    TaskId task;
    std::int32_t block;
  };

  // Without pending slots every call below is a no-op (no per-lane state is held).
  CoreQueue(const LaneLayout& layout, bool enabled, MemoryMeter& meter)
      : enabled_(enabled),
        slots_(layout, 0, meter),
        lanes_(enabled ? layout.num_lanes() : 0, Lane{}, MeteredAllocator<Lane>(meter)) {}

  bool enabled() const { return enabled_; }
  // Pending slots free for blocks of `shape` (kAic, kAiv); asked only when no core of the
  // type is idle, so every such slot sits behind a running block.
  int free_units(Shape shape) const { return slots_.free_units(shape); }
  const FreeSet& free_groups(Shape shape) const { return slots_.free_groups(shape); }
  int free_core(int group, Shape shape) const { return slots_.free_core(group, shape); }

  // A block takes the lane's running slot: it has not ended yet.
  void opened(std::uint16_t lane) {
    if (enabled_) lanes_[lane].end_ns = kRunning;
  }
  // t's block b takes the lane's pending slot. Returns the running block's end when it has
  // already ended (the queued block may start from it now), nothing when it is still running.
  std::optional<std::int64_t> queue(std::uint16_t lane, TaskId t, std::int32_t b) {
    slots_.reserve(lane);
    Lane& l = lanes_[lane];
    l.queued = Queued{t, b};
    l.has_queued = true;
    if (l.end_ns == kRunning) {
      l.waiting = true;
      return std::nullopt;
    }
    const std::int64_t end = l.end_ns;
    l.end_ns = kRunning;
    return end;
  }
  // The lane's running block ended at `now`: the queued block waiting for it, if any (it is
  // then the running one).
  std::optional<Queued> ended(std::uint16_t lane, std::int64_t now) {
    if (!enabled_) return std::nullopt;
    Lane& l = lanes_[lane];
    if (!l.waiting) {
      l.end_ns = now;
      return std::nullopt;
    }
    l.waiting = false;
    return l.queued;
  }
  // A block on the lane was retired. True when the lane's running slot is now free; false
  // when a queued block held the pending slot, which is released instead (the running
  // slot passes to the queued block, or stays with the earlier one if the queued block's
  // FIN was seen first).
  bool retired(std::uint16_t lane) {
    if (!enabled_ || !lanes_[lane].has_queued) return true;
    lanes_[lane].has_queued = false;
    slots_.release(lane);
    return false;
  }

 private:
  static constexpr std::int64_t kRunning = std::numeric_limits<std::int64_t>::min();
  struct Lane {
    std::int64_t end_ns = 0;  // the last block's end, kRunning while one has not ended
    Queued queued{0, 0};
    bool has_queued = false;
    bool waiting = false;  // the queued block waits for the running block's end
  };
  bool enabled_;
  CoreOccupancy slots_;
  MeteredVector<Lane> lanes_;
};

}  // namespace tg::sim
