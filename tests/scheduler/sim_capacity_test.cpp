// Binding a graph to a machine (working sets, sync_start) and staging memory: peaks under
// both release policies, and a ring too small for its scope reported as a deadlock.
#include <gtest/gtest.h>

#include "runtime/error.hpp"
#include "scheduler/capacity_check.hpp"
#include "scheduler/sim_executor.hpp"
#include "sim_test_machine.hpp"
#include "tasks/scope.hpp"

namespace {

using namespace tg;
using tg::testing::hand_machine;
using tg::testing::ns_of_compute;

std::string error_of(const Graph& g, const Machine& m, SimOptions o = {}) {
  try {
    SimExecutor{m, o}.simulate(g);
  } catch (const CapacityError& e) {
    return e.what();
  }
  return "";
}

TEST(SimCapacity, VectorWorkingSetOverUsableUbNamesTaskBufferAndSizes) {
  Scope s{"ub"};
  auto x = s.input("x", {1, 64}, FP32);
  auto y = s.output("y", {1, 64}, FP32);
  s.vector("softmax_tile", {In(x), Out(y)}).cost(CostHint{1000, 0, 190 * 1024, false});
  auto g = s.finalize();
  const auto msg = error_of(g, load_machine("a2a3"));
  EXPECT_NE(msg.find("softmax_tile#0"), std::string::npos) << msg;
  EXPECT_NE(msg.find("AIV unified buffer"), std::string::npos) << msg;
  EXPECT_NE(msg.find("190 KiB"), std::string::npos) << msg;
  EXPECT_NE(msg.find("184 KiB"), std::string::npos) << msg;
  // 190 KiB fits the a5's 240 KiB.
  EXPECT_TRUE(find_capacity_violations(g, load_machine("a5")).empty());
}

TEST(SimCapacity, CubeWorkingSetIsCheckedAgainstL1AndMixAgainstUb) {
  Scope s{"l1"};
  auto x = s.input("x", {16, 64}, FP32);
  auto y = s.output("y", {16, 64}, FP32);
  s.cube("big_cube", {In(x), Out(y)}).cost(CostHint{1000, 0, 600 * 1024, false});
  s.cube("fits_l1", {In(x), Out(y)}).cost(CostHint{1000, 0, 400 * 1024, false});
  s.mix("fused", {In(x), Out(y)}).cost(CostHint{1000, 0, 200 * 1024, false});
  auto g = s.finalize();
  const auto found = find_capacity_violations(g, load_machine("a2a3"));
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].task, 0u);
  EXPECT_EQ(found[0].buffer, "AIC L1");
  EXPECT_EQ(found[0].available, 512u * 1024);
  EXPECT_EQ(found[1].task, 2u);
  EXPECT_EQ(found[1].buffer, "AIV unified buffer (usable part)");
}

TEST(SimCapacity, SyncStartWiderThanTheMachineIsAnErrorNotAHang) {
  Scope s{"sync"};
  auto x = s.input("x", {8, 64}, FP32);
  auto y = s.output("y", {8, 64}, FP32);
  s.vector("all_at_once", {In(x), Out(y)}).blocks(5).sync_start().cost(ns_of_compute(100));
  auto g = s.finalize();
  const auto msg = error_of(g, hand_machine(2));  // 4 AIV cores
  EXPECT_NE(msg.find("all_at_once#0"), std::string::npos) << msg;
  EXPECT_NE(msg.find("4 AIV cores"), std::string::npos) << msg;
}

// t0 -> s0 -> t1 -> s1 -> t2 -> s2 -> t3, each staging buffer 1 KiB (256 fp32).
Graph staging_chain(bool nested) {
  Scope s{"staging"};
  auto x = s.input("x", {1, 256}, FP32);
  auto y = s.output("y", {1, 256}, FP32);
  View prev = x;
  for (int i = 0; i < 3; ++i) {
    std::optional<Scope::Nested> inner;
    if (nested) inner.emplace(s.nest("step" + std::to_string(i)));
    auto next = s.staging("s" + std::to_string(i), {1, 256}, FP32);
    s.vector("t", {In(prev), Out(next)}).cost(ns_of_compute(1000));
    prev = next;
  }
  s.vector("t", {In(prev), Out(y)}).cost(ns_of_compute(1000));
  return s.finalize();
}

TEST(SimStaging, PeaksUnderLastUseAndScopeExit) {
  const auto g = staging_chain(false);
  const auto r = SimExecutor{hand_machine()}.simulate(g);
  // At last use at most two buffers are live (the one read and the one written).
  EXPECT_EQ(r.peak_staging_bytes_last_use, 2u * 1024);
  // All in the root scope: nothing is released before the end.
  EXPECT_EQ(r.peak_staging_bytes_scope_exit, 3u * 1024);
}

TEST(SimStaging, RingTooSmallForItsScopeIsADeadlockNamingRingAndBuffer) {
  const auto g = staging_chain(false);
  SimOptions o;
  o.staging = StagingRelease::ScopeExitRing;
  o.ring_bytes = 2 * 1024;
  const auto msg = error_of(g, hand_machine(), o);
  EXPECT_NE(msg.find("ring depth 0"), std::string::npos) << msg;
  EXPECT_NE(msg.find("deadlock"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'s2'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("t#2"), std::string::npos) << msg;
  o.ring_bytes = 3 * 1024;
  EXPECT_NO_THROW(SimExecutor(hand_machine(), o).simulate(g));
}

TEST(SimStaging, NestedScopesReleaseAtExitAfterTheLastReader) {
  const auto g = staging_chain(true);
  SimOptions o;
  o.staging = StagingRelease::ScopeExitRing;
  o.ring_bytes = 2 * 1024;  // s(i) and s(i+1): step i exits at t(i)'s FIN, s(i) goes at t(i+1)'s
  const auto r = SimExecutor{hand_machine(), o}.simulate(g);
  ASSERT_EQ(r.rings.size(), 2u);
  EXPECT_EQ(r.rings[1].capacity_bytes, 2u * 1024);
  EXPECT_EQ(r.rings[1].peak_bytes, 2u * 1024);
  // t2 waits for ring space: s0 is reclaimed when its reader t1 finishes.
  std::int64_t submit_t2 = -1, finish_t1 = -1;
  for (const auto& row : r.timeline.rows()) {
    if (row.task == 2) submit_t2 = row.submit_ns;
    if (row.task == 1) finish_t1 = row.finish_ns;
  }
  EXPECT_EQ(submit_t2, finish_t1);
  EXPECT_EQ(r.timeline.makespan_ns, 4 * 2400);
}

TEST(SimStaging, ARingThatCannotHoldAReaderAndItsOutputDeadlocks) {
  const auto g = staging_chain(true);
  SimOptions o;
  o.staging = StagingRelease::ScopeExitRing;
  o.ring_bytes = 1024;
  const auto msg = error_of(g, hand_machine(), o);
  EXPECT_NE(msg.find("ring depth 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'s1'"), std::string::npos) << msg;
  o.ring_bytes = 512;  // one buffer alone does not fit: an error before the run
  EXPECT_NE(error_of(g, hand_machine(), o).find("can never fit"), std::string::npos);
}

}  // namespace
