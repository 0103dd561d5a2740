#pragma once
// The simulator's future events, popped in (time, kind, push order). At equal times: HBM
// departures first (they decide block ends), then ends (they free bandwidth), then FIN
// signals, then retirements (a scheduler thread has taken a completion: cores freed,
// consumers ready), then starts, then the orchestrator, then scheduler-thread wake-ups;
// then push order. No event may lie beyond kMaxModelledNs (an Error, never a wrap).
//
// Most events come a fixed delay after the event that pushes them (FIN = end + FIN
// detection, start = dispatch + write + pickup, ...), and "now" only grows, so per kind
// they arrive already sorted. Each kind therefore has a FIFO that takes every event not
// earlier than its last one (O(1)); the others (block ends, staged starts) go to a binary
// heap. A pop takes the least of the heap top and the FIFO heads. Plain 24-byte records
// in vectors: no allocation per event once grown, no type erasure. Cost: O(1) per FIFO
// event, O(log h) per heap event for h pending heap events.
#include <algorithm>
#include <cstdint>

#include "scheduler/sim/metered.hpp"
#include <string>

#include "runtime/error.hpp"
#include "tasks/task.hpp"
#include "tasks/task_cost.hpp"

namespace tg::sim {

enum class EventKind : std::uint8_t { HbmDeparture, End, Fin, Retire, Start, Orchestrate, Wake };
inline constexpr int kEventKinds = 7;

struct Event {
  std::int64_t time;
  std::uint64_t order;  // kind in the top 3 bits, push sequence below
  TaskId task;
  std::int32_t block;
  EventKind kind() const { return static_cast<EventKind>(order >> 61); }
  bool after(const Event& o) const { return time != o.time ? time > o.time : order > o.order; }
};

// A growable ring of events in push order.
class EventFifo {
 public:
  explicit EventFifo(MemoryMeter& meter) : ring_(16, Event{}, MeteredAllocator<Event>(meter)) {}
  bool empty() const { return size_ == 0; }
  const Event& front() const { return ring_[head_]; }
  const Event& back() const { return ring_[(head_ + size_ - 1) & (ring_.size() - 1)]; }
  void push(const Event& e) {
    if (size_ == ring_.size()) grow();
    ring_[(head_ + size_) & (ring_.size() - 1)] = e;
    ++size_;
  }
  void pop() {
    head_ = (head_ + 1) & (ring_.size() - 1);
    --size_;
  }
  std::size_t size() const { return size_; }

 private:
  void grow() {
    MeteredVector<Event> bigger(ring_.size() * 2, Event{}, ring_.get_allocator());
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = ring_[(head_ + i) & (ring_.size() - 1)];
    ring_.swap(bigger);
    head_ = 0;
  }
  MeteredVector<Event> ring_;  // capacity a power of two
  std::size_t head_ = 0, size_ = 0;
};

class EventQueue {
 public:
  explicit EventQueue(MemoryMeter& meter)
      : heap_(MeteredAllocator<Event>(meter)),
        fifo_{EventFifo(meter), EventFifo(meter), EventFifo(meter), EventFifo(meter),
              EventFifo(meter), EventFifo(meter), EventFifo(meter)} {}

  void push(std::int64_t time, EventKind kind, TaskId task, std::int32_t block) {
    if (time > kMaxModelledNs) [[unlikely]]
      throw Error("simulator: modelled time passes 2^60 ns (36 years) at task #" + std::to_string(task) +
                  "; the graph's costs or the machine's latencies are out of scale (sums over tasks would overflow)");
    const Event e{time, (static_cast<std::uint64_t>(kind) << 61) | seq_++, task, block};
    EventFifo& fifo = fifo_[static_cast<int>(kind)];
    if (fifo.empty() || fifo.back().time <= time) {
      fifo.push(e);  // sorted: not earlier, and its sequence is the largest yet
    } else {
      heap_.push_back(e);
      std::push_heap(heap_.begin(), heap_.end(), Later{});
    }
    ++pending_;
    if (pending_ > peak_) peak_ = pending_;
    least_ = nullptr;
  }
  bool empty() const { return pending_ == 0; }
  // The earliest pending event (the queue must not be empty).
  const Event& top() {
    if (!least_) least_ = find_least();
    return *least_;
  }
  Event pop() {
    const Event e = top();
    if (least_from_heap_) {
      std::pop_heap(heap_.begin(), heap_.end(), Later{});
      heap_.pop_back();
    } else {
      fifo_[least_fifo_].pop();
    }
    least_ = nullptr;
    --pending_;
    return e;
  }
  std::size_t peak_size() const { return peak_; }

 private:
  struct Later {  // a type, not a function pointer: the heap's comparisons inline
    bool operator()(const Event& a, const Event& b) const { return a.after(b); }
  };
  const Event* find_least() {
    const Event* best = heap_.empty() ? nullptr : &heap_.front();
    least_from_heap_ = best != nullptr;
    for (int k = 0; k < kEventKinds; ++k) {
      if (fifo_[k].empty()) continue;
      const Event& head = fifo_[k].front();
      if (!best || best->after(head)) {
        best = &head;
        least_fifo_ = k;
        least_from_heap_ = false;
      }
    }
    return best;
  }

  MeteredVector<Event> heap_;
  EventFifo fifo_[kEventKinds];
  const Event* least_ = nullptr;  // cached until the next push or pop
  bool least_from_heap_ = false;
  int least_fifo_ = 0;
  std::uint64_t seq_ = 0;
  std::size_t pending_ = 0, peak_ = 0;
};

}  // namespace tg::sim
