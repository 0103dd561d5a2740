#include "scheduler/sim/core_occupancy.hpp"

namespace tg::sim {

CoreOccupancy::CoreOccupancy(const LaneLayout& layout, int host_lanes, MemoryMeter& meter)
    : layout_(layout),
      busy_(layout.num_lanes(), 0, MeteredAllocator<char>(meter)),
      busy_aic_(static_cast<std::size_t>(layout.groups()), 0, MeteredAllocator<std::uint8_t>(meter)),
      busy_aiv_(static_cast<std::size_t>(layout.groups()), 0, MeteredAllocator<std::uint8_t>(meter)),
      whole_free_(layout.groups(), meter),
      aic_free_(layout.groups(), meter),
      aiv_free_(layout.groups(), meter),
      host_free_(host_lanes, meter) {
  for (int g = 0; g < layout.groups(); ++g) {
    whole_free_.insert(g);
    aic_free_.insert(g);
    aiv_free_.insert(g);
  }
  for (int h = 0; h < host_lanes; ++h) host_free_.insert(h);
  free_units_[kMix] = layout.groups();
  free_units_[kAic] = layout.groups() * layout.aic_per_group();
  free_units_[kAiv] = layout.groups() * (layout.cores_per_group() - layout.aic_per_group());
  free_units_[kHost] = host_lanes;
}

int CoreOccupancy::free_core(int group, Shape shape) const {
  const int first = shape == kAic ? 0 : layout_.aic_per_group();
  const int last = shape == kAic ? layout_.aic_per_group() : layout_.cores_per_group();
  for (int slot = first; slot < last; ++slot)  // a group has a handful of cores
    if (!busy(layout_.core_lane(group, slot))) return slot;
  return -1;
}

int CoreOccupancy::lowest_free_host_lane() const {
  const int h = host_free_.lowest();
  return h < 0 ? -1 : layout_.host_lane(h);
}

void CoreOccupancy::set(std::uint16_t lane, bool busy) {
  if ((busy_[lane] != 0) == busy) return;
  busy_[lane] = busy ? 1 : 0;
  const int delta = busy ? -1 : 1;
  if (layout_.is_host(lane)) {
    const int h = layout_.host_index(lane);
    if (busy) host_free_.erase(h); else host_free_.insert(h);
    free_units_[kHost] += delta;
    return;
  }
  if (!layout_.is_core(lane)) return;  // scheduler lanes are not reserved this way
  const int g = layout_.group_of(lane);
  const bool aic = layout_.slot_of(lane) < layout_.aic_per_group();
  const int aic_cores = layout_.aic_per_group(), aiv_cores = layout_.cores_per_group() - aic_cores;
  const bool whole_before = busy_aic_[g] == 0 && busy_aiv_[g] == 0;
  std::uint8_t& count = aic ? busy_aic_[g] : busy_aiv_[g];
  const int cores_of_type = aic ? aic_cores : aiv_cores;
  const bool type_free_before = count < cores_of_type;
  count = static_cast<std::uint8_t>(count - delta);
  const bool type_free_after = count < cores_of_type;
  free_units_[aic ? kAic : kAiv] += delta;
  FreeSet& type_set = aic ? aic_free_ : aiv_free_;
  if (type_free_before != type_free_after) {
    if (type_free_after) type_set.insert(g); else type_set.erase(g);
  }
  const bool whole_after = busy_aic_[g] == 0 && busy_aiv_[g] == 0;
  if (whole_before != whole_after) {
    free_units_[kMix] += whole_after ? 1 : -1;
    if (whole_after) whole_free_.insert(g); else whole_free_.erase(g);
  }
}

}  // namespace tg::sim
