// Properties every simulated timeline has, on random graphs with every task shape, for
// every strategy and both staging policies; and determinism (same inputs, same timeline).
#include <gtest/gtest.h>

#include <random>

#include "scheduler/sim_executor.hpp"
#include "scheduler/strategy.hpp"
#include "sim_test_machine.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;
using tg::testing::hand_machine;

// Random tasks reading and writing random row ranges of a few buffers, some in nested scopes.
Graph random_graph(std::uint32_t seed, int tasks) {
  std::mt19937 rng(seed);
  Scope s{"random"};
  std::vector<View> buffers;
  for (int b = 0; b < 4; ++b) buffers.push_back(s.staging("buf" + std::to_string(b), {64, 16}, FP32));
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::optional<Scope::Nested> nested;
  for (int i = 0; i < tasks; ++i) {
    if (i % 7 == 0) nested.reset();
    if (i % 7 == 3) nested.emplace(s.nest("inner" + std::to_string(i)));
    const View& a = buffers[static_cast<std::size_t>(pick(0, 3))];
    const View& b = buffers[static_cast<std::size_t>(pick(0, 3))];
    const int r0 = pick(0, 48), r1 = pick(0, 48);
    std::vector<Arg> args{In(a.rows(r0, pick(1, 16))), Out(b.rows(r1, pick(1, 16)))};
    if (args[0].view.buffer().id() == args[1].view.buffer().id()) args.pop_back();
    const auto kind = static_cast<TaskKind>(pick(0, 3));
    TaskRef t = s.submit(kind, "t" + std::to_string(i), std::move(args), {});
    const int blocks = pick(1, 5);
    t.blocks(blocks).cost(CostHint{static_cast<double>(pick(0, 5000)), static_cast<double>(pick(0, 3000)), 0, false});
    if (kind == TaskKind::Mix && pick(0, 1)) t.mix_slots(static_cast<std::uint8_t>(pick(1, 7)));
    if (kind != TaskKind::Host && blocks <= 2 && pick(0, 4) == 0) t.sync_start();  // fits 2 groups
  }
  nested.reset();
  return s.finalize(tg::FinalizeOptions{.lint = tg::Lint::Off});
}

std::size_t expected_rows(const Graph& g) {
  std::size_t rows = 0;
  for (const Task& t : g.tasks()) {
    const std::size_t subslots = t.kind == TaskKind::Mix ? static_cast<std::size_t>(__builtin_popcount(t.mix_slots)) : 1;
    rows += static_cast<std::size_t>(t.block_num) * subslots;
  }
  return rows;
}

void check_invariants(const Graph& g, const SimResult& r, const std::string& what) {
  const Timeline& tl = r.timeline;
  ASSERT_EQ(tl.rows().size(), expected_rows(g)) << what;
  std::vector<std::int64_t> first_start(g.num_tasks(), INT64_MAX), last_finish(g.num_tasks(), 0);
  for (const auto& row : tl.rows()) {
    EXPECT_LE(0, row.submit_ns) << what;
    EXPECT_LE(row.submit_ns, row.ready_ns) << what;
    EXPECT_LE(row.submit_ns, row.dispatch_ns) << what;
    EXPECT_LE(row.dispatch_ns, row.start_ns) << what;
    EXPECT_LE(row.ready_ns, row.start_ns) << what;
    EXPECT_LE(row.start_ns, row.end_ns) << what;
    EXPECT_LE(row.end_ns, row.finish_ns) << what;
    EXPECT_LE(row.finish_ns, tl.makespan_ns) << what;
    ASSERT_LT(row.lane, tl.lanes.size()) << what;
    const LaneKind lane = tl.lanes[row.lane].kind;
    switch (g.task(row.task).kind) {
      case TaskKind::Cube: EXPECT_EQ(lane, LaneKind::Aic) << what; break;
      case TaskKind::Vector: EXPECT_EQ(lane, LaneKind::Aiv) << what; break;
      case TaskKind::Host: EXPECT_EQ(lane, LaneKind::Host) << what; break;
      case TaskKind::Mix: EXPECT_EQ(lane, row.subslot == 0 ? LaneKind::Aic : LaneKind::Aiv) << what; break;
    }
    first_start[row.task] = std::min(first_start[row.task], row.start_ns);
    last_finish[row.task] = std::max(last_finish[row.task], row.finish_ns);
  }
  // A consumer starts only after its producers' FIN is seen.
  for (const auto& e : g.edges()) EXPECT_LE(last_finish[e.from], first_start[e.to]) << what;
  // No two blocks on one core at once (occupied from dispatch to FIN for the scheduler,
  // running from start to end).
  std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> by_lane(tl.lanes.size());
  for (const auto& row : tl.rows()) by_lane[row.lane].push_back({row.start_ns, row.end_ns});
  for (auto& spans : by_lane) {
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i) EXPECT_LE(spans[i - 1].second, spans[i].first) << what;
  }
  for (const auto& span : tl.scheduler_spans()) {
    EXPECT_EQ(tl.lanes.at(span.lane).kind, LaneKind::Scheduler) << what;
    EXPECT_LE(span.end_ns, tl.makespan_ns) << what;
  }
}

TEST(SimInvariants, HoldForEveryStrategyOnRandomGraphs) {
  for (std::uint32_t seed = 1; seed <= 6; ++seed) {
    const Graph g = random_graph(seed, 60);
    for (const auto& strategy : strategy_names()) {
      SimOptions o;
      o.strategy = strategy;
      const auto r = SimExecutor{hand_machine(2, 2), o}.simulate(g);
      check_invariants(g, r, "seed " + std::to_string(seed) + " " + strategy);
    }
  }
}

TEST(SimInvariants, HoldWithScopeExitRings) {
  const Graph g = random_graph(11, 60);
  SimOptions o;
  o.staging = StagingRelease::ScopeExitRing;
  o.ring_bytes = 64 * 1024;  // every buffer of the graph: no deadlock possible
  const auto r = SimExecutor{hand_machine(2, 2), o}.simulate(g);
  check_invariants(g, r, "rings");
  EXPECT_GT(r.peak_staging_bytes_scope_exit, 0u);
}

TEST(SimInvariants, SameInputsGiveAnIdenticalTimeline) {
  const Graph g = random_graph(5, 80);
  for (const auto& strategy : strategy_names()) {
    SimOptions o;
    o.strategy = strategy;
    auto m = load_machine("a2a3");
    const auto a = SimExecutor{m, o}.simulate(g);
    const auto b = SimExecutor{m, o}.simulate(g);
    ASSERT_EQ(a.timeline.rows().size(), b.timeline.rows().size());
    for (std::size_t i = 0; i < a.timeline.rows().size(); ++i) {
      const auto &x = a.timeline.rows()[i], &y = b.timeline.rows()[i];
      EXPECT_TRUE(x.task == y.task && x.block == y.block && x.lane == y.lane && x.subslot == y.subslot &&
                  x.submit_ns == y.submit_ns && x.ready_ns == y.ready_ns && x.dispatch_ns == y.dispatch_ns &&
                  x.start_ns == y.start_ns && x.end_ns == y.end_ns && x.finish_ns == y.finish_ns)
          << strategy << " row " << i;
    }
    EXPECT_EQ(a.timeline.makespan_ns, b.timeline.makespan_ns);
    EXPECT_EQ(a.timeline.scheduler_spans().size(), b.timeline.scheduler_spans().size());
    EXPECT_EQ(a.events, b.events);
  }
}

}  // namespace
