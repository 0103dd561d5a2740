// Perfetto / Chrome trace JSON: parsed back with nlohmann::json and checked against the
// trace-event format (required fields per phase, flow ids paired, each flow bound to a
// slice), one slice per timeline row, every event inside the makespan, one arrow per
// transitive-reduction edge, byte-identical output for identical inputs.
#include "trace/perfetto.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "runtime/error.hpp"
#include "runtime/machine.hpp"
#include "scheduler/host_executor.hpp"
#include "scheduler/sim_executor.hpp"
#include "trace_test_graphs.hpp"

namespace {

using namespace tg;
using nlohmann::json;

struct TraceCounts {
  std::size_t task_slices = 0, scheduler_slices = 0, flows = 0, counter_points = 0;
  std::set<std::string> lane_names, counter_names;
};

// The trace-event format's required fields, phase by phase, and tilegraph's own promises
// (ts within [0, makespan], flows paired and sitting on a slice of their thread).
void check_schema_into(const json& trace, std::int64_t makespan_ns, TraceCounts& counts) {
  EXPECT_TRUE(trace.is_object());
  EXPECT_EQ(trace.value("displayTimeUnit", ""), "ns");
  EXPECT_TRUE(trace.at("otherData").is_object());
  const json& events = trace.at("traceEvents");
  EXPECT_TRUE(events.is_array());
  const double makespan_us = static_cast<double>(makespan_ns) / 1000.0 + 1e-9;
  std::map<std::pair<int, double>, int> slice_starts;  // (tid, ts) -> slices starting there
  std::map<std::uint64_t, std::vector<const json*>> flows;
  for (const json& e : events) {
    ASSERT_TRUE(e.contains("ph") && e["ph"].is_string()) << e.dump();
    ASSERT_TRUE(e.contains("pid") && e["pid"].is_number_integer()) << e.dump();
    ASSERT_TRUE(e.contains("tid") && e["tid"].is_number_integer()) << e.dump();
    ASSERT_TRUE(e.contains("name") && e["name"].is_string()) << e.dump();
    const std::string ph = e["ph"];
    if (ph == "M") {
      ASSERT_TRUE(e.contains("args")) << e.dump();
      if (e["name"] == "thread_name") counts.lane_names.insert(e["args"].at("name").get<std::string>());
      continue;
    }
    ASSERT_TRUE(e.contains("ts") && e["ts"].is_number()) << e.dump();
    const double ts = e["ts"];
    EXPECT_GE(ts, 0.0) << e.dump();
    EXPECT_LE(ts, makespan_us) << e.dump();
    if (ph == "X") {
      ASSERT_TRUE(e.contains("dur") && e["dur"].is_number()) << e.dump();
      EXPECT_GE(e["dur"].get<double>(), 0.0);
      EXPECT_LE(ts + e["dur"].get<double>(), makespan_us) << e.dump();
      ASSERT_TRUE(e.contains("cat"));
      (e["cat"] == "task" ? counts.task_slices : counts.scheduler_slices)++;
      slice_starts[{e["tid"].get<int>(), ts}]++;
    } else if (ph == "s" || ph == "f") {
      ASSERT_TRUE(e.contains("id") && e["id"].is_number_unsigned()) << e.dump();
      ASSERT_TRUE(e.contains("cat")) << e.dump();
      if (ph == "f") {
        EXPECT_EQ(e.value("bp", ""), "e") << e.dump();
      }
      flows[e["id"].get<std::uint64_t>()].push_back(&e);
    } else if (ph == "C") {
      ASSERT_TRUE(e.contains("args") && e["args"].is_object() && e["args"].size() == 1) << e.dump();
      EXPECT_TRUE(e["args"].begin()->is_number_integer()) << e.dump();
      EXPECT_GE(e["args"].begin()->get<std::int64_t>(), 0) << e.dump();
      counts.counter_names.insert(e["name"].get<std::string>());
      ++counts.counter_points;
    } else {
      ADD_FAILURE() << "unexpected phase " << ph;
    }
  }
  for (const auto& [id, pair] : flows) {
    ASSERT_EQ(pair.size(), 2u) << "flow id " << id << " is not one s + one f";
    const json& s = *pair[0];
    const json& f = *pair[1];
    EXPECT_EQ(s["ph"], "s");
    EXPECT_EQ(f["ph"], "f");
    EXPECT_EQ(s["name"], f["name"]);
    EXPECT_EQ(s["cat"], f["cat"]);
    for (const json* end : pair)
      EXPECT_TRUE(slice_starts.count({(*end)["tid"].get<int>(), (*end)["ts"].get<double>()}))
          << "flow end not at a slice start: " << end->dump();
    EXPECT_LE(s["ts"].get<double>(), f["ts"].get<double>()) << "arrow goes back in time: flow " << id;
  }
  counts.flows = flows.size();
}

TraceCounts check_schema(const json& trace, std::int64_t makespan_ns) {
  TraceCounts counts;
  check_schema_into(trace, makespan_ns, counts);
  return counts;
}

// Edges not implied by a longer path, by plain DFS per edge (independent of the library).
std::size_t reduced_edges_brute_force(const Graph& g) {
  std::size_t kept = 0;
  for (std::uint32_t e = 0; e < g.edges().size(); ++e) {
    std::vector<bool> seen(g.num_tasks(), false);
    std::vector<TaskId> stack{g.edges()[e].from};
    bool implied = false;
    while (!stack.empty() && !implied) {
      const TaskId u = stack.back();
      stack.pop_back();
      for (std::uint32_t o : g.out_edges(u)) {
        if (o == e) continue;
        const TaskId v = g.edges()[o].to;
        if (v == g.edges()[e].to) implied = true;
        if (!seen[v]) {
          seen[v] = true;
          stack.push_back(v);
        }
      }
    }
    kept += implied ? 0 : 1;
  }
  return kept;
}

TEST(PerfettoTrace, SimShapedTimelineHasOneSlicePerRowAndReducedArrows) {
  const Graph g = test::mixed_kind_graph();
  const Timeline tl = test::sim_like_timeline(g);
  ASSERT_EQ(tl.rows().size(), test::sim_rows_of(g));
  const json trace = json::parse(perfetto_trace_string(g, tl));
  const auto counts = check_schema(trace, tl.makespan_ns);
  EXPECT_EQ(counts.task_slices, test::sim_rows_of(g));  // 2 + 1 + 2*2 + 1 + 1
  EXPECT_EQ(counts.task_slices, 9u);
  EXPECT_EQ(counts.scheduler_slices, tl.scheduler_spans().size());
  EXPECT_EQ(counts.flows, reduced_edges_brute_force(g));
  EXPECT_LT(counts.flows, g.edges().size()) << "the explicit report.after(load) edge is implied";
  for (const auto& lane : tl.lanes) EXPECT_TRUE(counts.lane_names.count(lane.name)) << lane.name;
  EXPECT_TRUE(counts.counter_names.count("idle AIC"));
  EXPECT_TRUE(counts.counter_names.count("idle AIV"));
  EXPECT_TRUE(counts.counter_names.count("idle host"));
  EXPECT_EQ(trace["otherData"]["flow_edges"], "transitive reduction: " + std::to_string(counts.flows) + " of " +
                                                  std::to_string(g.edges().size()) + " edges");
}

TEST(PerfettoTrace, SliceArgsNameTaskBlockArgsEdgesAndTimestamps) {
  const Graph g = test::mixed_kind_graph();
  const Timeline tl = test::sim_like_timeline(g);
  const json trace = json::parse(perfetto_trace_string(g, tl));
  bool found = false;
  for (const json& e : trace["traceEvents"]) {
    if (e["ph"] != "X" || e["name"] != "mix_attn" || e["args"]["block"] != "1 of 2" || e["args"]["subslot"] != "AIV0")
      continue;
    found = true;
    EXPECT_EQ(e["args"]["task"], "mix_attn#2");
    EXPECT_EQ(e["args"]["args"], json({"In b[0:16, 0:32]", "Out out[0:16, 0:32]"}));
    EXPECT_EQ(e["args"]["in_edges"], json({"raw b[0:16, 0:32] from proj#1"}));
    EXPECT_EQ(e["args"]["out_edges"], json({"raw out[0:16, 0:32] to report#4"}));
    EXPECT_LE(e["args"]["ready_ns"].get<std::int64_t>(), e["args"]["start_ns"].get<std::int64_t>());
  }
  EXPECT_TRUE(found);
}

// Each block's slice names the tile it writes (block_tile_box), in buffer coordinates.
TEST(PerfettoTrace, SlicesNameTheTileTheirBlockWrites) {
  const Graph g = test::tiled_graph();
  const Timeline tl = test::sim_like_timeline(g);
  const json trace = json::parse(perfetto_trace_string(g, tl));
  std::map<std::string, std::set<std::string>> writes;  // task -> "block: tile"
  for (const json& e : trace["traceEvents"]) {
    if (e["ph"] != "X" || e["cat"] != "task") continue;
    const std::string block = e["args"]["block"];
    if (e["name"] == "whole") {
      EXPECT_FALSE(e["args"].contains("block_writes")) << e.dump();
      continue;
    }
    writes[e["name"]].insert(block + ": " + e["args"].value("block_writes", std::string("(none)")));
  }
  EXPECT_EQ(writes["rows"], (std::set<std::string>{"0 of 4: y[0:2, 0:32]", "1 of 4: y[2:4, 0:32]", "2 of 4: y[4:6, 0:32]",
                                                   "3 of 4: y[6:7, 0:32]"}));
  EXPECT_EQ(writes["grid"], (std::set<std::string>{"0 of 4: z[0:4, 0:16]", "1 of 4: z[0:4, 16:32]",
                                                   "2 of 4: z[4:8, 0:16]", "3 of 4: z[4:8, 16:32]"}));
}

TEST(PerfettoTrace, HostExecutorTimelineIsValid) {
  std::mt19937 rng(42);
  const Graph g = test::random_graph(rng, 60);
  HostExecutor executor(2);
  const Timeline tl = executor.run(g).timeline;
  std::size_t blocks = 0;
  for (const Task& t : g.tasks()) blocks += static_cast<std::size_t>(t.block_num);
  const auto counts = check_schema(json::parse(perfetto_trace_string(g, tl)), tl.makespan_ns);
  EXPECT_EQ(counts.task_slices, blocks);  // host: one row per block, MIX subslots not split
  EXPECT_EQ(counts.scheduler_slices, 0u);
  EXPECT_EQ(counts.flows, reduced_edges_brute_force(g));
  EXPECT_TRUE(counts.lane_names.count("thread 0"));
  EXPECT_TRUE(counts.counter_names.count("idle host"));
}

TEST(PerfettoTrace, SimulatorTimelineIsValidAndDeterministic) {
  std::mt19937 rng(5);
  const Graph g = test::random_graph(rng, 80);
  const SimExecutor sim(load_machine("a2a3"));
  const Timeline tl = sim.simulate(g).timeline;
  EXPECT_EQ(tl.rows().size(), test::sim_rows_of(g));
  const std::string first = perfetto_trace_string(g, tl);
  const auto counts = check_schema(json::parse(first), tl.makespan_ns);
  EXPECT_EQ(counts.task_slices, test::sim_rows_of(g));
  EXPECT_EQ(counts.flows, reduced_edges_brute_force(g));
  EXPECT_EQ(perfetto_trace_string(g, sim.simulate(g).timeline), first) << "same inputs must give the same bytes";
}

TEST(PerfettoTrace, SameInputsGiveByteIdenticalFiles) {
  std::mt19937 rng(9);
  const Graph g = test::random_graph(rng, 50);
  const Timeline tl = test::sim_like_timeline(g, 3);
  const auto dir = std::filesystem::temp_directory_path();
  const std::string a = (dir / "tg_trace_a.json").string(), b = (dir / "tg_trace_b.json").string();
  write_perfetto_trace(g, tl, a);
  write_perfetto_trace(g, tl, b);
  auto read = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  EXPECT_FALSE(read(a).empty());
  EXPECT_EQ(read(a), read(b));
  EXPECT_EQ(read(a), perfetto_trace_string(g, tl));
  std::filesystem::remove(a);
  std::filesystem::remove(b);
}

TEST(PerfettoTrace, TimelineOfAnotherGraphIsAClearError) {
  const Graph g = test::mixed_kind_graph();
  Timeline tl = test::sim_like_timeline(g);
  tl.packed_rows()[3].lane = 99;
  try {
    perfetto_trace_string(g, tl);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("row 3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("lane 99"), std::string::npos) << e.what();
  }
  tl = test::sim_like_timeline(g);
  tl.packed_rows()[0].task = 1000;
  EXPECT_THROW(perfetto_trace_string(g, tl), Error);
}

TEST(PerfettoTrace, UnwritablePathIsAnIoError) {
  const Graph g = test::mixed_kind_graph();
  EXPECT_THROW(write_perfetto_trace(g, test::sim_like_timeline(g), "/nonexistent-dir/trace.json"), IoError);
}

}  // namespace
