#include "scheduler/sim/sim_run.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <limits>

#include "runtime/error.hpp"
#include "tasks/edge_region.hpp"
#include "tasks/task_cost.hpp"

namespace tg::sim {

Shape SimRun::shape_of(TaskKind kind) {
  switch (kind) {
    case TaskKind::Mix: return kMix;
    case TaskKind::Cube: return kAic;
    case TaskKind::Vector: return kAiv;
    case TaskKind::Host: return kHost;
  }
  return kAiv;
}

namespace {
// std::popcount is a library call on the baseline x86-64 target (no POPCNT); the run
// asks this for every row it touches.
constexpr auto kBitsSet = [] {
  std::array<std::uint8_t, 256> bits{};
  for (int m = 0; m < 256; ++m) bits[static_cast<std::size_t>(m)] = static_cast<std::uint8_t>(std::popcount(static_cast<unsigned>(m)));
  return bits;
}();
}  // namespace

std::size_t SimRun::rows_per_block(const Task& t) { return t.kind == TaskKind::Mix ? kBitsSet[t.mix_slots] : 1; }

namespace {
template <class T>
MeteredVector<T> metered(MemoryMeter& meter, std::size_t n, T value = T{}) {
  return MeteredVector<T>(n, value, MeteredAllocator<T>(meter));
}
}  // namespace

namespace {
// Scope-exit rings take the machine's size unless the run's options give one.
SimOptions with_machine_rings(SimOptions options, const Machine& machine) {
  if (options.staging == StagingRelease::ScopeExitRing && options.ring_bytes == 0) options.ring_bytes = machine.staging_ring_bytes;
  return options;
}
// The shared HBM can slow a block only when the device cores at their per-core GM rate
// together exceed it; otherwise every block moves at the per-core rate (no sharing events).
bool hbm_can_bind(const Machine& m) {
  return m.hbm_bytes_per_s < m.gm_bytes_per_s_per_core * m.core_groups * m.cores_per_group();
}
constexpr std::uint32_t kNoTask = std::numeric_limits<std::uint32_t>::max();
}  // namespace

SimRun::SimRun(const Graph& graph, const Machine& machine, const SimOptions& options, DispatchStrategy& strategy)
    : g_(graph),
      tasks_(graph.tasks().data()),
      m_(machine),
      strategy_(strategy),
      staging_(graph, with_machine_rings(options, machine)),
      layout_(machine),
      cores_(layout_, machine.host_lanes, meter_),
      queued_(layout_, machine.core_pending_slots > 0, meter_),
      events_(meter_),
      ready_{ReadyQueue(meter_), ReadyQueue(meter_), ReadyQueue(meter_), ReadyQueue(meter_)},
      stageable_{ReadyQueue(meter_), ReadyQueue(meter_), ReadyQueue(meter_), ReadyQueue(meter_)},
      stages_early_(strategy.stages_early()),
      preds_left_(metered<std::uint32_t>(meter_, 0)),
      unstarted_preds_(metered<std::uint32_t>(meter_, 0)),
      blocks_unstarted_(metered<std::int32_t>(meter_, 0)),
      next_block_(metered<std::int32_t>(meter_, 0)),
      blocks_unfinished_(metered<std::int32_t>(meter_, 0)),
      state_(metered<TaskState>(meter_, 0)),
      group_of_task_(metered<int>(meter_, 0)),
      row_base_(metered<std::uint32_t>(meter_, 0)),
      sched_free_at_(metered<std::int64_t>(meter_, static_cast<std::size_t>(machine.scheduler_threads), 0)),
      sched_busy_ns_(metered<std::int64_t>(meter_, static_cast<std::size_t>(machine.scheduler_threads), 0)),
      completions_(MeteredAllocator<EventFifo>(meter_)),
      last_task_on_core_(metered<std::uint32_t>(meter_, layout_.num_lanes(), kNoTask)),
      written_at_(metered<double>(meter_, 0)),
      l2_share_(metered<float>(meter_, 0)),
      hbm_(machine.hbm_bytes_per_s, machine.gm_bytes_per_s_per_core, meter_),
      hbm_can_bind_(hbm_can_bind(machine)),
      completions_modelled_(machine.completion_ns > 0),
      jitter_(options.jitter_seed) {
  const std::size_t n = graph.num_tasks();
  {
    // The isolated durations feed the strategy only; freed before the timeline exists.
    const std::vector<std::int64_t> block_ns = isolated_block_durations(graph, machine);
    strategy_.prepare(graph, machine, block_ns);
  }
  preds_left_.resize(n);
  next_block_.assign(n, 0);
  blocks_unfinished_.resize(n);
  state_.assign(n, TaskState::Waiting);
  if (stages_early_) {
    unstarted_preds_.resize(n);
    blocks_unstarted_.resize(n);
  }
  if (strategy_.uses_placement_history()) group_of_task_.assign(n, -1);
  if (completions_modelled_) {
    completions_.reserve(static_cast<std::size_t>(machine.scheduler_threads));
    for (int k = 0; k < machine.scheduler_threads; ++k) completions_.emplace_back(meter_);
  }
  if (hbm_can_bind_ && machine.l2_bytes > 0) {
    written_at_.assign(n, 0);
    l2_share_.assign(n, -1.0f);
  }
  stats_.jitter_seed = options.jitter_seed;
  row_base_.resize(n + 1, 0);
  std::uint64_t rows = 0;
  for (TaskId t = 0; t < n; ++t) {
    const Task& task = graph.task(t);
    preds_left_[t] = static_cast<std::uint32_t>(graph.predecessors(t).size());
    blocks_unfinished_[t] = task.block_num;
    if (stages_early_) {
      unstarted_preds_[t] = preds_left_[t];
      blocks_unstarted_[t] = task.block_num;
    }
    if (task.kind == TaskKind::Mix && (task.mix_slots >> layout_.cores_per_group()) != 0)
      throw ConfigError(ErrorContext{.scope = graph.name(), .task_id = t, .task = task.label()},
                        "task '" + task.label() + "': mix_slots names a core beyond the " +
                            std::to_string(layout_.cores_per_group()) + " cores of a core group on machine '" +
                            machine.name + "'; use subslots 0.." + std::to_string(layout_.cores_per_group() - 1));
    rows += static_cast<std::uint64_t>(task.block_num) * rows_per_block(task);
    if (rows > std::numeric_limits<std::uint32_t>::max())
      throw Error(ErrorContext{.scope = graph.name()},
                  "simulator: graph '" + graph.name() + "' has more than 2^32 block rows; split it into several graphs");
    row_base_[t + 1] = static_cast<std::uint32_t>(rows);
  }
  tl_.lanes = layout_.named_lanes();
  tl_.packed_rows().resize(rows);
  // One span per launch: at most one per device block (a sync_start launch covers several).
  std::size_t device_blocks = 0;
  for (const Task& task : graph.tasks())
    if (task.kind != TaskKind::Host) device_blocks += static_cast<std::size_t>(task.block_num);
  tl_.packed_spans().reserve(completions_modelled_ ? 2 * device_blocks : device_blocks);
  tl_.packed_task_times(false).assign(n, 0);
  tl_.packed_task_times(true).assign(n, 0);
}

void SimRun::step(std::int64_t now) { run_instant(now); }

// Inlined into run(), as the loop was before the stepwise interface existed.
inline void SimRun::run_instant(std::int64_t now) {
  while (!events_.empty() && events_.top().time == now) {
    const Event e = events_.pop();
    ++processed_;
    handle(e);
  }
  if (dispatch_may_change_) {
    dispatch_may_change_ = false;
    dispatch_pass(now);
  }
}

SimResult SimRun::run(const std::string& strategy_name) {
  begin();
  while (!events_.empty()) run_instant(events_.top().time);
  return finish(strategy_name);
}

void SimRun::attach(CollectivePort& port, int rank, std::vector<char> collective) {
  port_ = &port;
  rank_ = rank;
  collective_ = std::move(collective);
  link_lane_base_ = static_cast<std::uint16_t>(layout_.num_lanes());
}

// A communication task of a multi-chip run: no core or host lane, a link lane while the
// collective is in flight (the port decides its end).
void SimRun::start_collective(TaskId t, std::int64_t now) {
  next_block_[t] = 1;
  staging_.on_first_dispatch(t);
  std::size_t k = 0;
  while (k < link_busy_.size() && link_busy_[k]) ++k;
  if (k == link_busy_.size()) {
    if (link_lane_base_ + k >= 0xffff)
      throw Error(ErrorContext{.scope = g_.name(), .task_id = t, .task = task(t).label()},
                  "simulator: more collectives in flight at once than the 65535 lanes of a timeline hold");
    link_busy_.push_back(0);
  }
  link_busy_[k] = 1;
  tl_.ticks(now);
  const std::uint32_t now_ticks = tl_.ticks(now);
  row(t, 0) = PackedRow{t, 0, static_cast<std::uint16_t>(link_lane_base_ + k), 0, now_ticks, now_ticks, 0, 0};
  if (stages_early_) note_block_started(t);
  port_->arrive(rank_, t, now);
}

SimResult SimRun::finish(const std::string& strategy_name) {
  if (finished_ < g_.num_tasks()) {
    if (orchestrator_waiting_) throw CapacityError(staging_.deadlock_message(next_submit_));
    throw Error("simulator: run of '" + g_.name() + "' stalled with " + std::to_string(g_.num_tasks() - finished_) +
                " tasks unfinished (a model bug; please report it with the graph)");
  }
  return finish_result(strategy_name);
}

void SimRun::handle(const Event& e) {
  switch (e.kind()) {
    case EventKind::Orchestrate: orchestrate(e.time); break;
    case EventKind::Start: start_block(e.task, e.block, e.time); break;
    case EventKind::HbmDeparture: hbm_departures(static_cast<std::uint32_t>(e.block), e.time); break;
    case EventKind::End: end_block(e.task, e.block, e.time); break;
    case EventKind::Fin: fin_block(e.task, e.block, e.time); break;
    case EventKind::Retire: {
      retire_block(e.task, e.block, e.time);
      serve_completions(owner_thread(e.task, e.block), e.time);
      break;
    }
    case EventKind::Wake:  // a scheduler thread is free: its completions first, then dispatches
      if (completions_modelled_) serve_completions(e.block, e.time);
      dispatch_may_change_ = true;
      break;
  }
}

// The orchestrator submits tasks in id order; each costs it a fixed part plus a part per
// tensor argument, and becomes visible to the schedulers when that work is done. Before
// starting a task it waits while the task ring has no free slot (slots are reclaimed in
// task order, as a ring is) or a scope-exit ring has no room for the staging buffers the
// task uses first.
void SimRun::orchestrate(std::int64_t now) {
  orchestrator_woken_ = false;
  if (orchestrator_waiting_) stats_.orchestrator_stall_ns += now - waiting_since_;
  orchestrator_waiting_ = false;
  while (next_submit_ < g_.num_tasks()) {
    const TaskId t = next_submit_;
    if (!submit_paid_) {
      const bool ring_full = m_.task_ring_slots > 0 && t - retired_prefix_ >= static_cast<TaskId>(m_.task_ring_slots);
      if (ring_full || !staging_.can_submit(t)) {
        orchestrator_waiting_ = true;
        waiting_since_ = now;
        return;
      }
      const std::int64_t cost =
          m_.orchestrator_submit_ns + m_.orchestrator_per_arg_ns * static_cast<std::int64_t>(task(t).args.size());
      if (cost > 0) {
        stats_.orchestrator_busy_ns += cost;
        submit_paid_ = true;
        events_.push(now + cost, EventKind::Orchestrate, t, 0);
        return;
      }
    }
    submit_paid_ = false;
    staging_.on_submit(t);
    tl_.packed_task_times(false)[t] = tl_.ticks(now);
    state_[t] = TaskState::Submitted;
    stats_.orchestrator_end_ns = now;
    ++next_submit_;
    if (preds_left_[t] == 0)
      make_ready(t, now);
    else
      offer_for_staging(t);
  }
}

void SimRun::wake_orchestrator(std::int64_t now) {
  if (!orchestrator_waiting_ || orchestrator_woken_) return;
  orchestrator_woken_ = true;
  events_.push(now, EventKind::Orchestrate, 0, 0);
}

void SimRun::make_ready(TaskId t, std::int64_t now) {
  dispatch_may_change_ = true;
  state_[t] = TaskState::Ready;
  tl_.packed_task_times(true)[t] = tl_.ticks(now);
  if (port_ && collective_[t]) {
    start_collective(t, now);
    return;
  }
  // Blocks staged early (all blocks dispatched so far) start now, or when their pickup
  // completes if that is later.
  for (std::int32_t b = 0; b < next_block_[t]; ++b)
    events_.push(std::max(now, tl_.ns(row(t, b).start)), EventKind::Start, t, b);
  if (!all_out(t)) ready_[shape_of(task(t).kind)].push(strategy_.priority(t), queue_seq_++, t);
}

void SimRun::offer_for_staging(TaskId t) {
  const Task& task = this->task(t);
  if (!stages_early_ || task.kind == TaskKind::Host || task.sync_start) return;
  if (state_[t] == TaskState::Submitted && unstarted_preds_[t] == 0 && preds_left_[t] > 0) {
    dispatch_may_change_ = true;
    stageable_[shape_of(task.kind)].push(strategy_.priority(t), queue_seq_++, t);
  }
}

int SimRun::core_type_index(const Task& task) {
  return task.kind == TaskKind::Cube || (task.kind == TaskKind::Mix && (task.mix_slots & kSlotAic)) ? 0 : 1;
}

void SimRun::set_end(TaskId t, std::int32_t b, std::int64_t end) {
  tl_.ticks(end);  // coarsen the unit first, if needed
  const std::uint32_t end_ticks = tl_.ticks(end);
  for (std::size_t sub = 0; sub < subslots(t); ++sub) row(t, b, sub).end = end_ticks;
  events_.push(end, EventKind::End, t, b);
}

// A block's end: its compute (at the achieved rate) and its GM bytes at the per-core rate
// overlap; bytes that miss the L2 also share the HBM with every other block moving bytes
// (hbm_share.hpp), which can only delay the end; the kernel overhead comes on top.
void SimRun::start_block(TaskId t, std::int32_t b, std::int64_t now) {
  const Task& task = this->task(t);
  const BlockWork w = block_work(task, m_);
  tl_.ticks(now);
  const std::uint32_t start_ticks = tl_.ticks(now);
  for (std::size_t sub = 0; sub < subslots(t); ++sub) row(t, b, sub).start = start_ticks;
  if (task.kind == TaskKind::Host) {
    set_end(t, b, now + checked_block_ns(jitter_.scale(w.compute_ns, m_.jitter.kernel), task));
  } else {
    const double link_ns = w.bytes / m_.gm_bytes_per_s_per_core * 1e9;
    const std::int64_t fixed_ns =
        checked_block_ns(jitter_.scale(std::max(w.compute_ns, link_ns), m_.jitter.kernel), task);
    const int type = core_type_index(task);
    if (link_ns > w.compute_ns) stats_.l2_bound_ns[type] += std::llround(link_ns - w.compute_ns);
    const double hbm_bytes = hbm_can_bind_ ? w.bytes * (1.0 - l2_hit_share(t)) : w.bytes;
    stats_.hbm_bytes += hbm_bytes;
    stats_.l2_hit_bytes += w.bytes - hbm_bytes;
    if (!hbm_can_bind_ || hbm_bytes <= 0) {
      set_end(t, b, now + fixed_ns + w.overhead_ns);
    } else {
      hbm_.join(now, hbm_bytes, now + fixed_ns, t, b);
      schedule_hbm_departure();
    }
  }
  if (stages_early_) note_block_started(t);
}

// Early dispatch: once every block of t has started, its successors may be staged.
void SimRun::note_block_started(TaskId t) {
  if (--blocks_unstarted_[t] == 0)
    for (TaskId s : g_.successors(t))
      if (--unstarted_preds_[s] == 0) offer_for_staging(s);
}

// One departure event is valid at a time: a new one only when the next departure moved
// (a join that neither lowers the rate nor comes first leaves it standing).
void SimRun::schedule_hbm_departure() {
  const std::int64_t at = hbm_.next_departure_ns();
  if (at < 0 || at == hbm_event_at_) return;
  hbm_event_at_ = at;
  events_.push(at, EventKind::HbmDeparture, 0, static_cast<std::int32_t>(++hbm_event_generation_));
}

void SimRun::hbm_departures(std::uint32_t generation, std::int64_t now) {
  if (generation != hbm_event_generation_) return;  // superseded by a later departure event
  hbm_event_at_ = -1;
  hbm_.depart(now, [&](const HbmMember& member) {
    const Task& task = this->task(member.task);
    stats_.hbm_bound_ns[core_type_index(task)] += std::max<std::int64_t>(0, now - member.compute_end_ns);
    // Only blocks with a cost hint move bytes, so their overhead is the machine's.
    set_end(member.task, member.block, std::max(now, member.compute_end_ns) + m_.kernel_overhead_ns);
  });
  schedule_hbm_departure();
}

void SimRun::end_block(TaskId t, std::int32_t b, std::int64_t now) {
  if (task(t).kind == TaskKind::Host) {
    retire_block(t, b, now);
    return;
  }
  if (queued_.enabled() && row(t, b).lane < link_lane_base_) {
    auto ended = [&](std::uint16_t lane) {
      if (const auto next = queued_.ended(lane, now)) start_queued(next->task, next->block, now);
    };
    if (task(t).kind == TaskKind::Mix) {  // every core of the group, active or held
      const int group = layout_.group_of(row(t, b).lane);
      for (int slot = 0; slot < layout_.cores_per_group(); ++slot) ended(layout_.core_lane(group, slot));
    } else {
      ended(row(t, b).lane);
    }
  }
  events_.push(now + jitter_.draw(m_.fin_detect_ns, m_.jitter.fin_detect), EventKind::Fin, t, b);
}

// The FIN signal has reached the AICPU: without modelled completions it is seen now;
// otherwise it waits for its core's scheduler thread.
void SimRun::fin_block(TaskId t, std::int32_t b, std::int64_t now) {
  if (!completions_modelled_) {
    retire_block(t, b, now);
    return;
  }
  const int thread = owner_thread(t, b);
  completions_[static_cast<std::size_t>(thread)].push(Event{now, 0, t, b});
  serve_completions(thread, now);
}

void SimRun::serve_completions(int thread, std::int64_t now) {
  const auto k = static_cast<std::size_t>(thread);
  EventFifo& waiting = completions_[k];
  if (waiting.empty() || sched_free_at_[k] > now) return;
  const Event signal = waiting.front();
  waiting.pop();
  stats_.completion_wait_ns += now - signal.time;
  const std::int64_t done = now + jitter_.draw(m_.completion_ns, m_.jitter.completion);
  sched_free_at_[k] = done;
  sched_busy_ns_[k] += done - now;
  last_ns_ = std::max(last_ns_, done);
  tl_.ticks(done);
  tl_.packed_spans().push_back(PackedSpan{signal.task, signal.block, layout_.sched_lane(thread), tl_.ticks(now), tl_.ticks(done)});
  events_.push(done, EventKind::Retire, signal.task, signal.block);
}

void SimRun::retire_block(TaskId t, std::int32_t b, std::int64_t now) {
  const Task& task = this->task(t);
  const std::uint32_t now_ticks = tl_.ticks(now);
  last_ns_ = std::max(last_ns_, now);
  dispatch_may_change_ = true;  // cores were freed
  for (std::size_t sub = 0; sub < subslots(t); ++sub) {
    PackedRow& r = row(t, b, sub);
    r.finish = now_ticks;
    if (r.lane >= link_lane_base_)
      link_busy_[r.lane - link_lane_base_] = 0;
    else if (task.kind != TaskKind::Mix)
      free_core_lane(r.lane);
  }
  if (task.kind == TaskKind::Mix) {  // the whole group was taken, active subslots or not
    const int group = layout_.group_of(row(t, b).lane);
    for (int slot = 0; slot < layout_.cores_per_group(); ++slot) free_core_lane(layout_.core_lane(group, slot));
  }
  if (--blocks_unfinished_[t] > 0) return;
  ++finished_;
  state_[t] = TaskState::Finished;
  if (!written_at_.empty()) {
    l2_written_ += written_bytes(t);
    written_at_[t] = l2_written_;
  }
  const TaskId before = retired_prefix_;
  while (retired_prefix_ < g_.num_tasks() && state_[retired_prefix_] == TaskState::Finished) ++retired_prefix_;
  if (staging_.on_task_finished(t) || retired_prefix_ != before) wake_orchestrator(now);
  for (TaskId s : g_.successors(t))
    if (--preds_left_[s] == 0 && state_[s] == TaskState::Submitted) make_ready(s, now);
}

// A core lane's block was retired: its running slot frees unless a queued block holds the
// pending slot (host lanes have none).
void SimRun::free_core_lane(std::uint16_t lane) {
  if (queued_.retired(lane)) cores_.release(lane);
}

double SimRun::written_bytes(TaskId t) const {
  double bytes = 0;
  for (const Arg& a : task(t).args)
    if (writes(a.access)) bytes += static_cast<double>(a.view.bytes());
  return bytes;
}

// The share of a task's GM bytes that its RAW producers left in the L2: a producer's
// output is still there when it and everything finished after it fit the L2 (a FIFO
// window over the bytes written, the usual LRU for streaming data). Computed once per
// task, at its first block's start. Cost: O(args + in-edges).
double SimRun::l2_hit_share(TaskId t) {
  if (l2_share_.empty()) return 0;
  if (l2_share_[t] >= 0) return l2_share_[t];
  double total = 0, hit = 0;
  for (const Arg& a : task(t).args) total += static_cast<double>(a.view.bytes());
  for (const std::uint32_t ei : g_.in_edges(t)) {
    const Edge& e = g_.edges()[ei];
    if (e.kind != EdgeKind::Raw || state_[e.from] != TaskState::Finished || e.buffer == kNoBuffer) continue;
    const double resident = l2_written_ - written_at_[e.from] + written_bytes(e.from);
    if (resident > static_cast<double>(m_.l2_bytes)) continue;
    if (const auto region = edge_region(g_, e))
      hit += static_cast<double>(region->numel()) * static_cast<double>(size_of(g_.buffers()[e.buffer]->dtype()));
  }
  const float share = total > 0 ? static_cast<float>(std::min(1.0, hit / total)) : 0.0f;
  l2_share_[t] = share;
  return share;
}

SimResult SimRun::finish_result(const std::string& strategy_name) {
  SimResult result;
  tl_.makespan_ns = last_ns_;
  for (std::size_t k = 0; k < link_busy_.size(); ++k) tl_.lanes.push_back(Lane{"link " + std::to_string(k), LaneKind::Thread, -1});
  tl_.source = "sim:" + m_.name + ":" + strategy_name;
  result.strategy = strategy_name;
  result.peak_staging_bytes_last_use = staging_.peak_last_use_bytes();
  result.peak_staging_bytes_scope_exit = staging_.peak_scope_exit_bytes();
  result.rings = staging_.ring_usage();
  for (const Task& t : g_.tasks()) result.tasks_without_cost += t.cost ? 0 : 1;
  result.events = processed_;
  stats_.scheduler_busy_ns.assign(sched_busy_ns_.begin(), sched_busy_ns_.end());
  result.model = std::move(stats_);
  // Measured: the peak of what this run's own containers held, plus the timeline it
  // returns, the staging tracker's and the strategy's per-run state.
  result.model_state_bytes = meter_.peak_bytes + tl_.memory_bytes() + staging_.state_bytes() + strategy_.state_bytes();
  result.timeline = std::move(tl_);
  return result;
}

}  // namespace tg::sim
