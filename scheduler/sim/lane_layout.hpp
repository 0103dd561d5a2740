#pragma once
// Where each lane of a simulated run sits in the Timeline: the cores of group g first
// (its AIC cores, then its AIV cores: the Machine's core-group shape), then the scheduler
// threads, then the host lanes; and what each lane is called ("g3.AIC", "g3.AIV1").
#include <cstdint>
#include <vector>

#include "runtime/machine.hpp"
#include "tasks/timeline.hpp"

namespace tg::sim {

class LaneLayout {
 public:
  explicit LaneLayout(const Machine& machine);

  int groups() const { return groups_; }
  int cores_per_group() const { return per_group_; }
  int aic_per_group() const { return aic_; }
  // Core `slot` of group g: slots 0 .. aic-1 are AIC cores, then the AIV cores. This is
  // also a MIX task's subslot (bit `slot` of mix_slots).
  std::uint16_t core_lane(int group, int slot) const { return static_cast<std::uint16_t>(group * per_group_ + slot); }
  std::uint16_t sched_lane(int thread) const { return static_cast<std::uint16_t>(core_lanes_ + thread); }
  std::uint16_t host_lane(int h) const { return static_cast<std::uint16_t>(core_lanes_ + scheduler_threads_ + h); }
  bool is_core(std::uint16_t lane) const { return lane < core_lanes_; }
  bool is_host(std::uint16_t lane) const { return lane >= core_lanes_ + scheduler_threads_; }
  int group_of(std::uint16_t lane) const { return lane / per_group_; }
  int slot_of(std::uint16_t lane) const { return lane % per_group_; }
  int host_index(std::uint16_t lane) const { return lane - core_lanes_ - scheduler_threads_; }
  std::size_t num_lanes() const { return static_cast<std::size_t>(core_lanes_ + scheduler_threads_ + host_lanes_); }

  std::vector<Lane> named_lanes() const;

 private:
  int groups_, aic_, per_group_, core_lanes_, scheduler_threads_, host_lanes_;
};

}  // namespace tg::sim
