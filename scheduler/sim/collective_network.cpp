#include "scheduler/sim/collective_network.hpp"

#include <algorithm>

#include "runtime/error.hpp"

namespace tg::sim {

CollectiveNetwork::CollectiveNetwork(const Network& network, std::vector<SimRun*> chips,
                                     std::vector<std::vector<TaskId>> tasks, std::vector<CollectiveRecord> records)
    : chips_(std::move(chips)),
      tasks_(std::move(tasks)),
      records_(std::move(records)),
      arrived_(records_.size(), 0),
      phase_(records_.size(), 0),
      lane_generation_(network.dims.size(), 0),
      lane_event_at_(network.dims.size(), -1) {
  for (const NetworkDim& d : network.dims) lanes_.emplace_back(d.chip_bytes_per_s());
}

void CollectiveNetwork::push(std::int64_t time, Kind kind, std::size_t target, std::uint64_t generation) {
  if (time > kMaxModelledNs) [[unlikely]]
    throw Error("simulator: modelled time passes 2^60 ns (36 years) in the network; the collectives' bytes or the "
                "links' latencies are out of scale");
  events_.push(Event{time, seq_++, kind, target, generation});
}

void CollectiveNetwork::arrive(int rank, TaskId task, std::int64_t now) {
  const std::vector<TaskId>& mine = tasks_[static_cast<std::size_t>(rank)];
  const std::size_t k = static_cast<std::size_t>(std::lower_bound(mine.begin(), mine.end(), task) - mine.begin());
  CollectiveRecord& record = records_[k];
  if (arrived_[k]++ == 0) record.first_ready_ns = now;
  if (arrived_[k] < static_cast<int>(chips_.size())) return;
  record.all_ready_ns = now;
  start_phase(k, now);
}

void CollectiveNetwork::start_phase(std::size_t collective, std::int64_t now) {
  const CollectivePhase& phase = records_[collective].plan.phases[phase_[collective]];
  push(now + phase.latency_ns, Kind::LatencyDone, collective);
}

void CollectiveNetwork::bytes_moved(std::size_t collective, std::int64_t now) {
  CollectiveRecord& record = records_[collective];
  if (++phase_[collective] < record.plan.phases.size()) {
    start_phase(collective, now);
    return;
  }
  record.end_ns = now;
  for (std::size_t r = 0; r < chips_.size(); ++r) chips_[r]->complete_collective(tasks_[r][collective], now);
}

void CollectiveNetwork::schedule_departure(std::size_t dim) {
  const std::int64_t at = lanes_[dim].next_departure_ns();
  if (at < 0 || at == lane_event_at_[dim]) return;
  lane_event_at_[dim] = at;
  push(at, Kind::LaneDeparture, dim, ++lane_generation_[dim]);
}

void CollectiveNetwork::step(std::int64_t now) {
  while (!events_.empty() && events_.top().time == now) {
    const Event e = events_.top();
    events_.pop();
    if (e.kind == Kind::LatencyDone) {
      const CollectivePhase& phase = records_[e.target].plan.phases[phase_[e.target]];
      if (phase.bytes <= 0) {
        bytes_moved(e.target, now);
        continue;
      }
      lanes_[phase.dim].join(now, e.target, phase.bytes, phase.bytes_per_s);
      schedule_departure(phase.dim);
      continue;
    }
    if (e.generation != lane_generation_[e.target]) continue;  // superseded by a later departure event
    lane_event_at_[e.target] = -1;
    lanes_[e.target].depart(now, [&](std::size_t collective) { bytes_moved(collective, now); });
    schedule_departure(e.target);
  }
}

std::vector<std::size_t> CollectiveNetwork::unfinished() const {
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < records_.size(); ++k)
    if (arrived_[k] < static_cast<int>(chips_.size())) out.push_back(k);
  return out;
}

}  // namespace tg::sim
