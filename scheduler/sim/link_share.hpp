#pragma once
// The links of one network dimension as processor sharing, as hbm_share.hpp does for the
// HBM: every collective phase moving bytes there gets min(its own rate, capacity / phases
// moving), re-evaluated whenever one joins or leaves. A phase's own rate is what its
// algorithm's links give it alone (one peer's links for ring and halving-doubling, all of
// them for direct); the capacity is all of a chip's links in the dimension. Every
// collective spans every chip, so one lane stands for the same links of every chip.
// Cost: O(k) per join, leave and departure query for k phases moving (a handful).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "tasks/task_cost.hpp"

namespace tg::sim {

class LinkShare {
 public:
  explicit LinkShare(double capacity_bytes_per_s) : capacity_bytes_per_ns_(capacity_bytes_per_s / 1e9) {}

  std::size_t moving() const { return members_.size(); }

  void join(std::int64_t now, std::size_t id, double bytes, double own_bytes_per_s) {
    advance(now);
    members_.push_back(Member{id, bytes, own_bytes_per_s / 1e9});
  }

  // When the next phase finishes its bytes at the current rates (ns, rounded up), -1 when none moves.
  std::int64_t next_departure_ns() const {
    std::int64_t best = -1;
    for (const Member& m : members_) {
      const double wait_ns = std::ceil(std::max(0.0, m.bytes_left) / rate(m));
      const std::int64_t at = wait_ns > static_cast<double>(kMaxModelledNs) ? kMaxModelledNs + 1
                                                                              : last_ns_ + static_cast<std::int64_t>(wait_ns);
      if (best < 0 || at < best) best = at;
    }
    return best;
  }

  // At `now`: removes every phase whose bytes are moved, handing its id to `leave` in join order.
  template <class Leave>
  void depart(std::int64_t now, const Leave& leave) {
    advance(now);
    std::vector<std::size_t> done;
    // A departure was scheduled rounded up; the tolerance absorbs the rates' rounding.
    auto finished = [](const Member& m) { return m.bytes_left <= 1e-6 + 1e-12 * m.bytes; };
    for (const Member& m : members_)
      if (finished(m)) done.push_back(m.id);
    members_.erase(std::remove_if(members_.begin(), members_.end(), finished), members_.end());
    for (std::size_t id : done) leave(id);
  }

 private:
  struct Member {
    std::size_t id;
    double bytes_left;
    double own_bytes_per_ns;
    double bytes = bytes_left;  // at join, for the tolerance
  };
  double rate(const Member& m) const {
    return std::min(m.own_bytes_per_ns, capacity_bytes_per_ns_ / static_cast<double>(members_.size()));
  }
  void advance(std::int64_t now) {
    const double elapsed = static_cast<double>(now - last_ns_);
    if (elapsed > 0)
      for (Member& m : members_) m.bytes_left -= rate(m) * elapsed;
    last_ns_ = now;
  }

  double capacity_bytes_per_ns_;
  std::vector<Member> members_;
  std::int64_t last_ns_ = 0;
};

}  // namespace tg::sim
