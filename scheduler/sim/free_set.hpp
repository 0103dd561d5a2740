#pragma once
// A set of small integers (free core groups, free host lanes) with O(1) insert / erase and
// the lowest member in O(n / 4096 + 1) word reads: a bit per member plus a summary bit
// per non-empty word. Replaces a scan over every core for each dispatch.
#include <bit>
#include <cstdint>

#include "scheduler/sim/metered.hpp"

namespace tg::sim {

class FreeSet {
 public:
  FreeSet(int capacity, MemoryMeter& meter)
      : words_((static_cast<std::size_t>(capacity) + 63) / 64, 0, MeteredAllocator<std::uint64_t>(meter)),
        summary_((words_.size() + 63) / 64, 0, MeteredAllocator<std::uint64_t>(meter)) {}

  bool contains(int i) const { return (words_[word(i)] >> bit(i)) & 1u; }
  void insert(int i) {
    words_[word(i)] |= std::uint64_t{1} << bit(i);
    summary_[word(i) / 64] |= std::uint64_t{1} << (word(i) % 64);
  }
  void erase(int i) {
    std::uint64_t& w = words_[word(i)];
    w &= ~(std::uint64_t{1} << bit(i));
    if (w == 0) summary_[word(i) / 64] &= ~(std::uint64_t{1} << (word(i) % 64));
  }
  bool empty() const { return lowest() < 0; }
  // The smallest member, -1 when empty.
  int lowest() const {
    for (std::size_t s = 0; s < summary_.size(); ++s)
      if (summary_[s] != 0) {
        const std::size_t w = s * 64 + static_cast<std::size_t>(std::countr_zero(summary_[s]));
        return static_cast<int>(w * 64 + static_cast<std::size_t>(std::countr_zero(words_[w])));
      }
    return -1;
  }

 private:
  static std::size_t word(int i) { return static_cast<std::size_t>(i) / 64; }
  static unsigned bit(int i) { return static_cast<unsigned>(i) % 64; }
  MeteredVector<std::uint64_t> words_;
  MeteredVector<std::uint64_t> summary_;
};

}  // namespace tg::sim
