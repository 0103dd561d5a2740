// Dispatch strategies on graphs built so that each one's choice is visible.
#include <gtest/gtest.h>

#include "runtime/error.hpp"
#include "trace/schedule_analysis.hpp"
#include "scheduler/sim_executor.hpp"
#include "scheduler/strategy.hpp"
#include "sim_test_machine.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;
using tg::testing::hand_machine;
using tg::testing::ns_of_compute;

TimelineRow row_of(const Timeline& tl, TaskId t) {
  for (const auto& r : tl.rows())
    if (r.task == t) return r;
  throw std::runtime_error("no row");
}

SimResult run(const Graph& g, const Machine& m, const std::string& strategy) {
  SimOptions o;
  o.strategy = strategy;
  return SimExecutor{m, o}.simulate(g);
}

TEST(SimStrategy, UnknownNameListsTheValidOnes) {
  try {
    make_strategy("fastest");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("critical-path"), std::string::npos) << e.what();
  }
  SimOptions o;
  o.strategy = "nope";
  EXPECT_THROW(SimExecutor(hand_machine(), o), ConfigError);
}

TEST(SimStrategy, EarlyDispatchHidesDispatchAndPickupOnAChain) {
  Scope s{"chain"};
  auto x = s.input("x", {1, 64}, FP32);
  auto a = s.staging("a", {1, 64}, FP32);
  auto b = s.staging("b", {1, 64}, FP32);
  auto y = s.output("y", {1, 64}, FP32);
  s.vector("t0", {In(x), Out(a)}).cost(ns_of_compute(1000));
  s.vector("t1", {In(a), Out(b)}).cost(ns_of_compute(1000));
  s.vector("t2", {In(b), Out(y)}).cost(ns_of_compute(1000));
  auto g = s.finalize();
  const Machine m = hand_machine();
  EXPECT_EQ(run(g, m, "fifo").timeline.makespan_ns, 7200);
  const auto r = run(g, m, "early-dispatch");
  // t1 is staged when t0 starts (900): dispatch 900..1000, pickup done at 1800; it starts
  // at t0's FIN (2400). t2 likewise starts at t1's FIN (3900).
  EXPECT_EQ(row_of(r.timeline, 1).dispatch_ns, 900);
  EXPECT_EQ(row_of(r.timeline, 1).start_ns, 2400);
  EXPECT_EQ(row_of(r.timeline, 2).start_ns, 3900);
  EXPECT_EQ(r.timeline.makespan_ns, 5400);
  // That is the static critical path: early dispatch hides every pickup but the first.
  EXPECT_EQ(analyze_schedule(g, r.timeline, &m).static_critical_path_ns, 5400);
}

TEST(SimStrategy, CriticalPathRunsTheLongChainFirst) {
  Scope s{"cp"};
  auto x = s.input("x", {16, 64}, FP32);
  auto a = s.output("a", {16, 64}, FP32);
  auto b = s.staging("b", {16, 64}, FP32);
  auto c = s.output("c", {16, 64}, FP32);
  // One AIC: the short leaf is submitted first; the head of the long chain second.
  s.cube("leaf", {In(x), Out(a)}).cost(ns_of_compute(2000));
  s.cube("head", {In(x), Out(b)}).cost(ns_of_compute(1000));
  s.vector("tail", {In(b), Out(c)}).cost(ns_of_compute(5000));
  auto g = s.finalize();
  const auto fifo = run(g, hand_machine(1), "fifo");
  const auto cp = run(g, hand_machine(1), "critical-path");
  EXPECT_LT(row_of(fifo.timeline, 0).start_ns, row_of(fifo.timeline, 1).start_ns);
  EXPECT_LT(row_of(cp.timeline, 1).start_ns, row_of(cp.timeline, 0).start_ns);
  EXPECT_LT(cp.timeline.makespan_ns, fifo.timeline.makespan_ns);
}

TEST(SimStrategy, LocalityPicksTheGroupOfTheProducer) {
  Scope s{"loc"};
  auto x = s.input("x", {16, 64}, FP32);
  auto a = s.output("a", {16, 64}, FP32);
  auto b = s.staging("b", {16, 64}, FP32);
  auto c = s.output("c", {16, 64}, FP32);
  s.cube("short", {In(x), Out(a)}).cost(ns_of_compute(1000));    // g0
  s.cube("producer", {In(x), Out(b)}).cost(ns_of_compute(3000)); // g1
  s.cube("consumer", {In(b), Out(c)}).cost(ns_of_compute(1000)); // both groups free when ready
  auto g = s.finalize();
  const auto m = hand_machine(2);
  const auto fifo = run(g, m, "fifo");
  const auto loc = run(g, m, "locality");
  auto group = [](const SimResult& r, TaskId t) { return r.timeline.lanes.at(row_of(r.timeline, t).lane).group; };
  EXPECT_EQ(group(fifo, 1), 1);
  EXPECT_EQ(group(fifo, 2), 0);
  EXPECT_EQ(group(loc, 2), 1);
}

TEST(SimStrategy, EveryStrategyRunsEveryShape) {
  Scope s{"shapes"};
  auto x = s.input("x", {16, 64}, FP32);
  auto a = s.staging("a", {16, 64}, FP32);
  auto b = s.staging("b", {16, 64}, FP32);
  auto y = s.output("y", {16, 64}, FP32);
  s.vector("v", {In(x), Out(a)}).blocks(4).cost(ns_of_compute(700));
  s.cube("c", {In(a), Out(b)}).blocks(3).cost(ns_of_compute(900));
  s.mix("m", {In(b), Out(y)}).blocks(2).cost(ns_of_compute(500));
  s.host("h", {In(y)}).cost(ns_of_compute(100));
  auto g = s.finalize();
  for (const auto& name : strategy_names()) {
    const auto r = run(g, hand_machine(2, 2), name);
    EXPECT_EQ(r.timeline.rows().size(), 4u + 3u + 2u * 3u + 1u) << name;
    EXPECT_EQ(r.strategy, name);
  }
}

}  // namespace
