// Multi-chip runs with hand-computed times: host tasks on the hand machine (1 flop = 1 ns on
// a host lane, no submission cost), collectives on a 2-chip link of 4 bytes per ns, 100 ns per hop.
#include "scheduler/multichip_sim.hpp"

#include <gtest/gtest.h>

#include "runtime/error.hpp"
#include "sim_test_machine.hpp"
#include "scheduler/strategy.hpp"
#include "tasks/scope.hpp"

namespace tg {
namespace {

MultiChipMachine two_chips(int links = 1) {
  MultiChipMachine m;
  m.name = "hand x2";
  m.origin = "test";
  m.chip = testing::hand_machine();
  m.network.dims = {NetworkDim{Topology::FullyConnected, 2, links, 4e9, 100}};
  return m;
}

// compute (compute_ns) -> all_reduce of `floats` fp32 -> after (500 ns).
Graph one_all_reduce(const std::string& name, double compute_ns, std::int64_t floats = 1000) {
  Scope s{name};
  auto x = s.input("x", {1, floats}, DType::FP32);
  auto p = s.staging("partial", {1, floats}, DType::FP32);
  auto y = s.output("y", {1, floats}, DType::FP32);
  s.host("compute", {In(x), Out(p)}).cost(testing::ns_of_compute(compute_ns));
  s.host("sum", {InOut(p)}).kernel_name("comm.all_reduce");
  s.host("after", {In(p), Out(y)}).cost(testing::ns_of_compute(500));
  return s.finalize();
}

TEST(MultiChipSim, OneAllReduceStartsWhenTheLastRankArrives) {
  const std::vector<Graph> graphs = {one_all_reduce("rank0", 1000), one_all_reduce("rank1", 3000)};
  const MultiChipResult r = MultiChipSimExecutor(two_chips()).simulate(graphs);
  // all_reduce of 4000 B on 2 chips: 2 steps of 2000 B = 2 x 100 ns + 4000 B / 4 B/ns = 1200 ns.
  ASSERT_EQ(r.collectives.size(), 1u);
  EXPECT_EQ(r.collectives[0].plan.ns(), 1200);
  EXPECT_EQ(r.collectives[0].first_ready_ns, 1000);
  EXPECT_EQ(r.collectives[0].all_ready_ns, 3000);
  EXPECT_EQ(r.collectives[0].end_ns, 4200);
  // Then "after" runs 500 ns on each chip.
  EXPECT_EQ(r.makespan_ns, 4700);
  ASSERT_EQ(r.ranks.size(), 2u);
  EXPECT_EQ(r.ranks[0].timeline.makespan_ns, 4700);
  EXPECT_EQ(r.ranks[1].timeline.makespan_ns, 4700);
  // Rank 0 waits for rank 1 inside the collective: 3200 ns, none of it hidden.
  EXPECT_EQ(r.comm[0].collective_ns, 3200);
  EXPECT_EQ(r.comm[0].exposed_ns, 3200);
  EXPECT_EQ(r.comm[1].collective_ns, 1200);
  EXPECT_EQ(r.comm[1].exposed_ns, 1200);
  EXPECT_DOUBLE_EQ(r.exposed_share(), (3200.0 / 4700 + 1200.0 / 4700) / 2);
  // The collective's task sits on the chip's link lane, after its own lanes.
  const Timeline& tl = r.ranks[0].timeline;
  ASSERT_EQ(tl.lanes.back().name, "link 0");
  bool on_link = false;
  for (const TimelineRow& row : tl.rows())
    if (row.task == 1) {
      on_link = row.lane == tl.lanes.size() - 1;
      EXPECT_EQ(row.start_ns, 1000);
      EXPECT_EQ(row.end_ns, 4200);
    }
  EXPECT_TRUE(on_link);
}

// compute (1000 ns) writes p and q; then two independent all_reduces of them.
Graph two_all_reduces(std::int64_t p_floats, std::int64_t q_floats) {
  Scope s{"two"};
  auto x = s.input("x", {1, 8}, DType::FP32);
  auto p = s.staging("p", {1, p_floats}, DType::FP32);
  auto q = s.staging("q", {1, q_floats}, DType::FP32);
  auto y = s.output("y", {1, p_floats}, DType::FP32);
  auto z = s.output("z", {1, q_floats}, DType::FP32);
  s.host("compute", {In(x), Out(p), Out(q)}).cost(testing::ns_of_compute(1000));
  s.host("sum_p", {InOut(p)}).kernel_name("comm.all_reduce");
  s.host("sum_q", {InOut(q)}).kernel_name("comm.all_reduce");
  s.host("use_p", {In(p), Out(y)});
  s.host("use_q", {In(q), Out(z)});
  return s.finalize();
}

TEST(MultiChipSim, TwoCollectivesOnOneLinkShareItsBandwidth) {
  // Alone, an all_reduce of 4000 B takes 200 ns of hops + 1000 ns of bytes: 1000 + 1200.
  const MultiChipResult alone = MultiChipSimExecutor(two_chips()).simulate_replicated(one_all_reduce("one", 1000));
  EXPECT_EQ(alone.collectives[0].end_ns, 2200);
  // Two of 4000 B: both start their bytes at 1200 and get 2 B/ns each: 4000 B take 2000 ns.
  const MultiChipResult both = MultiChipSimExecutor(two_chips()).simulate_replicated(two_all_reduces(1000, 1000));
  ASSERT_EQ(both.collectives.size(), 2u);
  EXPECT_EQ(both.collectives[0].end_ns, 3200);
  EXPECT_EQ(both.collectives[1].end_ns, 3200);
  // 4000 B and 2000 B: the small one ends at 1200 + 2000 / 2 = 2200; the large one has 2000 B
  // left, alone now at 4 B/ns: 2200 + 500 = 2700.
  const MultiChipResult mixed = MultiChipSimExecutor(two_chips()).simulate_replicated(two_all_reduces(1000, 500));
  EXPECT_EQ(mixed.collectives[1].end_ns, 2200);
  EXPECT_EQ(mixed.collectives[0].end_ns, 2700);
  // Two collectives in flight at once take two link lanes on each chip.
  EXPECT_EQ(mixed.ranks[0].timeline.lanes.back().name, "link 1");
}

TEST(MultiChipSim, AGraphWithoutCollectivesRunsAsOnOneChip) {
  Scope s{"plain"};
  auto x = s.input("x", {1, 8}, DType::FP32);
  auto y = s.output("y", {1, 8}, DType::FP32);
  s.vector("v", {In(x), Out(y)}).cost(testing::ns_of_compute(700));
  const Graph g = s.finalize();
  const SimResult one = SimExecutor(testing::hand_machine()).simulate(g);
  const MultiChipResult many = MultiChipSimExecutor(two_chips()).simulate_replicated(g);
  EXPECT_EQ(many.makespan_ns, one.timeline.makespan_ns);
  EXPECT_EQ(many.ranks[1].timeline.rows().size(), one.timeline.rows().size());
  EXPECT_EQ(many.comm[0].collective_ns, 0);
  EXPECT_EQ(many.exposed_share(), 0);
}

std::string error_of(const std::vector<Graph>& graphs) {
  try {
    MultiChipSimExecutor(two_chips()).simulate(graphs);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(MultiChipSim, RanksWhoseCollectivesDifferAreAClearError) {
  const std::string sizes = error_of({one_all_reduce("rank0", 10, 1000), one_all_reduce("rank1", 10, 500)});
  EXPECT_NE(sizes.find("collective #0 differs across ranks: rank 0 task 'sum#1' (all_reduce 4000 B), rank 1 task "
                       "'sum#1' (all_reduce 2000 B)"),
            std::string::npos)
      << sizes;
  const std::string count = error_of({one_all_reduce("rank0", 10), two_all_reduces(1000, 1000)});
  EXPECT_NE(count.find("rank 0 has 1 collectives, rank 1 has 2"), std::string::npos) << count;
  EXPECT_NE(count.find("'sum_q#2'"), std::string::npos) << count;
  const std::string chips = error_of({one_all_reduce("rank0", 10)});
  EXPECT_NE(chips.find("has 2 chips; got 1 rank graphs"), std::string::npos) << chips;
}

TEST(MultiChipSim, SendAndRecvAreNotModelled) {
  Scope s{"p2p"};
  auto x = s.input("x", {1, 8}, DType::FP32);
  s.host("to_peer", {In(x)}).kernel_name("comm.send");
  const Graph g = s.finalize();
  try {
    MultiChipSimExecutor(two_chips()).simulate_replicated(g);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'to_peer#0' is a send"), std::string::npos) << e.what();
  }
}

TEST(MultiChipSim, SameInputsSameResult) {
  const std::vector<Graph> graphs = {two_all_reduces(1000, 300), two_all_reduces(1000, 300)};
  const MultiChipResult a = MultiChipSimExecutor(two_chips()).simulate(graphs);
  const MultiChipResult b = MultiChipSimExecutor(two_chips()).simulate(graphs);
  ASSERT_EQ(a.ranks[0].timeline.rows().size(), b.ranks[0].timeline.rows().size());
  for (std::size_t i = 0; i < a.ranks[0].timeline.rows().size(); ++i) {
    EXPECT_EQ(a.ranks[0].timeline.row(i).start_ns, b.ranks[0].timeline.row(i).start_ns);
    EXPECT_EQ(a.ranks[0].timeline.row(i).end_ns, b.ranks[0].timeline.row(i).end_ns);
  }
}

TEST(MultiChipSim, EveryStrategyAndJitteredRunsReachTheSameCollectives) {
  const std::vector<Graph> graphs = {one_all_reduce("rank0", 1000), one_all_reduce("rank1", 3000)};
  for (const std::string& strategy : strategy_names()) {
    SimOptions options;
    options.strategy = strategy;
    const MultiChipResult r = MultiChipSimExecutor(two_chips(), options).simulate(graphs);
    EXPECT_EQ(r.collectives[0].end_ns, 4200) << strategy;  // host tasks: no dispatch for a strategy to change
    options.jitter_seed = 7;
    const MultiChipResult a = MultiChipSimExecutor(two_chips(), options).simulate(graphs);
    const MultiChipResult b = MultiChipSimExecutor(two_chips(), options).simulate(graphs);
    EXPECT_EQ(a.makespan_ns, b.makespan_ns) << strategy;
    EXPECT_EQ(a.collectives[0].end_ns - a.collectives[0].all_ready_ns, 1200) << strategy;  // the network does not jitter
  }
}

}  // namespace
}  // namespace tg
