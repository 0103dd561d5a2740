// The simulator's parts on their own: the event queue pops in (time, kind, push order) as
// a plain sort would; FreeSet agrees with std::set; the core-group shape comes from the
// Machine; the run's memory figure is measured (it matches what the run allocated).
#include <gtest/gtest.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <random>
#include <set>
#include <string>

#include "runtime/error.hpp"
#include "scheduler/sim/event_queue.hpp"
#include "scheduler/sim/free_set.hpp"
#include "scheduler/sim_executor.hpp"
#include "sim_test_machine.hpp"
#include "tasks/scope.hpp"

// Every allocation of this test binary is counted, to check SimResult::model_state_bytes
// against what simulate() really allocated.
namespace {
std::atomic<std::size_t> g_live{0}, g_peak{0};
void note_alloc(std::size_t n) {
  const std::size_t live = g_live.fetch_add(n) + n;
  std::size_t peak = g_peak.load();
  while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
  }
}
}  // namespace

// noinline: inlined into std::allocator, GCC would pair this malloc with its own new.
__attribute__((noinline)) void* operator new(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (!p) throw std::bad_alloc();
  note_alloc(malloc_usable_size(p));
  return p;
}
__attribute__((noinline)) void operator delete(void* p) noexcept {
  if (!p) return;
  g_live.fetch_sub(malloc_usable_size(p));
  std::free(p);
}
__attribute__((noinline)) void operator delete(void* p, std::size_t) noexcept { operator delete(p); }

namespace {

using namespace tg;
using tg::testing::hand_machine;

TEST(SimEventQueue, PopsInTimeKindAndPushOrderLikeASort) {
  sim::MemoryMeter meter;
  sim::EventQueue queue(meter);
  std::mt19937 rng(3);
  struct Ref {
    std::int64_t time;
    int kind;
    std::uint64_t seq;
    bool operator<(const Ref& o) const { return std::tie(time, kind, seq) < std::tie(o.time, o.kind, o.seq); }
  };
  std::vector<Ref> pushed, popped;
  std::int64_t now = 0;
  std::uint64_t seq = 0;
  std::multiset<Ref> pending;
  for (int step = 0; step < 20000; ++step) {
    if (pending.empty() || rng() % 3 != 0) {
      // As in a run: events at now plus a delay, fixed per kind most of the time.
      const int kind = static_cast<int>(rng() % sim::kEventKinds);
      const std::int64_t delay = rng() % 4 == 0 ? static_cast<std::int64_t>(rng() % 5000) : 100 * (kind + 1);
      queue.push(now + delay, static_cast<sim::EventKind>(kind), static_cast<TaskId>(seq), 0);
      pending.insert(Ref{now + delay, kind, seq++});
    } else {
      const sim::Event e = queue.pop();
      const Ref expected = *pending.begin();
      pending.erase(pending.begin());
      ASSERT_EQ(e.time, expected.time);
      ASSERT_EQ(static_cast<int>(e.kind()), expected.kind);
      ASSERT_EQ(e.task, static_cast<TaskId>(expected.seq));
      now = e.time;
    }
  }
  EXPECT_GT(meter.peak_bytes, 0u) << "the queue's storage is metered";
}

TEST(SimFreeSet, LowestAgreesWithAnOrderedSet) {
  sim::MemoryMeter meter;
  const int n = 9000;  // more than one summary word
  sim::FreeSet set(n, meter);
  std::set<int> ref;
  std::mt19937 rng(8);
  EXPECT_EQ(set.lowest(), -1);
  for (int step = 0; step < 50000; ++step) {
    const int i = static_cast<int>(rng() % n);
    if (rng() % 2) {
      set.insert(i);
      ref.insert(i);
    } else {
      set.erase(i);
      ref.erase(i);
    }
    ASSERT_EQ(set.lowest(), ref.empty() ? -1 : *ref.begin());
    ASSERT_EQ(set.contains(i), ref.count(i) == 1);
  }
}

TEST(SimCoreGroupShape, ComesFromTheMachine) {
  Machine m = hand_machine(2);
  m.aiv_per_group = 4;
  Scope s{"wide_groups"};
  auto x = s.input("x", {8, 64}, FP32);
  auto y = s.output("y", {8, 64}, FP32);
  s.vector("spmd", {In(x), Out(y)}).blocks(8).cost({0, 64.0 * 1000, 0, false});
  const Graph g = s.finalize();
  const SimResult r = SimExecutor(m).simulate(g);
  ASSERT_EQ(r.timeline.lanes.size(), 2u * 5 + 1 + 1);
  EXPECT_EQ(r.timeline.lanes[0].name, "g0.AIC");
  EXPECT_EQ(r.timeline.lanes[4].name, "g0.AIV3");
  EXPECT_EQ(r.timeline.lanes[5].name, "g1.AIC");
  std::set<std::uint16_t> lanes;
  for (const auto& row : r.timeline.rows()) {
    EXPECT_EQ(r.timeline.lanes[row.lane].kind, LaneKind::Aiv);
    lanes.insert(row.lane);
  }
  EXPECT_EQ(lanes.size(), 8u) << "8 AIV cores: the 8 blocks go out in one wave";
  // With 1 AIC + 2 AIV per group, half the blocks wait for a core.
  const SimResult narrow = SimExecutor(hand_machine(2)).simulate(g);
  EXPECT_GT(narrow.timeline.makespan_ns, r.timeline.makespan_ns);
}

TEST(SimCoreGroupShape, AMixSubslotBeyondTheGroupIsAClearError) {
  Machine m = hand_machine(2);
  m.aiv_per_group = 1;  // subslots AIC, AIV0
  Scope s{"mix_wide"};
  auto x = s.input("x", {8, 64}, FP32);
  auto y = s.output("y", {8, 64}, FP32);
  s.mix("attn", {In(x), Out(y)}).mix_slots(kSlotAic | kSlotAiv1);
  const Graph g = s.finalize();
  try {
    SimExecutor(m).simulate(g);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("attn"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("2 cores"), std::string::npos) << e.what();
  }
}

TEST(SimCoreGroupShape, MachineJsonReadsAndChecksTheShape) {
  const std::string base = R"({
  "name": "shape", "description": "test chip",
  "topology": {"core_groups": 4, "scheduler_threads": 2, "host_lanes": 1 TOPOLOGY},
  "compute": {"cube_bf16_tflops_per_chip": 40, "cube_int8_tops_per_chip": 80,
              "vector_fp32_tflops_per_chip": 8, "host_gflops_per_lane": 10, "cube_m_box_rows": 16},
  "memory": {"hbm_gbytes_per_s": 400, "gm_gbytes_per_s_per_core": 100,
             "host_gbytes_per_s_per_lane": 10, "gm_line_bytes": 512},
  "latency_ns": {"orchestrator_submit": 0, "dispatch": 100, "pickup": 800, "fin_detect": 500, "kernel_overhead": 0},
  "buffers_kib": {"aiv_ub": 192, "aiv_ub_usable": 184, "aic_l1": 512, "aic_l0a": 64, "aic_l0b": 64, "aic_l0c": 128}
})";
  auto with = [&base](const std::string& topology) {
    std::string text = base;
    text.replace(text.find(" TOPOLOGY"), 9, topology);
    return text;
  };
  const Machine plain = parse_machine_json(with(""), "plain.json");
  EXPECT_EQ(plain.aic_per_group, 1);
  EXPECT_EQ(plain.aiv_per_group, 2);
  const Machine wide = parse_machine_json(with(R"(, "aiv_per_group": 4)"), "wide.json");
  EXPECT_EQ(wide.cores(CoreType::Aiv), 16);
  EXPECT_EQ(wide.cores(CoreType::Aic), 4);
  try {
    parse_machine_json(with(R"(, "aic_per_group": 4, "aiv_per_group": 5)"), "big.json");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("big.json: /topology/aiv_per_group"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_machine_json(with(R"(, "aiv_per_group": 0)"), "zero.json"), ConfigError);
}

// Layers of 100 tasks, each depending on two of the layer before (as sim_bench).
Graph layered(std::size_t tasks) {
  std::mt19937 rng(42);
  std::vector<Task> list(tasks);
  const TaskKind kinds[] = {TaskKind::Vector, TaskKind::Cube, TaskKind::Vector, TaskKind::Mix};
  for (std::size_t i = 0; i < tasks; ++i) {
    Task& t = list[i];
    t.id = static_cast<TaskId>(i);
    t.name = "t";
    t.kind = kinds[i % 4];
    t.block_num = 1 + static_cast<int>(rng() % 4);
    t.cost = CostHint{static_cast<double>(1e5 + rng() % 4000000), static_cast<double>(rng() % 1000000), 0, false};
    if (i >= 100) {
      const std::size_t layer_start = (i / 100 - 1) * 100;
      t.after.push_back(static_cast<TaskId>(layer_start + rng() % 100));
    }
  }
  return Graph::assemble("layered", {}, {}, std::move(list), {}, {});
}

TEST(SimMemory, ModelStateBytesIsWhatTheRunAllocated) {
  const Graph g = layered(20000);
  for (const char* strategy : {"fifo", "critical-path", "early-dispatch"}) {
    SimOptions o;
    o.strategy = strategy;
    const SimExecutor sim(load_machine("a2a3"), o);
    const std::size_t before = g_live.load();
    g_peak.store(before);
    const SimResult r = sim.simulate(g);
    const std::size_t allocated = g_peak.load() - before;
    EXPECT_GE(static_cast<double>(r.model_state_bytes), 0.8 * static_cast<double>(allocated)) << strategy;
    EXPECT_LE(static_cast<double>(r.model_state_bytes), 1.25 * static_cast<double>(allocated)) << strategy;
    EXPECT_GE(r.model_state_bytes, r.timeline.memory_bytes());
  }
}

}  // namespace
