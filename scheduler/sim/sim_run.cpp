#include "scheduler/sim/sim_run.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <limits>

#include "runtime/error.hpp"
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

SimRun::SimRun(const Graph& graph, const Machine& machine, const SimOptions& options, DispatchStrategy& strategy)
    : g_(graph),
      tasks_(graph.tasks().data()),
      m_(machine),
      strategy_(strategy),
      staging_(graph, options),
      layout_(machine),
      cores_(layout_, machine.host_lanes, meter_),
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
      sched_free_at_(metered<std::int64_t>(meter_, static_cast<std::size_t>(machine.scheduler_threads), 0)) {
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
  tl_.packed_spans().reserve(device_blocks);
  tl_.packed_task_times(false).assign(n, 0);
  tl_.packed_task_times(true).assign(n, 0);
}

SimResult SimRun::run(const std::string& strategy_name) {
  events_.push(0, EventKind::Orchestrate, 0, 0);
  while (!events_.empty()) {
    const std::int64_t now = events_.top().time;
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
    case EventKind::End: end_block(e.task, e.block, e.time); break;
    case EventKind::Fin: fin_block(e.task, e.block, e.time); break;
    case EventKind::Wake: dispatch_may_change_ = true; break;  // a scheduler thread is free
  }
}

// The orchestrator submits tasks in id order, one per orchestrator_submit_ns, and waits
// while a scope-exit ring has no room for the staging buffers a task uses first.
void SimRun::orchestrate(std::int64_t now) {
  orchestrator_waiting_ = false;
  while (next_submit_ < g_.num_tasks()) {
    const TaskId t = next_submit_;
    if (!staging_.can_submit(t)) {
      orchestrator_waiting_ = true;
      return;
    }
    staging_.on_submit(t);
    tl_.packed_task_times(false)[t] = tl_.ticks(now);
    state_[t] = TaskState::Submitted;
    ++next_submit_;
    if (preds_left_[t] == 0)
      make_ready(t, now);
    else
      offer_for_staging(t);
    if (m_.orchestrator_submit_ns > 0) {
      if (next_submit_ < g_.num_tasks()) events_.push(now + m_.orchestrator_submit_ns, EventKind::Orchestrate, 0, 0);
      return;
    }
  }
}

void SimRun::make_ready(TaskId t, std::int64_t now) {
  dispatch_may_change_ = true;
  state_[t] = TaskState::Ready;
  tl_.packed_task_times(true)[t] = tl_.ticks(now);
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

void SimRun::start_block(TaskId t, std::int32_t b, std::int64_t now) {
  const Task& task = this->task(t);
  double bandwidth = m_.gm_bytes_per_s_per_core;
  if (task.kind != TaskKind::Host) {
    ++running_blocks_;
    bandwidth = std::min(bandwidth, m_.hbm_bytes_per_s / running_blocks_);
  }
  const std::int64_t end = now + block_duration_ns(task, m_, bandwidth);
  const std::uint32_t end_ticks = tl_.ticks(end), start_ticks = tl_.ticks(now);
  for (std::size_t sub = 0; sub < subslots(t); ++sub) {
    PackedRow& r = row(t, b, sub);
    r.start = start_ticks;
    r.end = end_ticks;
  }
  events_.push(end, EventKind::End, t, b);
  if (stages_early_ && --blocks_unstarted_[t] == 0)
    for (TaskId s : g_.successors(t))
      if (--unstarted_preds_[s] == 0) offer_for_staging(s);
}

void SimRun::end_block(TaskId t, std::int32_t b, std::int64_t now) {
  if (task(t).kind == TaskKind::Host) {
    fin_block(t, b, now);
    return;
  }
  --running_blocks_;
  events_.push(now + m_.fin_detect_ns, EventKind::Fin, t, b);
}

void SimRun::fin_block(TaskId t, std::int32_t b, std::int64_t now) {
  const Task& task = this->task(t);
  const std::uint32_t now_ticks = tl_.ticks(now);
  last_ns_ = std::max(last_ns_, now);
  dispatch_may_change_ = true;  // cores were freed
  for (std::size_t sub = 0; sub < subslots(t); ++sub) {
    PackedRow& r = row(t, b, sub);
    r.finish = now_ticks;
    cores_.release(r.lane);
  }
  if (task.kind == TaskKind::Mix) {  // the whole group was taken, active subslots or not
    const int group = layout_.group_of(row(t, b).lane);
    for (int slot = 0; slot < layout_.cores_per_group(); ++slot) cores_.release(layout_.core_lane(group, slot));
  }
  if (--blocks_unfinished_[t] > 0) return;
  ++finished_;
  if (staging_.on_task_finished(t) && orchestrator_waiting_) events_.push(now, EventKind::Orchestrate, 0, 0);
  for (TaskId s : g_.successors(t))
    if (--preds_left_[s] == 0 && state_[s] == TaskState::Submitted) make_ready(s, now);
}

SimResult SimRun::finish_result(const std::string& strategy_name) {
  SimResult result;
  tl_.makespan_ns = last_ns_;
  tl_.source = "sim:" + m_.name + ":" + strategy_name;
  result.strategy = strategy_name;
  result.peak_staging_bytes_last_use = staging_.peak_last_use_bytes();
  result.peak_staging_bytes_scope_exit = staging_.peak_scope_exit_bytes();
  result.rings = staging_.ring_usage();
  for (const Task& t : g_.tasks()) result.tasks_without_cost += t.cost ? 0 : 1;
  result.events = processed_;
  // Measured: the peak of what this run's own containers held, plus the timeline it
  // returns, the staging tracker's and the strategy's per-run state.
  result.model_state_bytes = meter_.peak_bytes + tl_.memory_bytes() + staging_.state_bytes() + strategy_.state_bytes();
  result.timeline = std::move(tl_);
  return result;
}

}  // namespace tg::sim
