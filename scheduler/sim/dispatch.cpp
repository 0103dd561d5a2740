// The dispatch pass of a simulated run: after every instant's events, free scheduler
// threads take the best ready task head among the shapes whose cores can take it
// (a sync_start head needs all its blocks' cores at once and holds its queue); with
// early dispatch, leftover cores take stageable tasks. HOST tasks bypass the AICPU. With
// pending slots, a single-core block whose type has no idle core is queued on a busy one.
#include "scheduler/sim/sim_run.hpp"

#include <algorithm>
#include <limits>

namespace tg::sim {

int SimRun::free_scheduler_thread(std::int64_t now) const {
  for (std::size_t k = 0; k < sched_free_at_.size(); ++k)  // a few AICPU threads
    if (sched_free_at_[k] <= now) return static_cast<int>(k);
  return -1;
}

void SimRun::dispatch_pass(std::int64_t now) {
  dispatch_host(now);
  auto all_out = [this](TaskId t) { return this->all_out(t); };
  auto not_stageable = [this](TaskId t) { return state_[t] == TaskState::Ready || this->all_out(t); };
  while (true) {
    const int thread = free_scheduler_thread(now);
    if (thread < 0) return;
    int best = -1;
    bool best_pending = false;
    for (int s = kMix; s <= kAiv; ++s) {
      if (!ready_[s].clean_top(all_out)) continue;
      const Task& head = task(ready_[s].top().task);
      const int needed = head.sync_start ? head.block_num : 1;
      bool pending = false;
      if (cores_.free_units(static_cast<Shape>(s)) < needed) {  // a sync_start head holds its queue
        // MIX blocks and sync_start launches take idle cores only.
        pending = queued_.enabled() && s != kMix && !head.sync_start && queued_.free_units(static_cast<Shape>(s)) > 0;
        if (!pending) continue;
      }
      if (best < 0 || ready_[best].top().goes_after(ready_[s].top())) {
        best = s;
        best_pending = pending;
      }
    }
    if (best >= 0) {
      const TaskId t = ready_[best].top().task;
      const int count = task(t).sync_start ? task(t).block_num : 1;
      launch(t, count, thread, now, best_pending ? Slot::Pending : Slot::Running);
      continue;
    }
    if (!stages_early_) return;
    bool staged = false;
    for (int s = kMix; s <= kAiv && !staged; ++s) {
      if (ready_[s].clean_top(all_out) || !stageable_[s].clean_top(not_stageable)) continue;
      if (cores_.free_units(static_cast<Shape>(s)) < 1) continue;
      launch(stageable_[s].top().task, 1, thread, now, Slot::Staged);
      staged = true;
    }
    if (!staged) return;
  }
}

// Dispatches `count` blocks of t from its next block on, on one scheduler thread.
void SimRun::launch(TaskId t, int count, int thread, std::int64_t now, Slot slot_kind) {
  const Task& task = this->task(t);
  const Shape shape = shape_of(task.kind);
  // A task's first block pays the task's dispatch; its later blocks each publish a handle.
  const bool first = next_block_[t] == 0;
  const std::int64_t written =
      now + jitter_.draw(m_.block_dispatch_ns(first) + m_.block_dispatch_ns(false) * (count - 1), m_.jitter.dispatch);
  sched_free_at_[static_cast<std::size_t>(thread)] = written;
  sched_busy_ns_[static_cast<std::size_t>(thread)] += written - now;
  if (written > now) events_.push(written, EventKind::Wake, 0, thread);
  last_ns_ = std::max(last_ns_, written);
  tl_.ticks(written);  // coarsen the unit, if needed, before anything of this launch is stored
  tl_.packed_spans().push_back(PackedSpan{t, next_block_[t], layout_.sched_lane(thread), tl_.ticks(now), tl_.ticks(written)});
  if (next_block_[t] == 0) staging_.on_first_dispatch(t);
  const std::span<const int> history(group_of_task_.data(), group_of_task_.size());
  for (int i = 0; i < count; ++i) {
    const std::int32_t b = next_block_[t]++;
    const bool pending = slot_kind == Slot::Pending;
    const int group = strategy_.choose_group(g_, t, pending ? queued_.free_groups(shape) : cores_.free_groups(shape), history);
    if (!group_of_task_.empty()) group_of_task_[t] = group;
    // The head: pickup, plus a cold start on a core's first block or a switch when the
    // core's previous block was another task's (the worst of a MIX task's cores).
    std::int64_t cold = 0, change = 0;
    auto head_of = [&](std::uint16_t lane) {
      std::uint32_t& last = last_task_on_core_[lane];
      if (last == std::numeric_limits<std::uint32_t>::max())
        cold = m_.cold_start_ns;
      else if (last != t)
        change = std::max(change, m_.switch_ns);
      last = t;
    };
    std::size_t sub = 0;
    auto place = [&](int slot) {
      const std::uint16_t lane = layout_.core_lane(group, slot);
      if (!pending) {
        cores_.reserve(lane);
        queued_.opened(lane);
        head_of(lane);
      }
      PackedRow& r = row(t, b, sub++);
      r = PackedRow{t, b, lane, static_cast<std::uint8_t>(slot), 0, 0, 0, 0};
    };
    if (shape == kMix) {
      // The whole group is taken; rows only for the active subslots.
      for (int slot = 0; slot < layout_.cores_per_group(); ++slot) {
        if (task.mix_slots & (1u << slot))
          place(slot);
        else {
          cores_.reserve(layout_.core_lane(group, slot));
          queued_.opened(layout_.core_lane(group, slot));
        }
      }
    } else {
      place(pending ? queued_.free_core(group, shape) : cores_.free_core(group, shape));
      row(t, b, 0).subslot = 0;
    }
    const std::int64_t extra = cold > 0 ? cold : change;
    // A core's first head has its own measured (skewed) spread when the machine gives one.
    const Machine::Spread& spread = cold > 0 && !m_.jitter.cold_start.none() ? m_.jitter.cold_start : m_.jitter.head;
    const std::int64_t head = jitter_.draw(m_.pickup_ns + extra, spread);
    if (!pending) stats_.head_overhead_ns += head;
    (cold > 0 ? stats_.cold_start_ns : stats_.switch_ns) += extra;
    const std::int64_t earliest_start = written + head;  // final once the block starts
    tl_.ticks(earliest_start);
    const std::uint32_t dispatch_ticks = tl_.ticks(now), start_ticks = tl_.ticks(earliest_start);
    for (std::size_t s = 0; s < subslots(t); ++s) {
      row(t, b, s).dispatch = dispatch_ticks;
      row(t, b, s).start = start_ticks;
    }
    if (pending) {
      // The pickup overlaps the running block; the switch after its end is the head.
      const std::uint16_t lane = row(t, b).lane;
      last_task_on_core_[lane] = t;
      if (const auto running_end = queued_.queue(lane, t, b)) start_queued(t, b, *running_end);
    } else if (slot_kind == Slot::Running) {
      events_.push(earliest_start, EventKind::Start, t, b);
    }
  }
}

// A queued block starts the measured switch after the core's previous block ended, or
// when its own dispatch and pickup are done if that is later.
void SimRun::start_queued(TaskId t, std::int32_t b, std::int64_t running_end_ns) {
  const std::int64_t switch_ns = jitter_.draw(m_.queued_switch_ns, m_.jitter.head);
  stats_.head_overhead_ns += switch_ns;
  stats_.switch_ns += switch_ns;
  events_.push(std::max(tl_.ns(row(t, b).start), running_end_ns + switch_ns), EventKind::Start, t, b);
}

void SimRun::dispatch_host(std::int64_t now) {
  auto all_out = [this](TaskId t) { return this->all_out(t); };
  while (ready_[kHost].clean_top(all_out)) {
    const int lane = cores_.lowest_free_host_lane();
    if (lane < 0) return;
    const TaskId t = ready_[kHost].top().task;
    const std::int32_t b = next_block_[t]++;
    if (b == 0) staging_.on_first_dispatch(t);
    cores_.reserve(static_cast<std::uint16_t>(lane));
    const std::uint32_t now_ticks = tl_.ticks(now);
    row(t, b) = PackedRow{t, b, static_cast<std::uint16_t>(lane), 0, now_ticks, 0, 0, 0};
    start_block(t, b, now);
  }
}

}  // namespace tg::sim
