#pragma once
// One simulated run (see sim_executor.hpp for the model). The run's parts each keep one
// thing: the event queue (event_queue.hpp), the lanes and their names (lane_layout.hpp),
// which cores are reserved (core_occupancy.hpp), the ready queues (ready_queue.hpp),
// staging memory (staging_tracker.hpp); this class holds the per-task progress in flat
// arrays and moves blocks through submit -> ready -> dispatch -> start -> end -> FIN.
// Cost: O((B + E) log B) for B blocks and E edges; a dispatch does no per-core search.
#include <cstdint>
#include <string>

#include "runtime/machine.hpp"
#include "scheduler/sim/core_occupancy.hpp"
#include "scheduler/sim/core_queue.hpp"
#include "scheduler/sim/event_queue.hpp"
#include "scheduler/sim/hbm_share.hpp"
#include "scheduler/sim/jitter.hpp"
#include "scheduler/sim/lane_layout.hpp"
#include "scheduler/sim/metered.hpp"
#include "scheduler/sim/ready_queue.hpp"
#include "scheduler/sim_executor.hpp"
#include "scheduler/staging_tracker.hpp"
#include "scheduler/strategy.hpp"

namespace tg::sim {

// The multi-chip run's side of communication tasks (scheduler/sim/collective_network.hpp).
class CollectivePort {
 public:
  // Rank `rank`'s communication task `task` is ready at `now`.
  virtual void arrive(int rank, TaskId task, std::int64_t now) = 0;

 protected:
  ~CollectivePort() = default;
};

class SimRun {
 public:
  SimRun(const Graph& graph, const Machine& machine, const SimOptions& options, DispatchStrategy& strategy);
  SimResult run(const std::string& strategy_name);

  // Stepwise, for a multi-chip run that interleaves several chips' events: begin(), then
  // step(now) at each next_time() until idle(), then finish().
  void begin() { events_.push(0, EventKind::Orchestrate, 0, 0); }
  bool idle() const { return events_.empty(); }
  std::int64_t next_time() { return events_.top().time; }
  void step(std::int64_t now);
  SimResult finish(const std::string& strategy_name);
  // Tasks marked in `collective` (one entry per task) become ready into `port` instead of
  // a ready queue; each then sits on a link lane (after the chip's own lanes, one per
  // collective in flight) until complete_collective gives its end.
  void attach(CollectivePort& port, int rank, std::vector<char> collective);
  void complete_collective(TaskId t, std::int64_t end) { set_end(t, 0, end); }

 private:
  enum class TaskState : std::uint8_t { Waiting, Submitted, Ready, Finished };

  // Every event at `now`, then a dispatch pass if anything it looks at changed.
  void run_instant(std::int64_t now);
  // Event handlers (sim_run.cpp).
  void handle(const Event& e);
  void orchestrate(std::int64_t now);
  void make_ready(TaskId t, std::int64_t now);
  void offer_for_staging(TaskId t);
  void start_block(TaskId t, std::int32_t b, std::int64_t now);
  void end_block(TaskId t, std::int32_t b, std::int64_t now);
  void fin_block(TaskId t, std::int32_t b, std::int64_t now);
  void retire_block(TaskId t, std::int32_t b, std::int64_t now);
  void wake_orchestrator(std::int64_t now);
  void start_collective(TaskId t, std::int64_t now);
  void note_block_started(TaskId t);
  // Completions (when the machine models them): a FIN signal waits for the scheduler
  // thread that owns its core; a free thread takes the oldest, busy completion_ns.
  int owner_thread(TaskId t, std::int32_t b) { return layout_.group_of(row(t, b).lane) % m_.scheduler_threads; }
  void serve_completions(int thread, std::int64_t now);
  // HBM sharing (when the shared HBM can bind at all) and the L2.
  void schedule_hbm_departure();
  void hbm_departures(std::uint32_t generation, std::int64_t now);
  void set_end(TaskId t, std::int32_t b, std::int64_t end);
  double l2_hit_share(TaskId t);
  double written_bytes(TaskId t) const;
  static int core_type_index(const Task& task);
  SimResult finish_result(const std::string& strategy_name);

  // Dispatch (dispatch.cpp).
  void dispatch_pass(std::int64_t now);
  void dispatch_host(std::int64_t now);
  enum class Slot : std::uint8_t { Running, Staged, Pending };
  void launch(TaskId t, int count, int thread, std::int64_t now, Slot slot);
  // Pending slots: the queued block's start once the core's running block has ended.
  void start_queued(TaskId t, std::int32_t b, std::int64_t running_end_ns);
  void free_core_lane(std::uint16_t lane);
  int free_scheduler_thread(std::int64_t now) const;

  const Task& task(TaskId t) const { return tasks_[t]; }  // ids were checked by the Graph
  bool all_out(TaskId t) const { return next_block_[t] >= task(t).block_num; }
  std::size_t subslots(TaskId t) const { return rows_per_block(task(t)); }
  static std::size_t rows_per_block(const Task& t);
  PackedRow& row(TaskId t, std::int32_t block, std::size_t sub = 0) {
    return tl_.packed_rows()[row_base_[t] + static_cast<std::size_t>(block) * rows_per_block(task(t)) + sub];
  }
  // Something a dispatch pass looks at changed since the last pass (a core or scheduler
  // thread freed, a task became ready or stageable): otherwise the pass would find nothing.
  bool dispatch_may_change_ = true;
  static Shape shape_of(TaskKind kind);

  const Graph& g_;
  const Task* tasks_;
  const Machine& m_;
  DispatchStrategy& strategy_;
  MemoryMeter meter_;  // first: every metered container below counts into it
  StagingTracker staging_;
  LaneLayout layout_;
  CoreOccupancy cores_;
  CoreQueue queued_;
  EventQueue events_;
  ReadyQueue ready_[kShapes], stageable_[kShapes];
  bool stages_early_;
  // Per task.
  MeteredVector<std::uint32_t> preds_left_;       // producers whose FIN is not seen yet
  MeteredVector<std::uint32_t> unstarted_preds_;  // producers with a block not started (early dispatch only)
  MeteredVector<std::int32_t> blocks_unstarted_;  // early dispatch only
  MeteredVector<std::int32_t> next_block_;        // blocks dispatched (before ready: the staged ones)
  MeteredVector<std::int32_t> blocks_unfinished_;
  MeteredVector<TaskState> state_;
  MeteredVector<int> group_of_task_;              // strategies that use placement history only
  MeteredVector<std::uint32_t> row_base_;         // first row of each task, and the total at [n]
  MeteredVector<std::int64_t> sched_free_at_;     // per scheduler thread
  MeteredVector<std::int64_t> sched_busy_ns_;     // per scheduler thread
  std::vector<EventFifo, MeteredAllocator<EventFifo>> completions_;  // per scheduler thread: FINs signalled
  MeteredVector<std::uint32_t> last_task_on_core_;  // per core lane: head cost (cold start, switch)
  // L2 (only when the machine has one and HBM can bind): bytes written through it so far,
  // and per task the count after its writes; the share of a task's bytes that hit.
  MeteredVector<double> written_at_;
  MeteredVector<float> l2_share_;
  double l2_written_ = 0;
  HbmShare hbm_;
  std::int64_t hbm_event_at_ = -1;          // the valid departure event's time, -1 = none
  std::uint32_t hbm_event_generation_ = 0;  // its generation: older ones are stale
  bool hbm_can_bind_;
  bool completions_modelled_;
  Jitter jitter_;
  ChipModelStats stats_;
  Timeline tl_;
  std::uint64_t queue_seq_ = 0;
  std::size_t processed_ = 0, finished_ = 0;
  TaskId next_submit_ = 0;
  bool orchestrator_waiting_ = false;  // for a task-ring slot or staging-ring space
  bool orchestrator_woken_ = false;    // a wake-up is already queued
  bool submit_paid_ = false;           // next_submit_'s submit cost is paid: it goes out now
  std::int64_t waiting_since_ = 0;
  TaskId retired_prefix_ = 0;          // tasks 0 .. this-1 have all finished: their ring slots are free
  std::int64_t last_ns_ = 0;  // the latest FIN or scheduler-span end: the makespan
  // Multi-chip runs only (attach).
  CollectivePort* port_ = nullptr;
  int rank_ = 0;
  std::vector<char> collective_;
  std::uint16_t link_lane_base_ = 0xffff;  // no lane of a single chip reaches it
  std::vector<char> link_busy_;
};

}  // namespace tg::sim
