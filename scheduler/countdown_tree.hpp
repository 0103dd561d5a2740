#pragma once
// CountdownTree: waits for `count` arrivals, each naming its position 0..count-1, without
// every arrival hitting one cache line. Positions are grouped by kFanIn, each group has a
// counter on a line of its own, and a group's last arrival counts down its parent's, up to
// one root. A 10^5-wide fan-in is then ~1,600 counters of 64 arrivals (consecutive
// positions usually come from one worker, so a line rarely moves), not one counter
// decremented 10^5 times. Cost: one atomic per arrival, plus one per level for the last
// arrival of a group; 1 + count / 63 nodes of 64 bytes.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tg {

struct alignas(64) CountdownNode {
  std::atomic<std::uint32_t> left{0};
};

class CountdownTree {
 public:
  static constexpr std::size_t kFanIn = 64;

  // Nodes a tree of `count` arrivals needs (count >= 1).
  static std::size_t nodes_for(std::size_t count) {
    std::size_t nodes = 0;
    for (std::size_t level = count; level > 1; level = groups(level)) nodes += groups(level);
    return nodes == 0 ? 1 : nodes;
  }

  CountdownTree() = default;
  // Arms the tree over `nodes` (nodes_for(count) of them) for one round of arrivals.
  CountdownTree(std::span<CountdownNode> nodes, std::size_t count) : nodes_(nodes.data()), count_(count) {
    if (count <= 1) {
      nodes_[0].left.store(static_cast<std::uint32_t>(count), std::memory_order_relaxed);
      return;
    }
    std::size_t base = 0;
    for (std::size_t level = count; level > 1; level = groups(level)) {
      const std::size_t n = groups(level);
      for (std::size_t g = 0; g < n; ++g) {
        const std::size_t covered = g + 1 < n ? kFanIn : level - g * kFanIn;
        nodes_[base + g].left.store(static_cast<std::uint32_t>(covered), std::memory_order_relaxed);
      }
      base += n;
    }
  }

  // One arrival at `position` (each position arrives once). True for the last arrival of
  // all; that caller sees every other arrival's writes (acq_rel on each counter).
  bool arrive(std::size_t position) {
    if (count_ <= 1) return nodes_[0].left.fetch_sub(1, std::memory_order_acq_rel) == 1;
    std::size_t base = 0, index = position;
    for (std::size_t level = count_; level > 1; level = groups(level)) {
      const std::size_t group = index / kFanIn;
      if (nodes_[base + group].left.fetch_sub(1, std::memory_order_acq_rel) != 1) return false;
      base += groups(level);
      index = group;
    }
    return true;
  }

 private:
  static std::size_t groups(std::size_t n) { return (n + kFanIn - 1) / kFanIn; }

  CountdownNode* nodes_ = nullptr;
  std::size_t count_ = 0;
};

}  // namespace tg
