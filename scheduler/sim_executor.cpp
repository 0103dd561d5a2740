#include "scheduler/sim_executor.hpp"

#include <algorithm>
#include <bit>
#include <functional>
#include <queue>

#include "runtime/error.hpp"
#include "scheduler/capacity_check.hpp"
#include "scheduler/functional_replay.hpp"
#include "scheduler/staging_pool.hpp"
#include "scheduler/staging_tracker.hpp"
#include "scheduler/strategy.hpp"
#include "tasks/task_cost.hpp"

namespace tg {
namespace {

// At equal times: ends first (they free bandwidth), then FINs (they free cores and make
// consumers ready), then starts, then the orchestrator, then scheduler-thread wake-ups.
enum class EventKind : std::uint8_t { End, Fin, Start, Orchestrate, Wake };

struct Event {
  std::int64_t time;
  EventKind kind;
  std::uint64_t seq;
  TaskId task;
  std::int32_t block;
  bool operator>(const Event& o) const {
    if (time != o.time) return time > o.time;
    if (kind != o.kind) return kind > o.kind;
    return seq > o.seq;
  }
};

enum Shape : std::uint8_t { kMix, kAic, kAiv, kHost, kShapes };

Shape shape_of(TaskKind kind) {
  switch (kind) {
    case TaskKind::Mix: return kMix;
    case TaskKind::Cube: return kAic;
    case TaskKind::Vector: return kAiv;
    case TaskKind::Host: return kHost;
  }
  return kAiv;
}

// Ready (or stageable) tasks of one shape: smallest priority first, then arrival order.
struct QueueEntry {
  double priority;
  std::uint64_t seq;
  TaskId task;
  bool operator>(const QueueEntry& o) const { return priority != o.priority ? priority > o.priority : seq > o.seq; }
};
using TaskQueue = std::priority_queue<QueueEntry, std::vector<QueueEntry>, std::greater<>>;

enum class TaskState : std::uint8_t { Waiting, Submitted, Ready };

class SimRun {
 public:
  SimRun(const Graph& graph, const Machine& machine, const SimOptions& options, DispatchStrategy& strategy)
      : g_(graph), m_(machine), strategy_(strategy), staging_(graph, options), groups_(machine.core_groups) {
    const std::size_t n = graph.num_tasks();
    block_ns_ = isolated_block_durations(graph, machine);
    strategy_.prepare(graph, machine, block_ns_);
    preds_left_.resize(n);
    unstarted_preds_.resize(n);
    next_block_.assign(n, 0);
    staged_blocks_.assign(n, 0);
    blocks_unstarted_.resize(n);
    blocks_unfinished_.resize(n);
    submit_ns_.assign(n, 0);
    ready_ns_.assign(n, 0);
    state_.assign(n, TaskState::Waiting);
    group_of_task_.assign(n, -1);
    row_base_.resize(n + 1, 0);
    for (TaskId t = 0; t < n; ++t) {
      const Task& task = graph.task(t);
      preds_left_[t] = unstarted_preds_[t] = static_cast<std::uint32_t>(graph.predecessors(t).size());
      blocks_unstarted_[t] = blocks_unfinished_[t] = task.block_num;
      row_base_[t + 1] = row_base_[t] + static_cast<std::size_t>(task.block_num) * rows_per_block(task);
    }
    build_lanes();
    tl_.rows.resize(row_base_[n]);
    lane_busy_.assign(tl_.lanes.size(), 0);
    free_aic_ = free_whole_groups_ = groups_;
    free_aiv_ = 2 * groups_;
    sched_free_at_.assign(static_cast<std::size_t>(machine.scheduler_threads), 0);
  }

  SimResult run(const std::string& strategy_name) {
    push(0, EventKind::Orchestrate, 0, 0);
    while (!events_.empty()) {
      const std::int64_t now = events_.top().time;
      while (!events_.empty() && events_.top().time == now) {
        const Event e = events_.top();
        events_.pop();
        ++processed_;
        handle(e);
      }
      dispatch_pass(now);
    }
    if (finished_ < g_.num_tasks()) {
      if (orchestrator_waiting_) throw CapacityError(staging_.deadlock_message(next_submit_));
      throw Error("simulator: run of '" + g_.name() + "' stalled with " + std::to_string(g_.num_tasks() - finished_) +
                  " tasks unfinished (a model bug; please report it with the graph)");
    }
    return finish_result(strategy_name);
  }

 private:
  static std::size_t rows_per_block(const Task& t) {
    return t.kind == TaskKind::Mix ? static_cast<std::size_t>(std::popcount(static_cast<unsigned>(t.mix_slots))) : 1;
  }
  std::uint16_t aic_lane(int group) const { return static_cast<std::uint16_t>(3 * group); }
  std::uint16_t aiv_lane(int group, int k) const { return static_cast<std::uint16_t>(3 * group + 1 + k); }
  std::uint16_t sched_lane(int k) const { return static_cast<std::uint16_t>(3 * groups_ + k); }
  std::uint16_t host_lane(int h) const { return static_cast<std::uint16_t>(3 * groups_ + m_.scheduler_threads + h); }

  void build_lanes() {
    for (int gi = 0; gi < groups_; ++gi) {
      const std::string p = "g" + std::to_string(gi) + ".";
      tl_.lanes.push_back(Lane{p + "AIC", LaneKind::Aic, gi});
      tl_.lanes.push_back(Lane{p + "AIV0", LaneKind::Aiv, gi});
      tl_.lanes.push_back(Lane{p + "AIV1", LaneKind::Aiv, gi});
    }
    for (int k = 0; k < m_.scheduler_threads; ++k) tl_.lanes.push_back(Lane{"sched " + std::to_string(k), LaneKind::Scheduler, -1});
    for (int h = 0; h < m_.host_lanes; ++h) tl_.lanes.push_back(Lane{"host " + std::to_string(h), LaneKind::Host, -1});
  }

  void push(std::int64_t time, EventKind kind, TaskId task, std::int32_t block) {
    events_.push(Event{time, kind, seq_++, task, block});
    peak_events_ = std::max(peak_events_, events_.size());
  }

  TimelineRow& row(TaskId t, std::int32_t block, std::size_t sub = 0) {
    return tl_.rows[row_base_[t] + static_cast<std::size_t>(block) * rows_per_block(g_.task(t)) + sub];
  }
  std::size_t subslots(TaskId t) const { return rows_per_block(g_.task(t)); }

  void handle(const Event& e) {
    switch (e.kind) {
      case EventKind::Orchestrate: orchestrate(e.time); break;
      case EventKind::Start: start_block(e.task, e.block, e.time); break;
      case EventKind::End: end_block(e.task, e.block, e.time); break;
      case EventKind::Fin: fin_block(e.task, e.block, e.time); break;
      case EventKind::Wake: break;  // a scheduler thread is free: the dispatch pass follows
    }
  }

  // The orchestrator submits tasks in id order, one per orchestrator_submit_ns, and waits
  // while a scope-exit ring has no room for the staging buffers a task uses first.
  void orchestrate(std::int64_t now) {
    orchestrator_waiting_ = false;
    while (next_submit_ < g_.num_tasks()) {
      const TaskId t = next_submit_;
      if (!staging_.can_submit(t)) {
        orchestrator_waiting_ = true;
        return;
      }
      staging_.on_submit(t);
      submit_ns_[t] = now;
      state_[t] = TaskState::Submitted;
      ++next_submit_;
      if (preds_left_[t] == 0)
        make_ready(t, now);
      else
        offer_for_staging(t);
      if (m_.orchestrator_submit_ns > 0) {
        if (next_submit_ < g_.num_tasks()) push(now + m_.orchestrator_submit_ns, EventKind::Orchestrate, 0, 0);
        return;
      }
    }
  }

  void make_ready(TaskId t, std::int64_t now) {
    state_[t] = TaskState::Ready;
    ready_ns_[t] = now;
    // Blocks staged early start now, or when their pickup completes if that is later.
    for (std::int32_t b = 0; b < staged_blocks_[t]; ++b) push(std::max(now, row(t, b).start_ns), EventKind::Start, t, b);
    if (next_block_[t] < g_.task(t).block_num)
      ready_[shape_of(g_.task(t).kind)].push(QueueEntry{strategy_.priority(t), seq_++, t});
  }

  void offer_for_staging(TaskId t) {
    const Task& task = g_.task(t);
    if (!strategy_.stages_early() || task.kind == TaskKind::Host || task.sync_start) return;
    if (state_[t] == TaskState::Submitted && unstarted_preds_[t] == 0 && preds_left_[t] > 0)
      stageable_[shape_of(task.kind)].push(QueueEntry{strategy_.priority(t), seq_++, t});
  }

  // Groups that can take one block of `shape` now, ascending.
  const std::vector<int>& free_groups(Shape shape) {
    scratch_groups_.clear();
    for (int gi = 0; gi < groups_; ++gi) {
      const bool aic = !lane_busy_[aic_lane(gi)];
      const bool aiv0 = !lane_busy_[aiv_lane(gi, 0)], aiv1 = !lane_busy_[aiv_lane(gi, 1)];
      const bool ok = shape == kMix ? (aic && aiv0 && aiv1) : shape == kAic ? aic : (aiv0 || aiv1);
      if (ok) scratch_groups_.push_back(gi);
    }
    return scratch_groups_;
  }
  // Free blocks of `shape` the cores can take now: O(1), kept by set_busy.
  int free_units(Shape shape) const {
    return shape == kMix ? free_whole_groups_ : shape == kAic ? free_aic_ : free_aiv_;
  }

  bool group_free(int gi) const {
    return !lane_busy_[aic_lane(gi)] && !lane_busy_[aiv_lane(gi, 0)] && !lane_busy_[aiv_lane(gi, 1)];
  }

  // Marks a core lane busy or free and keeps the free counts per shape.
  void set_busy(std::uint16_t lane, bool busy) {
    if (static_cast<bool>(lane_busy_[lane]) == busy || lane >= 3 * groups_) {
      lane_busy_[lane] = busy;
      return;
    }
    const int gi = lane / 3;
    const bool whole_before = group_free(gi);
    lane_busy_[lane] = busy;
    const int delta = busy ? -1 : 1;
    (lane % 3 == 0 ? free_aic_ : free_aiv_) += delta;
    if (whole_before != group_free(gi)) free_whole_groups_ += whole_before ? -1 : 1;
  }

  // Drops queue heads that have nothing left to dispatch (lazy deletion).
  template <class Stale>
  static bool clean_top(TaskQueue& q, const Stale& stale) {
    while (!q.empty() && stale(q.top().task)) q.pop();
    return !q.empty();
  }

  int free_scheduler_thread(std::int64_t now) const {
    for (std::size_t k = 0; k < sched_free_at_.size(); ++k)
      if (sched_free_at_[k] <= now) return static_cast<int>(k);
    return -1;
  }

  void dispatch_pass(std::int64_t now) {
    dispatch_host(now);
    auto all_out = [this](TaskId t) { return next_block_[t] >= g_.task(t).block_num; };
    auto not_stageable = [this](TaskId t) { return state_[t] == TaskState::Ready || next_block_[t] >= g_.task(t).block_num; };
    while (true) {
      const int thread = free_scheduler_thread(now);
      if (thread < 0) return;
      int best = -1;
      for (int s = kMix; s <= kAiv; ++s) {
        if (!clean_top(ready_[s], all_out)) continue;
        const Task& head = g_.task(ready_[s].top().task);
        const int needed = head.sync_start ? head.block_num : 1;
        if (free_units(static_cast<Shape>(s)) < needed) continue;  // a sync_start head holds its queue
        if (best < 0 || ready_[best].top() > ready_[s].top()) best = s;
      }
      if (best >= 0) {
        const TaskId t = ready_[best].top().task;
        const int count = g_.task(t).sync_start ? g_.task(t).block_num : 1;
        launch(t, count, thread, now, /*staged=*/false);
        continue;
      }
      if (!strategy_.stages_early()) return;
      bool staged = false;
      for (int s = kMix; s <= kAiv && !staged; ++s) {
        if (clean_top(ready_[s], all_out) || !clean_top(stageable_[s], not_stageable)) continue;
        if (free_units(static_cast<Shape>(s)) < 1) continue;
        launch(stageable_[s].top().task, 1, thread, now, /*staged=*/true);
        staged = true;
      }
      if (!staged) return;
    }
  }

  // Dispatches `count` blocks of t from its next block on, on one scheduler thread.
  void launch(TaskId t, int count, int thread, std::int64_t now, bool staged) {
    const Task& task = g_.task(t);
    const Shape shape = shape_of(task.kind);
    const std::int64_t written = now + m_.dispatch_ns * count;
    sched_free_at_[static_cast<std::size_t>(thread)] = written;
    if (written > now) push(written, EventKind::Wake, 0, 0);
    tl_.scheduler_spans.push_back(LaneSpan{t, next_block_[t], sched_lane(thread), now, written});
    if (next_block_[t] == 0) staging_.on_first_dispatch(t);
    for (int i = 0; i < count; ++i) {
      const std::int32_t b = next_block_[t]++;
      const auto& candidates = free_groups(shape);
      const int gi = strategy_.choose_group(g_, t, candidates, group_of_task_);
      group_of_task_[t] = gi;
      std::size_t sub = 0;
      auto place = [&](std::uint16_t lane, std::uint8_t subslot) {
        set_busy(lane, true);
        TimelineRow& r = row(t, b, sub++);
        r.task = t;
        r.block = b;
        r.lane = lane;
        r.subslot = subslot;
        r.dispatch_ns = now;
        r.start_ns = written + m_.pickup_ns;  // the earliest start; final once it starts
      };
      if (shape == kMix) {
        // The whole group is taken; rows only for the active subslots.
        for (int k = 0; k < 3; ++k) {
          const std::uint16_t lane = k == 0 ? aic_lane(gi) : aiv_lane(gi, k - 1);
          if (task.mix_slots & (1u << k))
            place(lane, static_cast<std::uint8_t>(k));
          else
            set_busy(lane, true);
        }
      } else if (shape == kAic) {
        place(aic_lane(gi), 0);
      } else {
        place(lane_busy_[aiv_lane(gi, 0)] ? aiv_lane(gi, 1) : aiv_lane(gi, 0), 0);
      }
      if (staged)
        ++staged_blocks_[t];
      else
        push(written + m_.pickup_ns, EventKind::Start, t, b);
    }
  }

  // HOST tasks go straight to a free host lane: no AICPU dispatch, no pickup, no FIN delay.
  void dispatch_host(std::int64_t now) {
    auto all_out = [this](TaskId t) { return next_block_[t] >= g_.task(t).block_num; };
    while (clean_top(ready_[kHost], all_out)) {
      int lane = -1;
      for (int h = 0; h < m_.host_lanes && lane < 0; ++h)
        if (!lane_busy_[host_lane(h)]) lane = host_lane(h);
      if (lane < 0) return;
      const TaskId t = ready_[kHost].top().task;
      const std::int32_t b = next_block_[t]++;
      if (b == 0) staging_.on_first_dispatch(t);
      lane_busy_[static_cast<std::size_t>(lane)] = 1;
      TimelineRow& r = row(t, b);
      r.task = t;
      r.block = b;
      r.lane = static_cast<std::uint16_t>(lane);
      r.dispatch_ns = now;
      start_block(t, b, now);
    }
  }

  void start_block(TaskId t, std::int32_t b, std::int64_t now) {
    const Task& task = g_.task(t);
    double bandwidth = m_.gm_bytes_per_s_per_core;
    if (task.kind != TaskKind::Host) {
      ++running_blocks_;
      bandwidth = std::min(bandwidth, m_.hbm_bytes_per_s / running_blocks_);
    }
    const std::int64_t end = now + block_duration_ns(task, m_, bandwidth);
    for (std::size_t sub = 0; sub < subslots(t); ++sub) {
      row(t, b, sub).start_ns = now;
      row(t, b, sub).end_ns = end;
    }
    push(end, EventKind::End, t, b);
    if (--blocks_unstarted_[t] == 0)
      for (TaskId s : g_.successors(t))
        if (--unstarted_preds_[s] == 0) offer_for_staging(s);
  }

  void end_block(TaskId t, std::int32_t b, std::int64_t now) {
    if (g_.task(t).kind == TaskKind::Host) {
      fin_block(t, b, now);
      return;
    }
    --running_blocks_;
    push(now + m_.fin_detect_ns, EventKind::Fin, t, b);
  }

  void fin_block(TaskId t, std::int32_t b, std::int64_t now) {
    const Task& task = g_.task(t);
    for (std::size_t sub = 0; sub < subslots(t); ++sub) {
      row(t, b, sub).finish_ns = now;
      set_busy(row(t, b, sub).lane, false);
    }
    if (task.kind == TaskKind::Mix) {
      const int gi = row(t, b).lane / 3;
      for (std::uint16_t lane : {aic_lane(gi), aiv_lane(gi, 0), aiv_lane(gi, 1)}) set_busy(lane, false);
    }
    if (--blocks_unfinished_[t] > 0) return;
    ++finished_;
    if (staging_.on_task_finished(t) && orchestrator_waiting_) push(now, EventKind::Orchestrate, 0, 0);
    for (TaskId s : g_.successors(t))
      if (--preds_left_[s] == 0 && state_[s] == TaskState::Submitted) make_ready(s, now);
  }

  SimResult finish_result(const std::string& strategy_name) {
    SimResult result;
    for (TaskId t = 0; t < g_.num_tasks(); ++t)
      for (std::size_t r = row_base_[t]; r < row_base_[t + 1]; ++r) {
        tl_.rows[r].submit_ns = submit_ns_[t];
        tl_.rows[r].ready_ns = ready_ns_[t];
        tl_.makespan_ns = std::max(tl_.makespan_ns, tl_.rows[r].finish_ns);
      }
    for (const auto& s : tl_.scheduler_spans) tl_.makespan_ns = std::max(tl_.makespan_ns, s.end_ns);
    tl_.source = "sim:" + m_.name + ":" + strategy_name;
    result.strategy = strategy_name;
    result.peak_staging_bytes_last_use = staging_.peak_last_use_bytes();
    result.peak_staging_bytes_scope_exit = staging_.peak_scope_exit_bytes();
    result.rings = staging_.ring_usage();
    for (const Task& t : g_.tasks()) result.tasks_without_cost += t.cost ? 0 : 1;
    result.events = processed_;
    const std::size_t n = g_.num_tasks();
    result.model_state_bytes = n * (sizeof(std::uint32_t) * 2 + sizeof(std::int32_t) * 4 + sizeof(std::int64_t) * 3 +
                                    sizeof(TaskState) + sizeof(int) + sizeof(std::size_t)) +
                               peak_events_ * sizeof(Event) + staging_.state_bytes() +
                               tl_.rows.capacity() * sizeof(TimelineRow) +
                               tl_.scheduler_spans.capacity() * sizeof(LaneSpan);
    result.timeline = std::move(tl_);
    return result;
  }

  const Graph& g_;
  const Machine& m_;
  DispatchStrategy& strategy_;
  StagingTracker staging_;
  int groups_;
  std::vector<std::int64_t> block_ns_;
  std::vector<std::uint32_t> preds_left_;       // producers whose FIN is not seen yet
  std::vector<std::uint32_t> unstarted_preds_;  // producers with a block not started yet
  std::vector<std::int32_t> next_block_, staged_blocks_, blocks_unstarted_, blocks_unfinished_;
  std::vector<std::int64_t> submit_ns_, ready_ns_;
  std::vector<TaskState> state_;
  std::vector<int> group_of_task_;
  std::vector<std::size_t> row_base_;
  Timeline tl_;
  std::vector<char> lane_busy_;  // reserved from dispatch to FIN seen
  std::vector<std::int64_t> sched_free_at_;
  std::vector<int> scratch_groups_;
  TaskQueue ready_[kShapes], stageable_[kShapes];
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  std::uint64_t seq_ = 0;
  std::size_t processed_ = 0, peak_events_ = 0, finished_ = 0;
  TaskId next_submit_ = 0;
  bool orchestrator_waiting_ = false;
  int running_blocks_ = 0;
  int free_aic_ = 0, free_aiv_ = 0, free_whole_groups_ = 0;
};

}  // namespace

SimExecutor::SimExecutor(Machine machine, SimOptions options) : machine_(std::move(machine)), options_(std::move(options)) {
  machine_.validate();               // lanes are 16-bit; counts and rates must make sense
  make_strategy(options_.strategy);  // fail early on an unknown name
}

SimExecutor::~SimExecutor() = default;

std::string SimExecutor::name() const { return "sim:" + machine_.name + ":" + options_.strategy; }

SimResult SimExecutor::simulate(const Graph& graph, Bindings* memory, const RunOptions& options) const {
  check_capacity(graph, machine_);
  auto strategy = make_strategy(options_.strategy);
  SimRun sim(graph, machine_, options_, *strategy);
  SimResult result = sim.run(options_.strategy);
  if (memory) {
    std::lock_guard lock(one_run_at_a_time_);
    if (!staging_) staging_ = std::make_unique<StagingPool>();
    RunMemory run_memory(graph, memory, *staging_, options);
    replay_kernels(graph, result.timeline, run_memory.table(), options_.functional_threads);
    run_memory.fill_result(graph, result);
  }
  return result;
}

}  // namespace tg
