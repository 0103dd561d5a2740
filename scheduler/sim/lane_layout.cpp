#include "scheduler/sim/lane_layout.hpp"

#include <string>

namespace tg::sim {

LaneLayout::LaneLayout(const Machine& machine)
    : groups_(machine.core_groups),
      aic_(machine.aic_per_group),
      per_group_(machine.cores_per_group()),
      core_lanes_(machine.core_groups * machine.cores_per_group()),
      scheduler_threads_(machine.scheduler_threads),
      host_lanes_(machine.host_lanes) {}

std::vector<Lane> LaneLayout::named_lanes() const {
  std::vector<Lane> lanes;
  lanes.reserve(num_lanes());
  for (int g = 0; g < groups_; ++g) {
    const std::string prefix = "g" + std::to_string(g) + ".";
    for (int slot = 0; slot < per_group_; ++slot) {
      const bool aic = slot < aic_;
      // One AIC per group keeps the plain name "AIC"; AIV cores are always numbered.
      const std::string core = aic ? (aic_ == 1 ? "AIC" : "AIC" + std::to_string(slot)) : "AIV" + std::to_string(slot - aic_);
      lanes.push_back(Lane{prefix + core, aic ? LaneKind::Aic : LaneKind::Aiv, g});
    }
  }
  for (int k = 0; k < scheduler_threads_; ++k) lanes.push_back(Lane{"sched " + std::to_string(k), LaneKind::Scheduler, -1});
  for (int h = 0; h < host_lanes_; ++h) lanes.push_back(Lane{"host " + std::to_string(h), LaneKind::Host, -1});
  return lanes;
}

}  // namespace tg::sim
