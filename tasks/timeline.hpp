#pragma once
// Timeline: what an executor did. One row per physical execution of a block (and, on the
// modelled chip, per active MIX subslot), on a lane (a core or a host thread).
//
// Stored compactly (a run of 10^6 tasks keeps ~4 10^6 rows): a row is 28 bytes, times are
// 32-bit counts of the run's unit from the run's start, submit and ready are kept once per
// task. The unit is 1 ns while the run is shorter than 2^32 ns (4.29 s); past that it
// doubles as often as needed (every stored time is then rounded down to the unit), so a
// long run loses resolution, never range. Readers see rows and spans decoded to ns.
#include <cstdint>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <string>
#include <vector>

#include "tasks/task.hpp"

namespace tg {

enum class LaneKind : std::uint8_t { Aic, Aiv, Host, Scheduler, Thread };

struct Lane {
  std::string name;  // "g3.AIC", "g3.AIV1", "thread 0", "sched 2"
  LaneKind kind = LaneKind::Thread;
  int group = -1;    // core group on the modelled chip, -1 elsewhere
};

// One row decoded: timestamps in ns from the start of the run. The host executor fills
// start/end (and ready/dispatch = when the task became ready); the simulator fills all.
// submit and ready belong to the task: every row of a task reports the same.
struct TimelineRow {
  TaskId task = 0;
  std::int32_t block = 0;
  std::uint16_t lane = 0;
  std::uint8_t subslot = 0;  // MIX tasks: the core of the group (0 = AIC, 1 = AIV0, 2 = AIV1); else 0
  std::int64_t submit_ns = 0;
  std::int64_t ready_ns = 0;
  std::int64_t dispatch_ns = 0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::int64_t finish_ns = 0;  // FIN seen by the scheduler
};

// Work on a lane that is not a block: a modelled scheduler thread dispatching one block
// (all subslots of a MIX block, or all blocks of a sync_start launch, are one span).
struct LaneSpan {
  TaskId task = 0;
  std::int32_t block = 0;
  std::uint16_t lane = 0;
  std::int64_t begin_ns = 0;
  std::int64_t end_ns = 0;
};

// The stored forms: times in ticks of Timeline::unit_ns().
struct PackedRow {
  TaskId task = 0;
  std::int32_t block = 0;
  std::uint16_t lane = 0;
  std::uint8_t subslot = 0;
  std::uint32_t dispatch = 0, start = 0, end = 0, finish = 0;
};
struct PackedSpan {
  TaskId task = 0;
  std::int32_t block = 0;
  std::uint16_t lane = 0;
  std::uint32_t begin = 0, end = 0;
};
static_assert(sizeof(PackedRow) == 28 && sizeof(PackedSpan) == 20, "timeline rows are meant to stay compact");

class Timeline;

// The rows (or spans) of a timeline, decoded on access: indexable and iterable by value.
template <class Item>
class TimelineRange {
 public:
  class iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = Item;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Item;
    iterator(const TimelineRange* range, std::size_t at) : range_(range), at_(at) {}
    Item operator*() const { return (*range_)[at_]; }
    iterator& operator++() { ++at_; return *this; }
    bool operator==(const iterator& o) const { return at_ == o.at_; }
    bool operator!=(const iterator& o) const { return at_ != o.at_; }

   private:
    const TimelineRange* range_;
    std::size_t at_;
  };
  explicit TimelineRange(const Timeline& timeline) : timeline_(&timeline) {}
  std::size_t size() const;
  bool empty() const { return size() == 0; }
  Item operator[](std::size_t i) const;
  Item front() const { return (*this)[0]; }
  Item back() const { return (*this)[size() - 1]; }
  iterator begin() const { return iterator(this, 0); }
  iterator end() const { return iterator(this, size()); }

 private:
  const Timeline* timeline_;
};

class Timeline {
 public:
  std::string source;  // "host:2 threads", "sim:a2a3:fifo"
  std::vector<Lane> lanes;
  std::int64_t makespan_ns = 0;

  // Reading, in ns.
  TimelineRange<TimelineRow> rows() const { return TimelineRange<TimelineRow>(*this); }
  TimelineRange<LaneSpan> scheduler_spans() const { return TimelineRange<LaneSpan>(*this); }  // simulator only
  TimelineRow row(std::size_t i) const;
  LaneSpan scheduler_span(std::size_t i) const;
  std::int64_t submit_ns(TaskId task) const { return task < submit_.size() ? ns(submit_[task]) : 0; }
  std::int64_t ready_ns(TaskId task) const { return task < ready_.size() ? ns(ready_[task]) : 0; }
  std::int64_t unit_ns() const { return unit_ns_; }

  // Writing. A time below 0 ns throws Error. add_row also sets the task's submit and
  // ready (a task's rows share them).
  std::size_t add_row(const TimelineRow& row);
  void add_rows(std::initializer_list<TimelineRow> rows) {
    for (const TimelineRow& r : rows) add_row(r);
  }
  void add_span(const LaneSpan& span);
  void set_task_times(TaskId task, std::int64_t submit_ns, std::int64_t ready_ns);

  // For an executor that lays rows out itself and fills them in place (the simulator).
  const std::vector<PackedRow>& packed_rows() const { return rows_; }
  const std::vector<PackedSpan>& packed_spans() const { return spans_; }
  std::vector<PackedRow>& packed_rows() { return rows_; }
  std::vector<PackedSpan>& packed_spans() { return spans_; }
  std::vector<std::uint32_t>& packed_task_times(bool ready) { return ready ? ready_ : submit_; }
  // `ns` in ticks of the current unit; coarsens the unit (and every stored time) first when
  // `ns` does not fit 32 bits.
  std::uint32_t ticks(std::int64_t ns) {
    if (ns >= 0 && ns <= kMaxTicks && unit_ns_ == 1) return static_cast<std::uint32_t>(ns);
    return ticks_slow(ns);
  }
  std::int64_t ns(std::uint32_t ticks) const { return static_cast<std::int64_t>(ticks) * unit_ns_; }

  // Bytes held by the rows, spans and per-task times (capacities, what the run allocated).
  std::size_t memory_bytes() const;

 private:
  static constexpr std::int64_t kMaxTicks = 0xffffffffLL;
  std::uint32_t ticks_slow(std::int64_t ns);
  void coarsen(int shift);

  std::int64_t unit_ns_ = 1;
  std::vector<PackedRow> rows_;
  std::vector<PackedSpan> spans_;
  std::vector<std::uint32_t> submit_, ready_;  // per task
};

template <>
inline std::size_t TimelineRange<TimelineRow>::size() const { return timeline_->packed_rows().size(); }
template <>
inline TimelineRow TimelineRange<TimelineRow>::operator[](std::size_t i) const { return timeline_->row(i); }
template <>
inline std::size_t TimelineRange<LaneSpan>::size() const { return timeline_->packed_spans().size(); }
template <>
inline LaneSpan TimelineRange<LaneSpan>::operator[](std::size_t i) const { return timeline_->scheduler_span(i); }

inline TimelineRow Timeline::row(std::size_t i) const {
  const PackedRow& r = rows_[i];
  return TimelineRow{r.task,       r.block,     r.lane,       r.subslot,  submit_ns(r.task), ready_ns(r.task),
                     ns(r.dispatch), ns(r.start), ns(r.end), ns(r.finish)};
}

inline LaneSpan Timeline::scheduler_span(std::size_t i) const {
  const PackedSpan& s = spans_[i];
  return LaneSpan{s.task, s.block, s.lane, ns(s.begin), ns(s.end)};
}

}  // namespace tg
