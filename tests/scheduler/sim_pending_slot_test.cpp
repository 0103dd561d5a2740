// The per-core pending slot (Machine::core_pending_slots): hand-computed timelines on the
// round-number machine, and the a2a3 preset reproducing the measured switch between
// consecutive tasks on one core.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/machine.hpp"
#include "scheduler/sim_executor.hpp"
#include "sim_test_machine.hpp"
#include "timeline_row.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;
using tg::testing::hand_machine;
using tg::testing::ns_of_compute;
using tg::testing::row_of;


// Each core lane's rows in start order.
std::map<std::uint16_t, std::vector<TimelineRow>> rows_by_lane(const Timeline& tl) {
  std::map<std::uint16_t, std::vector<TimelineRow>> by_lane;
  for (const auto& row : tl.rows()) by_lane[row.lane].push_back(row);
  for (auto& [lane, rows] : by_lane)
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.start_ns < b.start_ns; });
  return by_lane;
}

Graph independent_vector_tasks(int n, double ns_each) {
  Scope s{"independent"};
  auto x = s.input("x", {n, 64}, FP32);
  auto y = s.output("y", {n, 64}, FP32);
  for (int i = 0; i < n; ++i) s.vector("t" + std::to_string(i), {In(x.rows(i, 1)), Out(y.rows(i, 1))}).cost(ns_of_compute(ns_each));
  return s.finalize();
}

// One group (1 AIC + 2 AIV), one scheduler thread: dispatch 100, pickup 800, FIN 500.
Machine queued_machine(int pending_slots) {
  Machine m = hand_machine(1, 1);
  m.core_pending_slots = pending_slots;
  m.queued_switch_ns = 300;
  return m;
}

// Three 1000 ns vector tasks on two AIV cores. Without a pending slot the third waits for
// t0's FIN: dispatch 2400, written 2500, start 3300, end 4300, FIN 4800. With one, it is
// written to t0's busy core at 200 -> 300 and starts 300 ns after t0's end (1900): 2200.
TEST(SimPendingSlot, ABlockQueuedOnABusyCoreStartsTheSwitchAfterItsEnd) {
  const Graph g = independent_vector_tasks(3, 1000);
  const auto old_model = SimExecutor{queued_machine(0)}.simulate(g);
  EXPECT_EQ(row_of(old_model.timeline, 2).dispatch_ns, 2400);
  EXPECT_EQ(row_of(old_model.timeline, 2).start_ns, 3300);
  EXPECT_EQ(old_model.timeline.makespan_ns, 4800);

  const auto r = SimExecutor{queued_machine(1)}.simulate(g);
  const TimelineRow t0 = row_of(r.timeline, 0), t2 = row_of(r.timeline, 2);
  EXPECT_EQ(t0.end_ns, 1900);
  EXPECT_EQ(t2.dispatch_ns, 200);
  EXPECT_EQ(t2.lane, t0.lane);
  EXPECT_EQ(t2.start_ns, 2200);
  EXPECT_EQ(t2.end_ns, 3200);
  EXPECT_EQ(t2.finish_ns, 3700);
  EXPECT_EQ(r.timeline.makespan_ns, 3700);
  EXPECT_EQ(r.model.switch_ns, 300);
}

// The queued block's own dispatch and pickup can come after the running block's end:
// then they decide its start. dispatch 2000 ns, FIN 5000 ns: t0 ends at 2900 but its FIN
// is seen only at 7900; t2 is written to t0's core at 4000 -> 6000, starts at 6800.
TEST(SimPendingSlot, ALateQueuedBlockStartsAfterItsPickup) {
  Machine m = queued_machine(1);
  m.dispatch_ns = 2000;
  m.fin_detect_ns = 5000;
  const auto r = SimExecutor{m}.simulate(independent_vector_tasks(3, 100));
  const TimelineRow t0 = row_of(r.timeline, 0), t2 = row_of(r.timeline, 2);
  EXPECT_EQ(t0.end_ns, 2900);
  EXPECT_EQ(t0.finish_ns, 7900);
  EXPECT_EQ(t2.lane, t0.lane);
  EXPECT_EQ(t2.dispatch_ns, 4000);
  EXPECT_EQ(t2.start_ns, 6800);
}

// MIX blocks take idle groups only; a vector block may queue behind a MIX block on one of
// its group's AIV cores and starts the switch after the MIX block ends.
TEST(SimPendingSlot, MixBlocksAreNotQueuedButSingleCoreBlocksQueueBehindThem) {
  Scope s{"mix then vector"};
  auto x = s.input("x", {48, 64}, FP32);  // 16 rows a task: no cube M padding
  auto y = s.output("y", {48, 64}, FP32);
  s.mix("m0", {In(x.rows(0, 16)), Out(y.rows(0, 16))}).cost(ns_of_compute(1000));
  s.vector("v", {In(x.rows(16, 16)), Out(y.rows(16, 16))}).cost(ns_of_compute(1000));
  s.mix("m1", {In(x.rows(32, 16)), Out(y.rows(32, 16))}).cost(ns_of_compute(1000));
  const auto r = SimExecutor{queued_machine(1)}.simulate(s.finalize());
  const TimelineRow m0 = row_of(r.timeline, 0), v = row_of(r.timeline, 1), m1 = row_of(r.timeline, 2);
  // m0: 0 -> 100 written, start 900, end 1900, FIN 2400.
  EXPECT_EQ(m0.end_ns, 1900);
  EXPECT_EQ(v.dispatch_ns, 100);
  EXPECT_EQ(v.start_ns, 2200);  // 1900 + 300
  // m1 waits for the whole group: v's FIN at 3200 + 500 = 3700, then dispatch and pickup.
  EXPECT_EQ(m1.dispatch_ns, 3700);
  EXPECT_EQ(m1.start_ns, 3700 + 100 + 800);
}

// A block whose FIN is seen before the earlier block's (jitter can reorder them) must not
// free the core under the block still running: the core frees only with its last block.
TEST(SimPendingSlot, EveryCoreFreesOnlyOnceAllItsBlocksRetired) {
  Machine m = queued_machine(1);
  m.jitter.fin_detect = Machine::Spread{0.1, 4};
  m.completion_ns = 50;
  const Graph g = independent_vector_tasks(40, 200);
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    SimOptions o;
    o.jitter_seed = seed;
    const auto r = SimExecutor{m, o}.simulate(g);
    // On every core lane, a block starts only after the previous one on that lane ended.
    for (const auto& [lane, rows] : rows_by_lane(r.timeline)) {
      for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_GE(rows[i].start_ns, rows[i - 1].end_ns) << "seed " << seed;
    }
  }
}

// simpler, docs/investigations/2026-07-aicore-swimlane-switch-overhead-and-ack-gate.md:
// qwen3-14b decode, 1,088 AICore tasks on 72 cores: the switch from one task to the next
// on a core (previous end -> next start, the next task already queued) is 0.81 us mean
// (p50 0.80, p90 1.00). On a one-group a2a3 with 50 us tasks the pending slot is always
// refilled in time, so every gap between consecutive tasks on a core is the switch.
TEST(SimPendingSlot, A2a3ReproducesTheMeasuredSwitchMean) {
  Machine m = load_machine("a2a3");
  ASSERT_EQ(m.core_pending_slots, 1);
  m.core_groups = 1;
  const double flops_for_50us = 50e-6 * m.vector_flops_per_s * m.vector_efficiency;
  const Graph g = [&] {
    Scope s{"switch"};
    const int n = 200;
    auto x = s.input("x", {n, 64}, FP32);
    auto y = s.output("y", {n, 64}, FP32);
    for (int i = 0; i < n; ++i) s.vector("t", {In(x.rows(i, 1)), Out(y.rows(i, 1))}).cost(CostHint{flops_for_50us, 0, 0, false});
    return s.finalize();
  }();
  auto mean_switch_us = [&](std::optional<std::uint64_t> seed) {
    SimOptions o;
    o.jitter_seed = seed;
    const auto r = SimExecutor{m, o}.simulate(g);
    double sum = 0;
    int gaps = 0;
    for (const auto& [lane, rows] : rows_by_lane(r.timeline)) {
      for (std::size_t i = 1; i < rows.size(); ++i, ++gaps) sum += static_cast<double>(rows[i].start_ns - rows[i - 1].end_ns);
    }
    EXPECT_GT(gaps, 190);
    return sum / gaps / 1000.0;
  };
  EXPECT_NEAR(mean_switch_us(std::nullopt), 0.81, 0.005);
  EXPECT_NEAR(mean_switch_us(3), 0.81, 0.81 * 0.03);  // the jittered switch keeps the mean
}

}  // namespace
