#pragma once
// Which cores and host lanes are reserved (from dispatch to FIN seen), kept so that every
// question a dispatch asks is O(1) or a FreeSet lookup: how many blocks of a resource
// shape fit now, which groups can take one, which core of a group is free.
#include <cstdint>

#include "scheduler/sim/free_set.hpp"
#include "scheduler/sim/lane_layout.hpp"
#include "scheduler/sim/metered.hpp"

namespace tg::sim {

// The resource shapes tasks wait in: MIX takes a whole group, CUBE one AIC, VECTOR one AIV.
enum Shape : std::uint8_t { kMix, kAic, kAiv, kHost, kShapes };

class CoreOccupancy {
 public:
  CoreOccupancy(const LaneLayout& layout, int host_lanes, MemoryMeter& meter);

  bool busy(std::uint16_t lane) const { return busy_[lane] != 0; }
  // Blocks of `shape` the cores can take now (MIX: whole free groups; AIC, AIV: free cores).
  int free_units(Shape shape) const { return free_units_[shape]; }
  // Groups that can take one block of `shape` now (not kHost).
  const FreeSet& free_groups(Shape shape) const { return shape == kMix ? whole_free_ : shape == kAic ? aic_free_ : aiv_free_; }
  // The lowest free core of the type `shape` needs in group g (kAic or kAiv), -1 if none.
  int free_core(int group, Shape shape) const;
  int lowest_free_host_lane() const;  // a lane number, -1 when every host lane is busy

  // Idempotent: reserving a reserved lane or releasing a free one changes nothing.
  void reserve(std::uint16_t lane) { set(lane, true); }
  void release(std::uint16_t lane) { set(lane, false); }

 private:
  void set(std::uint16_t lane, bool busy);

  const LaneLayout& layout_;
  MeteredVector<char> busy_;                    // per lane
  MeteredVector<std::uint8_t> busy_aic_, busy_aiv_;  // per group
  FreeSet whole_free_, aic_free_, aiv_free_, host_free_;
  int free_units_[kShapes] = {};
};

}  // namespace tg::sim
