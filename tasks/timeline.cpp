#include "tasks/timeline.hpp"

#include <algorithm>

#include "runtime/error.hpp"

namespace tg {
namespace {

void check_not_negative(std::int64_t ns, const char* what, TaskId task) {
  if (ns < 0)
    throw Error(ErrorContext{.task_id = task}, std::string("timeline: ") + what + " of task " + std::to_string(task) +
                                                   " is " + std::to_string(ns) +
                                                   " ns; times count from the run's start and cannot be negative");
}

}  // namespace

std::uint32_t Timeline::ticks_slow(std::int64_t ns) {
  if (ns < 0) throw Error("timeline: a time of " + std::to_string(ns) + " ns is before the run's start");
  int shift = 0;
  while ((ns / (unit_ns_ << shift)) > kMaxTicks) ++shift;
  if (shift > 0) coarsen(shift);
  return static_cast<std::uint32_t>(ns / unit_ns_);
}

// Why coarsen instead of failing: a long host run must still be recorded; it is recorded
// at a resolution of unit_ns (the stored times are rounded down to it).
void Timeline::coarsen(int shift) {
  auto down = [shift](std::uint32_t& t) { t >>= shift; };
  for (PackedRow& r : rows_) {
    down(r.dispatch);
    down(r.start);
    down(r.end);
    down(r.finish);
  }
  for (PackedSpan& s : spans_) {
    down(s.begin);
    down(s.end);
  }
  for (auto& t : submit_) down(t);
  for (auto& t : ready_) down(t);
  unit_ns_ <<= shift;
}

void Timeline::set_task_times(TaskId task, std::int64_t submit_ns, std::int64_t ready_ns) {
  check_not_negative(submit_ns, "submit", task);
  check_not_negative(ready_ns, "ready", task);
  if (task >= submit_.size()) {
    submit_.resize(static_cast<std::size_t>(task) + 1, 0);
    ready_.resize(static_cast<std::size_t>(task) + 1, 0);
  }
  ticks(std::max(submit_ns, ready_ns));  // coarsens, if at all, before either is stored
  submit_[task] = ticks(submit_ns);
  ready_[task] = ticks(ready_ns);
}

std::size_t Timeline::add_row(const TimelineRow& row) {
  for (std::int64_t t : {row.dispatch_ns, row.start_ns, row.end_ns, row.finish_ns}) check_not_negative(t, "a timestamp", row.task);
  set_task_times(row.task, row.submit_ns, row.ready_ns);
  // Encode the largest first so that a coarsening happens before any of this row is stored.
  ticks(std::max({row.dispatch_ns, row.start_ns, row.end_ns, row.finish_ns}));
  rows_.push_back(PackedRow{row.task, row.block, row.lane, row.subslot, ticks(row.dispatch_ns), ticks(row.start_ns),
                            ticks(row.end_ns), ticks(row.finish_ns)});
  return rows_.size() - 1;
}

void Timeline::add_span(const LaneSpan& span) {
  check_not_negative(span.begin_ns, "a scheduler span's begin", span.task);
  check_not_negative(span.end_ns, "a scheduler span's end", span.task);
  ticks(std::max(span.begin_ns, span.end_ns));
  spans_.push_back(PackedSpan{span.task, span.block, span.lane, ticks(span.begin_ns), ticks(span.end_ns)});
}

std::size_t Timeline::memory_bytes() const {
  return rows_.capacity() * sizeof(PackedRow) + spans_.capacity() * sizeof(PackedSpan) +
         (submit_.capacity() + ready_.capacity()) * sizeof(std::uint32_t);
}

}  // namespace tg
