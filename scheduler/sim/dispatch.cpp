// The dispatch pass of a simulated run: after every instant's events, free scheduler
// threads take the best ready task head among the shapes whose cores can take it
// (a sync_start head needs all its blocks' cores at once and holds its queue); with
// early dispatch, leftover cores take stageable tasks. HOST tasks bypass the AICPU.
#include "scheduler/sim/sim_run.hpp"

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
    for (int s = kMix; s <= kAiv; ++s) {
      if (!ready_[s].clean_top(all_out)) continue;
      const Task& head = task(ready_[s].top().task);
      const int needed = head.sync_start ? head.block_num : 1;
      if (cores_.free_units(static_cast<Shape>(s)) < needed) continue;  // a sync_start head holds its queue
      if (best < 0 || ready_[best].top().goes_after(ready_[s].top())) best = s;
    }
    if (best >= 0) {
      const TaskId t = ready_[best].top().task;
      const int count = task(t).sync_start ? task(t).block_num : 1;
      launch(t, count, thread, now, /*staged=*/false);
      continue;
    }
    if (!stages_early_) return;
    bool staged = false;
    for (int s = kMix; s <= kAiv && !staged; ++s) {
      if (ready_[s].clean_top(all_out) || !stageable_[s].clean_top(not_stageable)) continue;
      if (cores_.free_units(static_cast<Shape>(s)) < 1) continue;
      launch(stageable_[s].top().task, 1, thread, now, /*staged=*/true);
      staged = true;
    }
    if (!staged) return;
  }
}

// Dispatches `count` blocks of t from its next block on, on one scheduler thread.
void SimRun::launch(TaskId t, int count, int thread, std::int64_t now, bool staged) {
  const Task& task = this->task(t);
  const Shape shape = shape_of(task.kind);
  const std::int64_t written = now + m_.dispatch_ns * count;
  sched_free_at_[static_cast<std::size_t>(thread)] = written;
  if (written > now) events_.push(written, EventKind::Wake, 0, 0);
  last_ns_ = std::max(last_ns_, written);
  tl_.ticks(written);  // coarsen the unit, if needed, before anything of this launch is stored
  tl_.packed_spans().push_back(PackedSpan{t, next_block_[t], layout_.sched_lane(thread), tl_.ticks(now), tl_.ticks(written)});
  if (next_block_[t] == 0) staging_.on_first_dispatch(t);
  const std::int64_t earliest_start = written + m_.pickup_ns;  // final once the block starts
  tl_.ticks(earliest_start);
  const std::uint32_t dispatch_ticks = tl_.ticks(now), start_ticks = tl_.ticks(earliest_start);
  const std::span<const int> history(group_of_task_.data(), group_of_task_.size());
  for (int i = 0; i < count; ++i) {
    const std::int32_t b = next_block_[t]++;
    const int group = strategy_.choose_group(g_, t, cores_.free_groups(shape), history);
    if (!group_of_task_.empty()) group_of_task_[t] = group;
    std::size_t sub = 0;
    auto place = [&](int slot) {
      const std::uint16_t lane = layout_.core_lane(group, slot);
      cores_.reserve(lane);
      PackedRow& r = row(t, b, sub++);
      r = PackedRow{t, b, lane, static_cast<std::uint8_t>(slot), dispatch_ticks, start_ticks, 0, 0};
    };
    if (shape == kMix) {
      // The whole group is taken; rows only for the active subslots.
      for (int slot = 0; slot < layout_.cores_per_group(); ++slot) {
        if (task.mix_slots & (1u << slot))
          place(slot);
        else
          cores_.reserve(layout_.core_lane(group, slot));
      }
    } else {
      place(cores_.free_core(group, shape));
      row(t, b, 0).subslot = 0;
    }
    if (!staged) events_.push(earliest_start, EventKind::Start, t, b);
  }
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
