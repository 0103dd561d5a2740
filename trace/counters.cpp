#include "trace/counters.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include "trace/common.hpp"

namespace tg {
namespace {

using Delta = std::pair<std::int64_t, std::int64_t>;  // (ts_ns, change)

// A step function from `base` and its changes: one point at 0, then one per time the
// value changes. Cost: O(D log D).
std::vector<CounterPoint> steps(std::int64_t base, std::vector<Delta> deltas) {
  std::sort(deltas.begin(), deltas.end());
  std::vector<CounterPoint> points{{0, base}};
  std::int64_t value = base;
  for (std::size_t i = 0; i < deltas.size();) {
    const std::int64_t ts = deltas[i].first;
    for (; i < deltas.size() && deltas[i].first == ts; ++i) value += deltas[i].second;
    if (value == points.back().value) continue;
    if (points.back().ts_ns == ts)
      points.back().value = value;  // changes at time 0 replace the base point
    else
      points.push_back({ts, value});
  }
  return points;
}

constexpr std::array<TaskKind, 4> kTaskKinds{TaskKind::Cube, TaskKind::Vector, TaskKind::Mix, TaskKind::Host};
constexpr std::array<LaneKind, 4> kCoreLaneKinds{LaneKind::Aic, LaneKind::Aiv, LaneKind::Host, LaneKind::Thread};

}  // namespace

std::vector<CounterSeries> trace_counters(const Graph& graph, const Timeline& timeline) {
  std::vector<CounterSeries> out;
  const auto& rows = timeline.rows();

  // Ready, undispatched tasks per core type.
  constexpr auto kNever = std::numeric_limits<std::int64_t>::max();
  std::vector<std::int64_t> ready(graph.num_tasks(), kNever), dispatched(graph.num_tasks(), std::numeric_limits<std::int64_t>::min());
  for (const auto& r : rows) {
    ready.at(r.task) = std::min(ready[r.task], r.ready_ns);
    dispatched[r.task] = std::max(dispatched[r.task], r.dispatch_ns);
  }
  for (TaskKind kind : kTaskKinds) {
    std::vector<Delta> deltas;
    for (TaskId t = 0; t < graph.num_tasks(); ++t) {
      if (graph.task(t).kind != kind || ready[t] == kNever || dispatched[t] <= ready[t]) continue;
      deltas.push_back({ready[t], 1});
      deltas.push_back({dispatched[t], -1});
    }
    if (deltas.empty()) continue;
    out.push_back({"ready undispatched " + std::string(core_type_of(kind)), "tasks", steps(0, std::move(deltas))});
  }

  // Idle lanes per kind: merge each lane's rows into busy intervals (rows of MIX subslots
  // or of a badly recorded timeline may overlap), then count lanes not busy.
  std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> busy(timeline.lanes.size());
  for (const auto& r : rows)
    if (r.end_ns > r.start_ns) busy.at(r.lane).push_back({r.start_ns, r.end_ns});
  for (LaneKind kind : kCoreLaneKinds) {
    std::int64_t lanes = 0;
    std::vector<Delta> deltas;
    for (std::size_t l = 0; l < timeline.lanes.size(); ++l) {
      if (timeline.lanes[l].kind != kind) continue;
      ++lanes;
      auto& intervals = busy[l];
      std::sort(intervals.begin(), intervals.end());
      for (std::size_t i = 0; i < intervals.size();) {
        const std::int64_t start = intervals[i].first;
        std::int64_t end = intervals[i].second;
        for (++i; i < intervals.size() && intervals[i].first <= end; ++i) end = std::max(end, intervals[i].second);
        deltas.push_back({start, -1});
        deltas.push_back({end, 1});
      }
    }
    if (lanes == 0) continue;
    // Series "idle AIC" in "cores", or "idle host" in "threads" for host executor threads.
    const bool threads = kind == LaneKind::Thread;
    out.push_back({threads ? "idle host" : "idle " + std::string(name_of(kind)), threads ? "threads" : "cores",
                   steps(lanes, std::move(deltas))});
  }
  return out;
}

}  // namespace tg
