// Export a timeline in the device capture schema, import it back: the same timeline within
// one capture clock tick, the same deps.json edges (trace/capture_export.hpp, capture_import.hpp).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <algorithm>
#include <map>
#include <random>
#include <tuple>
#include <vector>

#include "runtime/machine.hpp"
#include "scheduler/sim_executor.hpp"
#include "trace/capture_export.hpp"
#include "trace/capture_import.hpp"
#include "trace_test_graphs.hpp"

namespace tg {
namespace {

constexpr std::int64_t kTickNs = 20;  // one cycle at a2a3's 50 MHz

CaptureFiles files_of(const CaptureTexts& texts) {
  CaptureFiles f;
  f.folder = "roundtrip";
  f.records = texts.records;
  f.deps = texts.deps;
  f.name_map = texts.name_map;
  return f;
}

// Rows keyed by (task, block, subslot), which both sides agree on; lanes compared by name.
using RowKey = std::tuple<TaskId, std::int32_t, std::uint8_t>;
std::map<RowKey, TimelineRow> rows_by_key(const Timeline& tl) {
  std::map<RowKey, TimelineRow> out;
  for (const TimelineRow r : tl.rows()) out[{r.task, r.block, r.subslot}] = r;
  return out;
}

void expect_same_timeline(const Graph& g, const Timeline& a, const Timeline& b) {
  ASSERT_EQ(a.rows().size(), b.rows().size());
  const auto ra = rows_by_key(a), rb = rows_by_key(b);
  ASSERT_EQ(ra.size(), rb.size());
  for (const auto& [key, x] : ra) {
    ASSERT_TRUE(rb.count(key)) << g.task(x.task).label() << " block " << x.block;
    const TimelineRow& y = rb.at(key);
    const std::string what = g.task(x.task).label() + " block " + std::to_string(x.block);
    EXPECT_EQ(a.lanes[x.lane].name, b.lanes[y.lane].name) << what;
    EXPECT_LE(std::llabs(x.dispatch_ns - y.dispatch_ns), kTickNs) << what;
    EXPECT_LE(std::llabs(x.start_ns - y.start_ns), kTickNs) << what;
    EXPECT_LE(std::llabs(x.end_ns - y.end_ns), kTickNs) << what;
    EXPECT_LE(std::llabs(x.finish_ns - y.finish_ns), kTickNs) << what;
  }
  for (TaskId t = 0; t < g.num_tasks(); ++t) {
    EXPECT_LE(std::llabs(a.submit_ns(t) - b.submit_ns(t)), kTickNs) << g.task(t).label();
    EXPECT_LE(std::llabs(a.ready_ns(t) - b.ready_ns(t)), kTickNs) << g.task(t).label();
  }
  // Spans in (task, block, begin) order: a sync_start launch is one span for all its blocks,
  // and the chip model's scheduler threads log a dispatch and a completion span per block.
  ASSERT_EQ(a.scheduler_spans().size(), b.scheduler_spans().size());
  auto ordered = [](const Timeline& t) {
    std::vector<LaneSpan> spans;
    for (const LaneSpan s : t.scheduler_spans()) spans.push_back(s);
    std::stable_sort(spans.begin(), spans.end(), [](const LaneSpan& l, const LaneSpan& r) {
      return std::tie(l.task, l.block, l.begin_ns) < std::tie(r.task, r.block, r.begin_ns);
    });
    return spans;
  };
  const std::vector<LaneSpan> sa = ordered(a), sb = ordered(b);
  for (std::size_t i = 0; i < sa.size(); ++i) {
    const LaneSpan& x = sa[i];
    const LaneSpan& y = sb[i];
    ASSERT_EQ(std::make_pair(x.task, x.block), std::make_pair(y.task, y.block)) << g.task(x.task).label();
    EXPECT_EQ(a.lanes[x.lane].name, b.lanes[y.lane].name) << g.task(x.task).label();
    EXPECT_LE(std::llabs(x.begin_ns - y.begin_ns), kTickNs) << g.task(x.task).label();
    EXPECT_LE(std::llabs(x.end_ns - y.end_ns), kTickNs) << g.task(x.task).label();
  }
  EXPECT_LE(std::llabs(a.makespan_ns - b.makespan_ns), kTickNs);
}

void expect_same_graph_shape(const Graph& a, const Graph& b) {
  ASSERT_EQ(a.num_tasks(), b.num_tasks());
  for (TaskId t = 0; t < a.num_tasks(); ++t) {
    EXPECT_EQ(a.task(t).name, b.task(t).name);
    EXPECT_EQ(a.task(t).kind, b.task(t).kind);
    EXPECT_EQ(a.task(t).block_num, b.task(t).block_num);
    EXPECT_EQ(a.task(t).kernel_name, b.task(t).kernel_name);
  }
}

void round_trip(const Graph& g, const Timeline& tl) {
  const CaptureTexts texts = capture_texts(g, tl);
  const ImportedCapture back = parse_capture(files_of(texts));
  EXPECT_EQ(back.level, 4);
  EXPECT_EQ(back.clock_freq_hz, capture::kA2a3ClockHz);
  expect_same_graph_shape(g, back.graph);
  expect_same_timeline(g, tl, back.timeline);
  // The graph's edges come back as they were written: deps.json written again has the same
  // edges (pred, succ, arg, source, flags, kind; an imported graph has no buffers to name).
  const CaptureTexts again = capture_texts(back.graph, back.timeline);
  auto edges = [](const std::string& deps) {
    nlohmann::json e = nlohmann::json::parse(deps)["edges"];
    for (auto& edge : e) edge.erase("buffer");
    return e;
  };
  EXPECT_TRUE(edges(texts.deps) == edges(again.deps));
  EXPECT_EQ(edges(texts.deps).size(), g.edges().size());
}

TEST(CaptureRoundTrip, SimulatedMixedKindsOnA2a3) {
  const Graph g = test::mixed_kind_graph();
  const SimResult r = SimExecutor(load_machine("a2a3")).simulate(g);
  round_trip(g, r.timeline);
}

TEST(CaptureRoundTrip, SimulatedRandomDags) {
  std::mt19937 rng(18);
  for (int i = 0; i < 6; ++i) {
    const Graph g = test::random_graph(rng, 40);
    SimOptions options;
    options.strategy = i % 2 ? "critical-path" : "fifo";
    const SimResult r = SimExecutor(load_machine(i % 3 == 2 ? "a5" : "a2a3"), options).simulate(g);
    round_trip(g, r.timeline);
  }
}

TEST(CaptureRoundTrip, HandTimelineWithOddTimes) {
  const Graph g = test::mixed_kind_graph();
  Timeline tl = test::sim_like_timeline(g, 2);
  round_trip(g, tl);
}

TEST(CaptureRoundTrip, WithoutDepsOrExtensionsKindsComeFromTheCores) {
  const Graph g = test::mixed_kind_graph();
  const SimResult r = SimExecutor(load_machine("a2a3")).simulate(g);
  CaptureFiles f = files_of(capture_texts(g, r.timeline));
  f.deps.reset();
  f.name_map.reset();
  const ImportedCapture back = parse_capture(f);
  ASSERT_EQ(back.graph.num_tasks(), g.num_tasks());
  EXPECT_TRUE(back.graph.edges().empty());
  EXPECT_EQ(back.graph.task(1).kind, TaskKind::Cube);    // proj
  EXPECT_EQ(back.graph.task(2).kind, TaskKind::Mix);     // mix_attn: AIC + AIV rows
  EXPECT_EQ(back.graph.task(0).block_num, 2);             // load: two blocks, from the block column
  EXPECT_EQ(back.timeline.rows().size(), r.timeline.rows().size());
}

// What the reference runtime writes: no tilegraph fields (no time-0 record, no block column,
// no task on the dispatch records, no ready times). Blocks then come from dispatch order,
// ready times from the producers' FINs, time 0 from the first timestamp: the same timeline.
TEST(CaptureRoundTrip, ReferenceSchemaAloneGivesTheSameTimeline) {
  const Graph g = test::mixed_kind_graph();
  const SimResult r = SimExecutor(load_machine("a2a3")).simulate(g);
  CaptureFiles f = files_of(capture_texts(g, r.timeline));
  nlohmann::json records = nlohmann::json::parse(f.records);
  records["metadata"].erase("tilegraph");
  for (auto& row : records["aicore_tasks"]) row.erase(6);
  for (auto& thread : records["aicpu_scheduler_phases"])
    for (auto& phase : thread) {
      phase.erase("task_id");
      phase.erase("block");
    }
  for (auto& thread : records["aicpu_orchestrator_phases"])
    for (auto& submit : thread) submit.erase("ready_cycles");
  f.records = records.dump();
  const ImportedCapture back = parse_capture(f);
  ASSERT_EQ(back.timeline.rows().size(), r.timeline.rows().size());
  EXPECT_TRUE(back.timeline.scheduler_spans().empty());  // no task named: phases only
  EXPECT_EQ(back.scheduler_phases.size(), r.timeline.scheduler_spans().size());
  std::multimap<std::pair<TaskId, std::string>, std::int64_t> starts;
  for (const TimelineRow row : r.timeline.rows()) starts.emplace(std::pair{row.task, r.timeline.lanes[row.lane].name}, row.start_ns);
  for (const TimelineRow row : back.timeline.rows()) {
    const auto [lo, hi] = starts.equal_range({row.task, back.timeline.lanes[row.lane].name});
    bool near = false;
    for (auto it = lo; it != hi; ++it) near = near || std::llabs(it->second - row.start_ns) <= kTickNs;
    EXPECT_TRUE(near) << g.task(row.task).label() << " on " << back.timeline.lanes[row.lane].name;
    EXPECT_LT(row.block, g.task(row.task).block_num);
  }
  for (TaskId t = 0; t < g.num_tasks(); ++t)
    EXPECT_LE(std::llabs(back.timeline.ready_ns(t) - r.timeline.ready_ns(t)), kTickNs) << g.task(t).label();
  EXPECT_LE(std::llabs(back.timeline.makespan_ns - r.timeline.makespan_ns), kTickNs);
}

}  // namespace
}  // namespace tg
