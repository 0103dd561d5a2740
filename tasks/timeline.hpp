#pragma once
// Timeline: what an executor did. One row per physical execution of a block (and, on the
// modelled chip, per active MIX subslot), on a lane (a core or a host thread).
#include <cstdint>
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

// Timestamps in ns from the start of the run. The host executor fills start/end (and
// ready/dispatch = when the task became ready); the simulator fills all of them.
struct TimelineRow {
  TaskId task = 0;
  std::int32_t block = 0;
  std::uint16_t lane = 0;
  std::uint8_t subslot = 0;  // 0 = AIC or plain, 1 = AIV0, 2 = AIV1 (MIX tasks)
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

struct Timeline {
  std::string source;  // "host:2 threads", "sim:a2a3:fifo"
  std::vector<Lane> lanes;
  std::vector<TimelineRow> rows;
  std::vector<LaneSpan> scheduler_spans;  // simulator only: on the "sched <k>" lanes
  std::int64_t makespan_ns = 0;
};

}  // namespace tg
