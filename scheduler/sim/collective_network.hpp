#pragma once
// The network side of a multi-chip run (multichip_sim.hpp): which ranks have reached each
// collective, and, once all have, its phases one after another: the phase's latency (a
// timer), then its bytes on the link lane of its dimension (link_share.hpp). At its end the
// collective's task ends on every chip. Events are kept in time order with their push order
// breaking ties, so a run is deterministic.
#include <cstdint>
#include <queue>
#include <vector>

#include "runtime/network.hpp"
#include "scheduler/multichip_sim.hpp"
#include "scheduler/sim/link_share.hpp"
#include "scheduler/sim/sim_run.hpp"

namespace tg::sim {

class CollectiveNetwork final : public CollectivePort {
 public:
  // `tasks[r][k]`: rank r's k-th communication task; `records` gives each collective's plan.
  CollectiveNetwork(const Network& network, std::vector<SimRun*> chips, std::vector<std::vector<TaskId>> tasks,
                    std::vector<CollectiveRecord> records);

  void arrive(int rank, TaskId task, std::int64_t now) override;

  bool idle() const { return events_.empty(); }
  std::int64_t next_time() const { return events_.top().time; }
  // Handles every network event at `now` (the caller's time only grows).
  void step(std::int64_t now);

  // Collectives that not every rank reached (empty after a complete run).
  std::vector<std::size_t> unfinished() const;
  std::vector<CollectiveRecord> take_records() { return std::move(records_); }

 private:
  enum class Kind : std::uint8_t { LatencyDone, LaneDeparture };
  struct Event {
    std::int64_t time;
    std::uint64_t seq;
    Kind kind;
    std::size_t target;  // LatencyDone: the collective; LaneDeparture: the dimension
    std::uint64_t generation;
    bool operator>(const Event& o) const { return time != o.time ? time > o.time : seq > o.seq; }
  };
  void push(std::int64_t time, Kind kind, std::size_t target, std::uint64_t generation = 0);
  void start_phase(std::size_t collective, std::int64_t now);
  void bytes_moved(std::size_t collective, std::int64_t now);
  void schedule_departure(std::size_t dim);

  std::vector<SimRun*> chips_;
  std::vector<std::vector<TaskId>> tasks_;
  std::vector<CollectiveRecord> records_;
  std::vector<int> arrived_;              // per collective
  std::vector<std::size_t> phase_;        // per collective: the phase running
  std::vector<LinkShare> lanes_;          // per dimension
  std::vector<std::uint64_t> lane_generation_;  // per dimension: older departure events are stale
  std::vector<std::int64_t> lane_event_at_;     // per dimension: the valid departure's time, -1 = none
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
  std::uint64_t seq_ = 0;
};

}  // namespace tg::sim
