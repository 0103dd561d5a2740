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
#include "scheduler/sim/event_queue.hpp"
#include "scheduler/sim/lane_layout.hpp"
#include "scheduler/sim/metered.hpp"
#include "scheduler/sim/ready_queue.hpp"
#include "scheduler/sim_executor.hpp"
#include "scheduler/staging_tracker.hpp"
#include "scheduler/strategy.hpp"

namespace tg::sim {

class SimRun {
 public:
  SimRun(const Graph& graph, const Machine& machine, const SimOptions& options, DispatchStrategy& strategy);
  SimResult run(const std::string& strategy_name);

 private:
  enum class TaskState : std::uint8_t { Waiting, Submitted, Ready };

  // Event handlers (sim_run.cpp).
  void handle(const Event& e);
  void orchestrate(std::int64_t now);
  void make_ready(TaskId t, std::int64_t now);
  void offer_for_staging(TaskId t);
  void start_block(TaskId t, std::int32_t b, std::int64_t now);
  void end_block(TaskId t, std::int32_t b, std::int64_t now);
  void fin_block(TaskId t, std::int32_t b, std::int64_t now);
  SimResult finish_result(const std::string& strategy_name);

  // Dispatch (dispatch.cpp).
  void dispatch_pass(std::int64_t now);
  void dispatch_host(std::int64_t now);
  void launch(TaskId t, int count, int thread, std::int64_t now, bool staged);
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
  Timeline tl_;
  std::uint64_t queue_seq_ = 0;
  std::size_t processed_ = 0, finished_ = 0;
  TaskId next_submit_ = 0;
  bool orchestrator_waiting_ = false;
  int running_blocks_ = 0;
  std::int64_t last_ns_ = 0;  // the latest FIN or scheduler-span end: the makespan
};

}  // namespace tg::sim
