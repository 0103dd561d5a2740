#pragma once
// Chrome trace-event JSON of a run, for ui.perfetto.dev or chrome://tracing: one track per
// lane (core or host thread), one slice per timeline row, one flow arrow per edge of the
// graph's transitive reduction, and counter tracks for ready-but-undispatched tasks and
// idle cores per type. Works for HostExecutor and simulator timelines alike.
#include <iosfwd>
#include <string>

#include "tasks/timeline.hpp"
#include "tasks/graph.hpp"

namespace tg {

// Layout of the file (one event per line, same inputs give the same bytes):
//   {"displayTimeUnit":"ns","otherData":{graph, source, makespan_ns, flow_edges, ...},
//    "traceEvents":[ metadata (process and lane names), slices "X" (cat "task" per
//                    row, cat "scheduler" per scheduler span), flows "s"/"f", counters "C" ]}
// ts and dur are in microseconds (the format's unit) with ns resolution. pid is 1; a
// lane's tid is kFirstLaneTid + its index. Throws Error when the timeline does not belong
// to the graph (see check_timeline). Cost: O(R log R + E · N / 64) for R rows, N tasks,
// E edges (the transitive reduction; direct edges above 10^5 tasks, said in otherData).
void write_perfetto_trace(const Graph& graph, const Timeline& timeline, std::ostream& out);
// Same, to a file; throws IoError naming the path when it cannot be written.
void write_perfetto_trace(const Graph& graph, const Timeline& timeline, const std::string& path);
// Same, as a string (for tests and small traces).
std::string perfetto_trace_string(const Graph& graph, const Timeline& timeline);

inline constexpr int kTracePid = 1;
// Lane tids start above the pid: a tid equal to the pid reads as the process's main thread.
inline constexpr int kFirstLaneTid = 10;

}  // namespace tg
