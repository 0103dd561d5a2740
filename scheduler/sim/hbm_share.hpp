#pragma once
// The shared HBM as processor sharing: every block still moving HBM bytes gets the same
// rate, min(per-core GM bandwidth, HBM bandwidth / blocks moving), re-evaluated whenever a
// block joins or leaves. Kept as one "virtual bytes" clock (bytes moved so far by any one
// block that moved since time 0): a block joining at clock V with B bytes leaves at V + B,
// so the members leave in the order of their targets (a min-heap) and only the next
// departure needs an event (the simulator keeps one valid at a time). Cost: O(log h) per
// join and leave for h blocks moving.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "scheduler/sim/metered.hpp"
#include "tasks/task.hpp"
#include "tasks/task_cost.hpp"

namespace tg::sim {

struct HbmMember {
  double target_bytes;         // the virtual clock at which the block's HBM bytes are moved
  std::int64_t compute_end_ns; // the block cannot end before its compute (and per-core GM) time
  TaskId task;
  std::int32_t block;
};

class HbmShare {
 public:
  HbmShare(double hbm_bytes_per_s, double per_core_bytes_per_s, MemoryMeter& meter)
      : hbm_bytes_per_ns_(hbm_bytes_per_s / 1e9),
        per_core_bytes_per_ns_(per_core_bytes_per_s / 1e9),
        heap_(MeteredAllocator<HbmMember>(meter)) {}

  std::size_t moving() const { return heap_.size(); }

  void join(std::int64_t now, double bytes, std::int64_t compute_end_ns, TaskId task, std::int32_t block) {
    advance(now);
    heap_.push_back(HbmMember{clock_ + bytes, compute_end_ns, task, block});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }

  // When the next member leaves at the current rate (ns, rounded up), -1 when none moves.
  std::int64_t next_departure_ns() const {
    if (heap_.empty()) return -1;
    const double left = std::max(0.0, heap_.front().target_bytes - clock_);
    const double wait_ns = std::ceil(left / rate());
    // Beyond the model's range: the event queue turns kMaxModelledNs + 1 into an Error.
    if (wait_ns > static_cast<double>(kMaxModelledNs)) return kMaxModelledNs + 1;
    return last_ns_ + static_cast<std::int64_t>(wait_ns);
  }

  // At `now`: pops every member whose bytes are moved, handing each to `leave`; returns
  // how many left.
  template <class Leave>
  int depart(std::int64_t now, const Leave& leave) {
    advance(now);
    int left = 0;
    // A departure was scheduled rounded up, so its bytes are moved; the tolerance absorbs
    // the clock's rounding.
    while (!heap_.empty() && heap_.front().target_bytes <= clock_ * (1 + 1e-12) + 1e-6) {
      std::pop_heap(heap_.begin(), heap_.end(), Later{});
      const HbmMember m = heap_.back();
      heap_.pop_back();
      leave(m);
      ++left;
    }
    return left;
  }

 private:
  double rate() const {  // bytes per ns for each member
    return std::min(per_core_bytes_per_ns_, hbm_bytes_per_ns_ / static_cast<double>(heap_.size()));
  }
  void advance(std::int64_t now) {
    if (!heap_.empty()) clock_ += rate() * static_cast<double>(now - last_ns_);
    last_ns_ = now;
  }
  struct Later {
    bool operator()(const HbmMember& a, const HbmMember& b) const { return a.target_bytes > b.target_bytes; }
  };

  double hbm_bytes_per_ns_, per_core_bytes_per_ns_;
  MeteredVector<HbmMember> heap_;
  double clock_ = 0;
  std::int64_t last_ns_ = 0;
};

}  // namespace tg::sim
