#pragma once
// Counter tracks derived from a Timeline's rows: how many ready tasks of a core type wait
// for dispatch, and how many cores of a type are idle, over time. Together they show the
// scheduler overhead: an idle core of a type while a ready task of that type waits.
#include <cstdint>
#include <string>
#include <vector>

#include "tasks/timeline.hpp"
#include "tasks/graph.hpp"

namespace tg {

// The value holds from ts_ns until the next point; consecutive points differ in value.
struct CounterPoint {
  std::int64_t ts_ns = 0;
  std::int64_t value = 0;
};

struct CounterSeries {
  std::string name;  // "ready undispatched AIC", "idle AIV"
  std::string unit;  // "tasks", "cores", "threads"
  std::vector<CounterPoint> points;
};

// "ready undispatched <core type>": tasks from their earliest row's ready_ns until their
// last row's dispatch_ns (an SPMD task in waves waits until its last wave goes out); one
// series per core type whose tasks ever wait. "idle <lane kind>" ("idle host" for host
// executor threads): lanes of that kind (scheduler lanes excluded) with no row between
// start_ns and end_ns; one series per lane kind present. A viewer shows name + unit. Series in a fixed order (by core type, then lane kind).
// Cost: O(R log R) for R rows.
std::vector<CounterSeries> trace_counters(const Graph& graph, const Timeline& timeline);

}  // namespace tg
