#pragma once
// Ready (or stageable) tasks of one resource shape: the smallest priority first, then the
// order they arrived in. Entries whose task has nothing left to dispatch are dropped when
// they reach the top (lazy deletion). Cost: O(log n) per push and pop.
#include <algorithm>
#include <cstdint>

#include "scheduler/sim/metered.hpp"
#include "tasks/task.hpp"

namespace tg::sim {

struct QueueEntry {
  double priority;
  std::uint64_t seq;
  TaskId task;
  bool goes_after(const QueueEntry& o) const { return priority != o.priority ? priority > o.priority : seq > o.seq; }
};

class ReadyQueue {
 public:
  explicit ReadyQueue(MemoryMeter& meter) : heap_(MeteredAllocator<QueueEntry>(meter)) {}

  void push(double priority, std::uint64_t seq, TaskId task) {
    heap_.push_back(QueueEntry{priority, seq, task});
    std::push_heap(heap_.begin(), heap_.end(), After{});
  }
  const QueueEntry& top() const { return heap_.front(); }
  // Pops stale heads; true when a live one is left on top.
  template <class Stale>
  bool clean_top(const Stale& stale) {
    while (!heap_.empty() && stale(heap_.front().task)) {
      std::pop_heap(heap_.begin(), heap_.end(), After{});
      heap_.pop_back();
    }
    return !heap_.empty();
  }

 private:
  struct After {
    bool operator()(const QueueEntry& a, const QueueEntry& b) const { return a.goes_after(b); }
  };
  MeteredVector<QueueEntry> heap_;
};

}  // namespace tg::sim
